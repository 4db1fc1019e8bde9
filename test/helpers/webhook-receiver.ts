import { createServer } from 'node:http';
import type { Server } from 'node:http';

/** One request a receiver got. */
export type Received = { path: string; headers: Record<string, string | string[] | undefined>; body: string };

/** A real HTTP receiver on loopback port 0, answering like a robot webhook (`{"errcode":0}`): a station's endpoint. */
export async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, received, server };
}
