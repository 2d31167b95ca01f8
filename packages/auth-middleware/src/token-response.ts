import { InvalidTokenResponseError, TokenEndpointError } from './errors';
import { redact } from './redact';
import { retryAfterMs } from './retry';
import { expiresAtFromExpiresIn, type TokenSet } from './token-set';

/** What the token-response helpers need from the grant context. */
export interface TokenResponseContext {
  /** The current time in epoch milliseconds. */
  readonly now: number;
  /** Reports a tolerated oddity (through the manager's logger). */
  warn?(message: string): void;
}

const BODY_LIMIT = 2048;

/** A copy of `fields` without the undefined ones (for exactOptionalPropertyTypes). */
export const defined = <T extends object>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as never;

const contentType = (response: Response) =>
  response.headers.get('content-type') ?? 'no content type';

/** Reads a 2xx token response as a JSON object, or fails naming what was wrong. */
export async function readJsonObject(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {}
  if (typeof body === 'object' && body && !Array.isArray(body)) {
    return body as Record<string, unknown>;
  }
  throw new InvalidTokenResponseError(
    `The token endpoint answered ${response.status} with ${body === undefined ? `a body that is not JSON (${contentType(response)}, ${text.length} bytes)` : 'JSON that is not an object'}; expected a JSON object.`,
    { response },
  );
}

/** The field as a non-empty string or a finite non-negative number, or an error naming it. */
function check(body: Record<string, unknown>, name: string, number?: boolean): unknown {
  const value = body[name];
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (number ? Number.isFinite(value) && (value as number) >= 0 : type === 'string' && value) {
    return value;
  }
  throw new InvalidTokenResponseError(
    `The token response field "${name}" is ${
      value === undefined
        ? 'missing'
        : value === null
          ? type
          : `${/^[ao]/.test(type) ? 'an' : 'a'} ${type}${value === '' ? ' (empty)' : number && type === 'number' ? ` (${value})` : ''}`
    }; expected a ${number ? 'non-negative number' : 'non-empty string'}.`,
    { field: name },
  );
}

/** The field as a non-empty string, or an InvalidTokenResponseError naming it. */
export function requireString(body: Record<string, unknown>, field: string): string {
  return check(body, field) as string;
}

/** The field as a string when present (null counts as absent), else an error naming it. */
export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  return body[field] == null ? undefined : requireString(body, field);
}

/** The field as a finite non-negative number, or an error naming it. */
export function requireNumber(body: Record<string, unknown>, field: string): number {
  return check(body, field, true) as number;
}

/**
 * A lifetime or expiry field read leniently, as servers send it in practice: a number, or a
 * numeric string (`"3600"`). Absent or `null` is undefined (unknown). A negative or
 * non-numeric value is undefined too, reported through `context.warn`: the token is then
 * used until the API refuses it.
 */
export function optionalLifetime(
  body: Record<string, unknown>,
  field: string,
  context?: Pick<TokenResponseContext, 'warn'>,
): number | undefined {
  const value = body[field];
  if (value == null) return undefined;
  const number =
    typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isFinite(number) && number >= 0) return number;
  context?.warn?.(
    `the token response field "${field}" is ${typeof value === 'number' ? value : `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`}, not a non-negative number; the token is used until the API refuses it.`,
  );
  return undefined;
}

/**
 * Validates a standard OAuth2 token response (RFC 6749 §5.1: `access_token`, `token_type`,
 * optional `expires_in`, `refresh_token`, `scope`) and returns a TokenSet. `expires_in` is
 * read with {@link optionalLifetime}: a numeric string counts, absent means unknown.
 */
export async function processOAuth2TokenResponse(
  response: Response,
  context: TokenResponseContext,
): Promise<TokenSet> {
  const { now } = context;
  const body = await readJsonObject(response);
  const expiresIn = optionalLifetime(body, 'expires_in', context);
  const refreshToken = optionalString(body, 'refresh_token');
  const scope = optionalString(body, 'scope');
  return defined({
    accessToken: requireString(body, 'access_token'),
    tokenType: requireString(body, 'token_type'),
    obtainedAt: now,
    expiresAt: expiresIn === undefined ? undefined : expiresAtFromExpiresIn(expiresIn, now),
    refreshToken,
    scope,
  }) as TokenSet;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * Reads a non-2xx token-endpoint answer into a TokenEndpointError: OAuth2 JSON, the
 * vendor's own JSON, text/plain or an HTML error page alike. The body is kept (truncated,
 * with every known secret masked), the raw Response is kept non-enumerable.
 */
export async function tokenEndpointError(
  response: Response,
  { what, secrets, now }: { what: string; secrets: readonly string[]; now: number },
): Promise<TokenEndpointError> {
  // At most 64 KiB is read and masked before the body is cut to BODY_LIMIT.
  const raw = (await response.text().catch(() => '')).slice(0, 65_536);
  const { status, headers } = response;
  let body: unknown;
  let json = '';
  try {
    // Masked once re-serialised: JSON may escape a secret (\u00e4, \") so the raw text
    // hides it, while JSON.stringify writes it plainly (keys included).
    json = redact(JSON.stringify(JSON.parse(raw)), secrets);
    body = JSON.parse(json);
  } catch {
    json = '';
    // Not JSON: text/plain (Sensu), an HTML error page, or nothing. Keep the text, masked
    // before it is cut, so a secret straddling the cut cannot survive in part.
    body = redact(raw, secrets).slice(0, BODY_LIMIT) || undefined;
  }
  const record = Object(body) as Record<string, unknown>;
  const error = text(record.error);
  const errorDescription = text(record.error_description ?? record.message ?? record.Message);
  if (json.length > BODY_LIMIT) body = `${json.slice(0, BODY_LIMIT)}…`;
  // Retry-After (seconds or an HTTP date) or retry-after-ms, in whole seconds.
  const wait = retryAfterMs(headers, now);
  const retryAfterSeconds = wait === undefined ? undefined : Math.ceil(wait / 1000);
  const said =
    error || errorDescription
      ? [error, errorDescription].filter(Boolean).join(': ').slice(0, 300)
      : typeof body === 'string' && /^(?!\s*<)./s.test(body)
        ? body.trim().slice(0, 200)
        : `${contentType(response)} body`;
  return new TokenEndpointError(
    `${what} was refused with HTTP ${status} (${said}).${status < 500 ? '' : ` The server failed; try again later${retryAfterSeconds === undefined ? '' : ` (it asked to wait ${retryAfterSeconds} s)`}.`}${status === 404 ? notFoundHint(response) : ''}`,
    { status, body, response, error, errorDescription, retryAfterSeconds } as never,
  );
}

/**
 * A token endpoint that is not found most often means the base URL carries a path the
 * client adds itself (`https://host/api` + `/api/oauth2/access-token`).
 */
function notFoundHint(response: Response): string {
  const url = response.url.replace(/[?#].*/, '');
  return ` No token endpoint at ${url || 'that URL'}: the base URL should be the API's origin (and any prefix the vendor documents), without the path the client adds itself; check it does not repeat a segment such as /api.`;
}
