import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
}

/**
 * A node:http proxy in front of a server. For the first request that `drop` matches, it
 * forwards the request, waits for the server's whole answer, then destroys the client's
 * socket: the server acted, the client never heard back. Every request is recorded.
 */
export interface ForwardingProxy {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startForwardingProxy(
  target: string,
  drop: (method: string, path: string) => boolean,
): Promise<ForwardingProxy> {
  const seen: SeenRequest[] = [];
  const dropped = new Set<string>();
  const upstream = new URL(target);

  const server = http.createServer((request, response) => {
    const method = request.method ?? 'GET';
    const requestPath = request.url ?? '/';
    const key = request.headers['idempotency-key'];
    seen.push({
      method,
      path: requestPath,
      idempotencyKey: typeof key === 'string' ? key : undefined,
    });
    const signature = `${method} ${requestPath.split('?')[0]}`;
    const dropThis = !dropped.has(signature) && drop(method, requestPath.split('?')[0] ?? '');
    if (dropThis) dropped.add(signature);

    const forwarded = http.request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method,
        path: requestPath,
        headers: { ...request.headers, host: upstream.host },
      },
      (answer) => {
        if (!dropThis) {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          return;
        }
        // Read the whole answer, so the server has finished, then hang up on the client.
        answer.resume();
        answer.on('end', () => request.socket.destroy());
      },
    );
    forwarded.on('error', () => request.socket.destroy());
    request.pipe(forwarded);
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
