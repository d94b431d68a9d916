import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
}

/**
 * A node:http server that answers as the test says, for failures the real server does not
 * produce on demand (a 5xx, an answer that never comes). `answer` returning null leaves the
 * request hanging until the server closes.
 */
export interface StandInServer {
  url: string;
  seen: StandInRequest[];
  close(): Promise<void>;
}

export interface StandInAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function startStandInServer(
  answer: (request: StandInRequest, index: number) => StandInAnswer | null,
): Promise<StandInServer> {
  const seen: StandInRequest[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const key = request.headers['idempotency-key'];
      const seenRequest = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        idempotencyKey: typeof key === 'string' ? key : undefined,
      };
      seen.push(seenRequest);
      const reply = answer(seenRequest, seen.length - 1);
      if (reply === null) return;

      const isProblem = reply.status >= 400;
      response.writeHead(reply.status, {
        'content-type': isProblem ? 'application/problem+json' : 'application/json',
        ...reply.headers,
      });
      response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A problem document like the real server's, for a stand-in's error answers. */
export function problem(status: number, code: string, detail: string) {
  return {
    type: `https://docs.emivoy.com/errors#${code}`,
    title: code,
    status,
    code,
    detail,
    request_id: 'req_standin',
  };
}
