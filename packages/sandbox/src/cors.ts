/**
 * CORS for browser clients. Off by default, as on the real vendors (which may well refuse
 * browser origins): only a sandbox started with `cors` (or switched on through the control
 * API) answers preflights and adds the `Access-Control-*` headers.
 *
 * It wraps the whole app rather than being a Hono middleware (such as `hono/cors`): every
 * answer needs the headers, faults, 401s, 404s and crashes included; the setting changes
 * at run time; and with CORS off the request must take exactly today's (synchronous) path.
 */

/**
 * The browser origins a sandbox admits: `false` none (the default), `'*'` any (answered as
 * `Access-Control-Allow-Origin: *`), or a list of origins such as `http://localhost:5173`
 * (the request's `Origin` is echoed when it is on the list, with `Vary: Origin`).
 */
export type CorsOrigins = false | '*' | readonly string[];

/**
 * The `cors` option: `true` for any origin, `false` for none, an origin (or `'*'`), or a
 * list of origins.
 */
export type CorsSetting = boolean | string | readonly string[];

/** The response headers a client reads, exposed to browser scripts. */
export const corsExposedHeaders: readonly string[] = [
  'Content-Type',
  'Content-Length',
  'Date',
  // Retries (auth-middleware reads both, and `Date` for an HTTP-date `Retry-After`).
  'Retry-After',
  'retry-after-ms',
  // Sensu's paging cursor.
  'Sensu-Continue',
  // CloudCX's 401 reason; CloudLX's (Dingo's) rate-limit headers.
  'WWW-Authenticate',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

/** The request headers the clients send; a preflight may ask for more and gets them too. */
export const corsAllowedHeaders: readonly string[] = ['Authorization', 'Content-Type', 'Accept'];

const allowedMethods = 'GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS';
/** Seconds a browser may cache a preflight (Chromium caps it at 7200). */
export const corsMaxAgeSeconds = 600;

const exposed = corsExposedHeaders.join(', ');

function checkOrigin(name: string, origin: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  if (
    parsed === undefined ||
    (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
    parsed.origin !== origin
  ) {
    throw new RangeError(
      `${name}: "${origin}" is not an origin; write scheme, host and port only, e.g. http://localhost:5173 (no path, no trailing slash), or "*" for any origin.`,
    );
  }
  return origin;
}

/**
 * Checks a CORS setting (from the options, the command line or the control API) and
 * returns it in its one normal form; throws a RangeError that names `name` otherwise.
 */
export function checkCors(name: string, value: unknown): CorsOrigins {
  if (value === false || value === undefined) return false;
  if (value === true || value === '*') return '*';
  if (typeof value === 'string') return [checkOrigin(name, value)];
  if (Array.isArray(value)) {
    if (value.length === 0) return false;
    const origins: string[] = [];
    for (const item of value) {
      if (item === '*') return '*';
      if (typeof item !== 'string') {
        throw new RangeError(`${name} takes origins as strings; got ${JSON.stringify(item)}.`);
      }
      const origin = checkOrigin(name, item);
      if (!origins.includes(origin)) origins.push(origin);
    }
    return origins;
  }
  throw new RangeError(
    `${name} takes true (any origin), false (off), "*", an origin such as "http://localhost:5173", or a list of origins; got ${JSON.stringify(value)}.`,
  );
}

/** Reads a request header by its lower-case name. */
export type HeaderReader = (name: string) => string | undefined;

/** The `Access-Control-Allow-Origin` value for this request, or undefined when not allowed. */
function allowedOrigin(origins: Exclude<CorsOrigins, false>, origin: string | undefined) {
  if (origins === '*') return '*';
  return origin !== undefined && origins.includes(origin) ? origin : undefined;
}

/** True for a CORS preflight: `OPTIONS` with an `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(method: string, header: HeaderReader): boolean {
  return (
    method === 'OPTIONS' &&
    header('origin') !== undefined &&
    header('access-control-request-method') !== undefined
  );
}

/**
 * The answer to a preflight from an allowed origin (204 with the allowed methods and
 * headers), or undefined for an origin not on the list (the request then goes on to the
 * vendor app, which answers `OPTIONS` as the vendor would).
 */
export function preflightResponse(
  origins: Exclude<CorsOrigins, false>,
  header: HeaderReader,
): Response | undefined {
  const allow = allowedOrigin(origins, header('origin'));
  if (allow === undefined) return undefined;
  const requested = (header('access-control-request-headers') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const allowHeaders = [...corsAllowedHeaders];
  for (const name of requested) {
    if (!allowHeaders.some((known) => known.toLowerCase() === name.toLowerCase())) {
      allowHeaders.push(name);
    }
  }
  const headers: Record<string, string> = {
    'access-control-allow-origin': allow,
    'access-control-allow-methods': allowedMethods,
    'access-control-allow-headers': allowHeaders.join(', '),
    'access-control-max-age': String(corsMaxAgeSeconds),
    vary:
      origins === '*' ? 'Access-Control-Request-Headers' : 'Origin, Access-Control-Request-Headers',
  };
  // Chromium's Private Network Access: a page on a public origin may reach a loopback
  // server only if the preflight says so. The sandbox listens on loopback only.
  if (header('access-control-request-private-network') === 'true') {
    headers['access-control-allow-private-network'] = 'true';
  }
  return new Response(null, { status: 204, headers });
}

/** Adds the CORS headers to an answer (in place: the sandbox's responses are its own). */
export function addCorsHeaders(
  origins: Exclude<CorsOrigins, false>,
  header: HeaderReader,
  response: Response,
): Response {
  const headers = response.headers;
  if (origins !== '*') headers.append('vary', 'Origin');
  const allow = allowedOrigin(origins, header('origin'));
  if (allow === undefined) return response;
  headers.set('access-control-allow-origin', allow);
  headers.set('access-control-expose-headers', exposed);
  return response;
}
