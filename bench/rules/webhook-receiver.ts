// A station's webhook endpoint: a real node:http server on loopback that verifies each request's
// signature (HMAC-SHA256 over timestamp and body, packages/notify) before it counts the event.
import { createServer } from 'node:http';
import { verifyWebhookSignature, WEBHOOK_HEADERS } from '../../packages/notify/src/index.ts';

export type WebhookEvent = { type: string; alert?: { deviceId: string; ruleId: string } };

export type WebhookReceiver = {
  url: string;
  /** Requests whose signature failed verification (must stay 0). */
  refused(): number;
  close(): Promise<void>;
};

/** Starts the receiver on 127.0.0.1, port 0; `onEvent` is called with each verified event and when it arrived. */
export async function startWebhookReceiver(secret: string, onEvent: (event: WebhookEvent, receivedAt: number) => void): Promise<WebhookReceiver> {
  let refused = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const header = (name: string) => {
        const value = request.headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      };
      const verdict = verifyWebhookSignature(secret, header(WEBHOOK_HEADERS.timestamp), body, header(WEBHOOK_HEADERS.signature), Date.now());
      if (!verdict.ok) {
        refused++;
        response.writeHead(401).end();
        return;
      }
      const receivedAt = performance.now();
      response.writeHead(204).end();
      onEvent(JSON.parse(body.toString('utf8')) as WebhookEvent, receivedAt);
    });
  });
  // Keep-alive as a station's server would, so the outbox reuses its connection.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
