import { InvalidTokenResponseError, TokenEndpointError } from './errors';
import { redact } from './redact';
import { expiresAtFromExpiresIn, type TokenSet } from './token-set';

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
 * Validates a standard OAuth2 token response (RFC 6749 §5.1: `access_token`, `token_type`,
 * optional `expires_in`, `refresh_token`, `scope`) and returns a TokenSet.
 */
export async function processOAuth2TokenResponse(
  response: Response,
  now: number,
): Promise<TokenSet> {
  const body = await readJsonObject(response);
  const expiresIn = body.expires_in === undefined ? undefined : requireNumber(body, 'expires_in');
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
  // Retry-After: seconds or an HTTP date.
  const retryAfter = headers.get('retry-after') ?? '';
  let retryAfterSeconds: number | undefined = Math.max(
    0,
    Math.ceil(/^\d/.test(retryAfter) ? +retryAfter : (Date.parse(retryAfter) - now) / 1000),
  );
  if (!(retryAfterSeconds >= 0)) retryAfterSeconds = undefined;
  const said =
    error || errorDescription
      ? [error, errorDescription].filter(Boolean).join(': ').slice(0, 300)
      : typeof body === 'string' && /^(?!\s*<)./s.test(body)
        ? body.trim().slice(0, 200)
        : `${contentType(response)} body`;
  return new TokenEndpointError(
    `${what} was refused with HTTP ${status} (${said}).${status < 500 ? '' : ` The server failed; try again later${retryAfterSeconds === undefined ? '' : ` (it asked to wait ${retryAfterSeconds} s)`}.`}`,
    { status, body, response, error, errorDescription, retryAfterSeconds } as never,
  );
}
