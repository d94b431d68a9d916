import type {
  PathsWithMethod,
  RequestBodyJSON,
  SuccessResponseJSON,
} from 'openapi-typescript-helpers';
import type { paths } from './generated/openapi.js';
import { PagedList } from './paged-list.js';
import type { HttpMethod, Transport } from './transport.js';
import type { Page } from './types.js';

type Method = Lowercase<HttpMethod>;

/** The generated operation at a path and method, such as `paths['/api/v1/entities']['post']`. */
type OperationAt<P, M> = P extends keyof paths
  ? M extends keyof paths[P]
    ? NonNullable<paths[P][M]>
    : never
  : never;

type PathParams<O> = O extends { parameters: { path: infer T } } ? T : never;
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Q : never;

/** A call's parameters, each typed by the operation the path and method name. */
export interface CallOptions<O> {
  path?: PathParams<O>;
  query?: QueryOf<O>;
  body?: RequestBodyJSON<O>;
  idempotencyKey?: string | undefined;
  replaySafe?: boolean | undefined;
}

/** Options of any POST: an `Idempotency-Key` makes it safe to retry. */
export interface PostOptions {
  /**
   * The same key and body within 24 hours replays the first answer instead of acting twice.
   * With a key, the client also retries the POST after a broken connection or a 5xx.
   */
  idempotencyKey?: string;
}

/**
 * The base of every resource: `call` takes a path as written in the OpenAPI document, so a
 * path or method the server does not have, or a body or answer of the wrong shape, is a
 * compile error rather than a surprise at run time.
 */
export abstract class Resource {
  constructor(private readonly transport: Transport) {}

  protected async call<M extends Method, P extends PathsWithMethod<paths, M>>(
    method: M,
    template: P,
    options: CallOptions<OperationAt<P, M>> = {},
  ): Promise<SuccessResponseJSON<OperationAt<P, M>>> {
    const answer = await this.transport.send({
      method: method.toUpperCase() as HttpMethod,
      path: fillPath(template, (options.path ?? {}) as Record<string, string>),
      query: options.query as Record<string, unknown> | undefined,
      body: options.body,
      idempotencyKey: options.idempotencyKey,
      replaySafe: options.replaySafe,
    });
    // The answer is the server's JSON; its type is the one the OpenAPI document promises.
    return answer as SuccessResponseJSON<OperationAt<P, M>>;
  }
}

/** `/api/v1/entities/{entity_id}` with each `{name}` replaced by its escaped value. */
function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') throw new TypeError(`${name} is required`);
    return encodeURIComponent(value);
  });
}

/** A list whose answer is `{ data, has_more, next_cursor }`, starting at `cursor` if given. */
export function pagedData<Item>(
  fetchPage: (cursor: string | undefined) => Promise<Page<Item>>,
  cursor: string | undefined,
): PagedList<Page<Item>, Item> {
  return new PagedList(fetchPage, (page) => page.data, cursor);
}
