import { ApiResponseError } from './api-error';
import { AuthError } from './errors';
import type { RequestFetch } from './exchange';
import {
  ConnectionError,
  InvalidResponseBodyError,
  originOf,
  RequestAbortedError,
} from './transport-errors';

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

type Call = (
  url: unknown,
  init?: { fetch?: RequestFetch; signal?: AbortSignal | null },
) => Promise<unknown>;

/**
 * What reading a response threw, as a typed error: openapi-fetch parses 2xx bodies itself,
 * so a body that is not JSON would surface as a bare SyntaxError, a connection dropped
 * mid-body as a TypeError, an abort as a DOMException. Anything else passes unchanged.
 */
function bodyError(error: unknown, request: Request | undefined, response: Response | undefined) {
  if (error instanceof AuthError || !request || !response) return error;
  if (request.signal.aborted) return new RequestAbortedError(request.signal.reason);
  if (error instanceof SyntaxError && response.ok) {
    const type = response.headers.get('content-type') ?? 'no content type';
    return new InvalidResponseBodyError(
      `The API answered ${response.status} to ${request.method} ${new URL(request.url).pathname} with a body that is not JSON (${type}); expected the JSON the API describes. A proxy or gateway in between may have answered instead.`,
      { status: response.status, response },
    );
  }
  if (error instanceof TypeError) return new ConnectionError(originOf(request.url), error);
  return error;
}

/**
 * openapi-fetch leaves `error` undefined (or `''`) when a failed answer has no body, as
 * CloudCX's 401 has none: code that checks `if (error)` would carry on as if the call had
 * succeeded. Such an answer gets an ApiResponseError as its `error`; any other passes as it is.
 */
function withFailure(result: unknown, request: Request | undefined): unknown {
  if (typeof result !== 'object' || result === null || !('response' in result)) return result;
  const { response, error } = result as { response: Partial<Response>; error?: unknown };
  if (typeof response?.status !== 'number' || response.ok !== false) return result;
  if (error !== undefined && error !== '') return result;
  const { status } = response;
  // The path only: a query may carry a secret.
  const url = request?.url ?? response.url;
  const what = url ? `${request?.method ?? 'a request'} ${new URL(url).pathname}` : 'a request';
  const hint =
    status === 401
      ? ': the credentials were refused (a token client has already replayed the call once with a new token; an API key is sent as given, so check it)'
      : '';
  return {
    ...result,
    error: new ApiResponseError(
      `The API answered ${status} to ${what} with an empty body${hint}.`,
      {
        status,
        response: response as Response,
      },
    ),
  };
}

/**
 * Makes every method of an openapi-fetch client (GET, POST... and `request`) reject with
 * typed errors only: transport failures already are (the auth layer types them), and this
 * types what happens while openapi-fetch reads the body. It also makes every failed answer
 * (not 2xx) come back with `error` set: the body openapi-fetch read, or an
 * {@link ApiResponseError} (`code` `HTTP_<status>`) when the answer had no body, so
 * `if (error)` always sees a 401. `fetch` must be the fetch the client was created with; a
 * call's own `init.fetch` is honoured.
 *
 * @param client - The openapi-fetch client; it is changed in place and returned.
 * @param fetch - The fetch the client was created with.
 */
export function withTypedErrors<Client extends object>(
  client: Client,
  fetch: RequestFetch,
): Client {
  const target = client as unknown as Record<string, Call> & {
    request: (method: string, url: unknown, init?: object) => Promise<unknown>;
  };
  const guard = async (call: Call, url: unknown, init: Parameters<Call>[1] = {}) => {
    let request: Request | undefined;
    let response: Response | undefined;
    const send = init.fetch ?? fetch;
    const capture: RequestFetch = async (sent, ext) => {
      request = sent;
      response = await send(sent, ext);
      return response;
    };
    try {
      return withFailure(await call(url, { ...init, fetch: capture }), request);
    } catch (error) {
      throw bodyError(error, request, response);
    }
  };
  for (const method of METHODS) {
    const call = target[method]?.bind(client) as Call;
    target[method] = (url, init) => guard(call, url, init);
  }
  const request = target.request.bind(client);
  target.request = (method, url, init) =>
    guard((path, options) => request(method, path, options), url, init as never);
  return client;
}
