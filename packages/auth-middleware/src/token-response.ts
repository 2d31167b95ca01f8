import {
  InvalidTokenResponseError,
  TokenEndpointError,
  type TokenEndpointErrorDetails,
} from './errors';
import { redact, redactJson } from './redact';
import { expiresAtFromExpiresIn, type TokenSet } from './token-set';

const BODY_LIMIT = 2048;
/** How much of an error body is read and masked before it is cut to BODY_LIMIT. */
const READ_LIMIT = 65_536;

/** Reads a 2xx token response as a JSON object, or fails naming what was wrong. */
export async function readJsonObject(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new InvalidTokenResponseError(
      `The token endpoint answered ${response.status} with a body that is not JSON (${type}, ${text.length} bytes). Expected a JSON token response.`,
      { response },
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidTokenResponseError(
      `The token endpoint answered ${response.status} with JSON that is not an object. Expected a JSON token response.`,
      { response },
    );
  }
  return body as Record<string, unknown>;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' || typeof value === 'undefined'
    ? `an ${typeof value}`
    : `a ${typeof value}`;
}

/** The field as a non-empty string, or an InvalidTokenResponseError naming it. */
export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value === 'string' && value.length > 0) return value;
  throw new InvalidTokenResponseError(
    value === undefined
      ? `The token response has no "${field}" field; expected a non-empty string.`
      : `The token response field "${field}" is ${describe(value)}${typeof value === 'string' ? ' (empty)' : ''}; expected a non-empty string.`,
    { field },
  );
}

/** The field as a string when present (null counts as absent), else an error naming it. */
export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  return requireString(body, field);
}

/** The field as a finite non-negative number, or an error naming it. */
export function requireNumber(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new InvalidTokenResponseError(
    value === undefined
      ? `The token response has no "${field}" field; expected a non-negative number.`
      : `The token response field "${field}" is ${describe(value)}${typeof value === 'number' ? ` (${value})` : ''}; expected a non-negative number.`,
    { field },
  );
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
  return {
    accessToken: requireString(body, 'access_token'),
    tokenType: requireString(body, 'token_type'),
    obtainedAt: now,
    ...(expiresIn === undefined ? {} : { expiresAt: expiresAtFromExpiresIn(expiresIn, now) }),
    ...(refreshToken === undefined ? {} : { refreshToken }),
    ...(scope === undefined ? {} : { scope }),
  };
}

function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Reads a non-2xx token-endpoint answer into a TokenEndpointError: OAuth2 JSON, the
 * vendor's own JSON, text/plain or an HTML error page alike. The body is kept (truncated,
 * with every known secret masked), the raw Response is kept non-enumerable.
 */
export async function tokenEndpointError(
  response: Response,
  options: { what: string; secrets: readonly string[]; now: number },
): Promise<TokenEndpointError> {
  const raw = (await response.text().catch(() => '')).slice(0, READ_LIMIT);
  let body: unknown;
  let error: string | undefined;
  let errorDescription: string | undefined;
  try {
    // Parse before masking: JSON may escape a secret (\u00e4, \") so the raw text hides it,
    // and the parsed strings would carry it whole.
    const parsed = redactJson(JSON.parse(raw), options.secrets);
    body = parsed;
    if (typeof parsed === 'object' && parsed !== null) {
      const record = parsed as Record<string, unknown>;
      if (typeof record.error === 'string') error = record.error;
      const description = record.error_description ?? record.message ?? record.Message;
      if (typeof description === 'string') errorDescription = description;
    }
    if (JSON.stringify(body).length > BODY_LIMIT) {
      body = `${JSON.stringify(body).slice(0, BODY_LIMIT)}…`;
    }
  } catch {
    // Not JSON: text/plain (Sensu), an HTML error page, or nothing. Keep the text, masked
    // before it is cut, so a secret straddling the cut cannot survive in part.
    const text = redact(raw, options.secrets).slice(0, BODY_LIMIT);
    body = text === '' ? undefined : text;
  }
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), options.now);
  const details: TokenEndpointErrorDetails = {
    status: response.status,
    body,
    response,
    ...(error === undefined ? {} : { error }),
    ...(errorDescription === undefined ? {} : { errorDescription }),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  };
  const said = error
    ? `${error}${errorDescription ? `: ${errorDescription}` : ''}`.slice(0, 300)
    : errorDescription
      ? errorDescription.slice(0, 300)
      : typeof body === 'string' && body.length > 0 && !/^\s*</.test(body)
        ? body.trim().slice(0, 200)
        : `${response.headers.get('content-type') ?? 'no content type'} body`;
  const hint =
    response.status >= 500
      ? ` The server failed; try again later${retryAfterSeconds === undefined ? '' : ` (it asked to wait ${retryAfterSeconds} s)`}.`
      : '';
  return new TokenEndpointError(
    `${options.what} was refused with HTTP ${response.status} (${said}).${hint}`,
    details,
  );
}
