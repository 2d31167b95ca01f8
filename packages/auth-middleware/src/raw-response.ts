import type { RequestFetch } from './exchange';
import { markSent } from './sent-requests';

/**
 * The init a raw call hands its openapi-fetch method: spread it into the method's own init
 * (`client.POST(path, { ...init, body })`).
 */
export interface RawResponseInit {
  /** openapi-fetch leaves the body of a success unread, for the grant's `process` step. */
  readonly parseAs: 'stream';
  /** Sends with the vendor's fetch and keeps the Response. */
  readonly fetch: RequestFetch;
  /** The caller's abort signal, when there is one. */
  readonly signal?: AbortSignal;
}

/**
 * Sends one request through a typed openapi-fetch client (the token client, without the
 * auth layer) and hands back the untouched Response, so a token response is validated by
 * the grant's `process` step while its path and body stay checked against the spec.
 * openapi-fetch reads the body of error answers itself: it gets a clone.
 *
 * The contract: `call` must spread the `init` it is given into the openapi-fetch method's
 * options (`client.POST(path, { ...init, body })`), so the request goes out through
 * `init.fetch`; that fetch is how the Response is captured (and how the token manager knows
 * the request was sent). A call that sends some other way captures nothing, and
 * `rawResponse` throws a TypeError saying so.
 *
 * @param fetch - The fetch to send with (the vendor's, beneath any auth).
 * @param signal - Aborts the request; `undefined` for none.
 * @param call - Calls one method of the typed client with `init` spread into its options.
 * @example
 * ```ts
 * rawResponse(send, signal, (init) =>
 *   tokenClient.POST('/oauth/token', { ...init, ...FORM_ENCODED, body }),
 * );
 * ```
 */
export async function rawResponse(
  fetch: RequestFetch,
  signal: AbortSignal | undefined,
  call: (init: RawResponseInit) => Promise<unknown>,
): Promise<Response> {
  let raw: Response | undefined;
  await call({
    parseAs: 'stream',
    fetch: async (request, init) => {
      markSent(signal);
      raw = await fetch(request, init);
      return raw.clone();
    },
    ...(signal ? { signal } : {}),
  });
  if (!raw) {
    throw new TypeError(
      'rawResponse: the call did not send through the fetch in init; spread init into the openapi-fetch call: client.POST(path, { ...init, body })',
    );
  }
  return raw;
}

/**
 * Serialises a flat object as `application/x-www-form-urlencoded`; `null` and `undefined`
 * fields are left out.
 */
export function formBody(fields: object): string {
  return new URLSearchParams(
    Object.entries(fields).flatMap(([name, value]) =>
      value == null ? [] : [[name, String(value)]],
    ),
  ).toString();
}

/**
 * The openapi-fetch options of a form-encoded token request: spread them into the call
 * (`{ ...init, ...FORM_ENCODED, body }`).
 */
export const FORM_ENCODED = {
  /** {@link formBody}. */
  bodySerializer: formBody,
  /** `Content-Type: application/x-www-form-urlencoded`. */
  headers: {
    /** `application/x-www-form-urlencoded`. */
    'Content-Type': 'application/x-www-form-urlencoded',
  },
} as const;
