/**
 * Responses typed by the generated OpenAPI `paths`: a route can only answer a status its
 * spec documents, with the body type the spec gives that status and content type. A spec
 * change that breaks a sandbox route therefore fails the type-check.
 */

/** The methods the vendor specs use. */
export type HttpMethod = 'get' | 'post';

type OperationOf<Paths, P extends keyof Paths, M extends HttpMethod> = Paths[P] extends {
  [K in M]: infer O;
}
  ? O
  : never;

type ResponsesOf<Paths, P extends keyof Paths, M extends HttpMethod> =
  OperationOf<Paths, P, M> extends { responses: infer R } ? R : never;

/** The documented statuses of one operation. */
export type StatusOf<Paths, P extends keyof Paths, M extends HttpMethod> = keyof ResponsesOf<
  Paths,
  P,
  M
> &
  number;

/** The body type of one documented response and content type. */
export type BodyOf<
  Paths,
  P extends keyof Paths,
  M extends HttpMethod,
  S extends StatusOf<Paths, P, M>,
  C extends string,
> = ResponsesOf<Paths, P, M>[S] extends { content: { [K in C]: infer B } } ? B : never;

/** Statuses documented without a body. */
export type EmptyStatusOf<Paths, P extends keyof Paths, M extends HttpMethod> = {
  [S in StatusOf<Paths, P, M>]: ResponsesOf<Paths, P, M>[S] extends { content?: never } ? S : never;
}[StatusOf<Paths, P, M>];

declare const serializedType: unique symbol;

/** JSON text that is known to encode a `T`: serialise once, answer many times. */
export type Serialized<T> = string & { readonly [serializedType]: T };

export function serialize<T>(value: T, options: { newline?: boolean } = {}): Serialized<T> {
  const text = JSON.stringify(value) + (options.newline ? '\n' : '');
  return text as Serialized<T>;
}

type Headers = Record<string, string>;

/**
 * Responses that must go out with no Content-Type at all (a Spring 401, Go's empty 200).
 * @hono/node-server adds `text/plain` to any response without one, so the Node server
 * writes these itself (see start-sandbox.ts).
 */
export const bodilessResponses = new WeakSet<Response>();

/** A response with no body and no Content-Type (for statuses the specs do not document). */
export function bodilessResponse(status: number, headers: Record<string, string> = {}): Response {
  const res = new Response(null, { status, headers: { 'content-length': '0', ...headers } });
  bodilessResponses.add(res);
  return res;
}

/**
 * The methods a path has in the spec: openapi-typescript writes `get?: never` for the
 * others, which no route may use.
 */
export type MethodOf<Paths, P extends keyof Paths> = {
  [M in HttpMethod]: Paths[P] extends { [K in M]: { responses: unknown } } ? M : never;
}[HttpMethod];

/** The answers of one operation (`path` + `method`), typed by its documented responses. */
export interface RouteResponder<Paths, P extends keyof Paths, M extends HttpMethod> {
  /** `application/json` (or the given JSON content type) with a typed body. */
  json<S extends StatusOf<Paths, P, M>>(
    status: S,
    body: Serialized<BodyOf<Paths, P, M, S, 'application/json'>>,
    headers?: Headers,
  ): Response;
  /** `text/plain; charset=utf-8` with a typed (string) body. */
  text<S extends StatusOf<Paths, P, M>>(
    status: S,
    body: BodyOf<Paths, P, M, S, 'text/plain'>,
    headers?: Headers,
  ): Response;
  /** A response the spec documents without a body. */
  empty<S extends EmptyStatusOf<Paths, P, M>>(status: S, headers?: Headers): Response;
}

/** The responder of one operation; the types do the checking, so every operation shares it. */
export function createRouteResponder<
  Paths,
  P extends keyof Paths,
  M extends HttpMethod,
>(): RouteResponder<Paths, P, M> {
  return {
    json: (status, body, headers) =>
      new Response(body, {
        status,
        headers: headers
          ? { 'content-type': 'application/json', ...headers }
          : { 'content-type': 'application/json' },
      }),
    text: (status, body, headers) =>
      new Response(String(body), {
        status,
        headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
      }),
    empty: (status, headers) => bodilessResponse(status, headers),
  };
}
