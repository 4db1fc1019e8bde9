// One GET over a keep-alive agent, timed from the request to the last byte of the body. Bounded by a
// timeout; a failure is returned as status 0 with the error's code, never thrown.
import { Agent, request } from 'node:http';

export type Answer = { status: number; ms: number; bytes: number; headers: Record<string, string | string[] | undefined>; body: Buffer; error?: string };

/** A keep-alive agent for `sockets` concurrent connections. */
export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** GETs `url`; `keepBody` false drops the body as it streams (load generation). */
export function httpGet(agent: Agent, url: string, headers: Record<string, string>, timeoutMs: number, keepBody = true): Promise<Answer> {
  return new Promise((resolve) => {
    const started = performance.now();
    let isDone = false;
    const finish = (answer: Omit<Answer, 'ms'>) => {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      resolve({ ...answer, ms: performance.now() - started });
    };
    const req = request(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keepBody) chunks.push(chunk);
      });
      res.on('end', () => finish({ status: res.statusCode ?? 0, bytes, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (error: NodeJS.ErrnoException) => finish({ status: 0, bytes, headers: {}, body: Buffer.alloc(0), error: error.code ?? error.message }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: 0, bytes: 0, headers: {}, body: Buffer.alloc(0), error: 'timeout' });
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => finish({ status: 0, bytes: 0, headers: {}, body: Buffer.alloc(0), error: error.code ?? error.message }));
    req.end();
  });
}
