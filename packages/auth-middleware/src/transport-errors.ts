import { AuthError, assignFields, messageOf, systemCodeOf } from './errors';

/** `https://host:port` of a URL: never a path, a query or credentials. */
export const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
};

/** `text` with every URL in it cut to its origin (some runtimes quote the whole URL). */
const originsOnly = (text: string) =>
  text.replace(/\b[a-z][a-z\d+.-]*:\/\/[^\s()<>'"`]+/gi, (url) => originOf(url));

/**
 * The API could not be reached, or the connection dropped before a response: refused,
 * unknown host, reset, TLS failure. `systemCode` tells them apart when the runtime says
 * (`ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, `CERT_HAS_EXPIRED`...); `cause` is the
 * runtime's own error. Retried as a transient failure.
 */
export class ConnectionError extends AuthError {
  /** `'ConnectionError'`. */
  override name = 'ConnectionError';
  /** The origin that was tried, e.g. `https://api.example.com`. */
  declare readonly origin: string;
  /** `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, a TLS code...; undefined when the runtime gave none. */
  declare readonly systemCode: string | undefined;

  constructor(origin: string, cause: unknown) {
    const systemCode = systemCodeOf(cause);
    super(
      'CONNECTION_FAILED',
      `The connection to ${origin} failed${systemCode ? ` (${systemCode})` : ''}: ${originsOnly(messageOf(cause))}. Check the base URL, the network and the server.`,
      { cause },
    );
    this.origin = origin;
    this.systemCode = systemCode;
  }
}

/**
 * An attempt got no response headers within `requestTimeoutMs`. Counts as a transient
 * failure: the attempt is retried when retries allow.
 */
export class RequestTimeoutError extends AuthError {
  /** `'RequestTimeoutError'`. */
  override name = 'RequestTimeoutError';
  /** The origin that did not answer. */
  declare readonly origin: string;
  /** The per-attempt timeout that elapsed (`requestTimeoutMs`). */
  declare readonly timeoutMs: number;

  constructor(origin: string, timeoutMs: number) {
    super(
      'REQUEST_TIMEOUT',
      `${origin} did not answer within ${timeoutMs} ms; raise requestTimeoutMs if the call is slow by nature.`,
    );
    this.origin = origin;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The caller's `AbortSignal` aborted the call. Its `name` is `'AbortError'`, like the
 * DOMException fetch throws, so existing abort checks keep working; `cause` is the
 * signal's reason. Never retried.
 */
export class RequestAbortedError extends AuthError {
  /** `'AbortError'`, the name fetch gives an aborted request, so `name === 'AbortError'` checks keep working. */
  override name = 'AbortError';

  constructor(reason: unknown) {
    super('REQUEST_ABORTED', 'The call was aborted by its AbortSignal.', { cause: reason });
  }
}

/**
 * A 2xx answer whose body is not the JSON the API promised (an HTML page from a proxy,
 * a truncated body). The raw Response is kept non-enumerable; the body is not quoted.
 */
export class InvalidResponseBodyError extends AuthError {
  /** `'InvalidResponseBodyError'`. */
  override name = 'InvalidResponseBodyError';
  /** The (2xx) status of the answer. */
  declare readonly status: number;
  /** Its `Content-Type`, when it had one. */
  declare readonly contentType: string | undefined;
  /** The raw answer (non-enumerable), its body already read. */
  declare readonly response: Response | undefined;

  constructor(message: string, details: { status: number; response?: Response }) {
    super('INVALID_RESPONSE_BODY', message);
    const contentType = details.response?.headers.get('content-type') ?? undefined;
    assignFields(this, { status: details.status, contentType, response: details.response });
  }
}
