/**
 * The error texts a Go server (Sensu) writes for bad input, reproduced closely enough that a
 * client sees what the real backend would say.
 */

/** Go's %q for the strings the sandbox quotes (close to JSON string syntax). */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}

/** `strconv.Atoi`: an int64 from optional sign and decimal digits, or Go's error text. */
export function goAtoi(
  value: string,
): { ok: true; value: number } | { ok: false; message: string } {
  if (!/^[+-]?\d+$/.test(value)) {
    return { ok: false, message: `strconv.Atoi: parsing ${goQuote(value)}: invalid syntax` };
  }
  const n = BigInt(value);
  if (n > 9_223_372_036_854_775_807n || n < -9_223_372_036_854_775_808n) {
    return { ok: false, message: `strconv.Atoi: parsing ${goQuote(value)}: value out of range` };
  }
  return { ok: true, value: Number(n) };
}

/**
 * Whether Go's `url.ParseQuery` rejects a raw query string: a `;` separator or a `%` not
 * followed by two hex digits. Sensu's request-size guard turns that into a 500.
 */
export function isMalformedGoQuery(rawQuery: string): boolean {
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    if (part.includes(';')) return true;
    if (/%(?![0-9A-Fa-f]{2})/.test(part)) return true;
  }
  return false;
}

function characterAt(text: string, position: number): string {
  const char = text[position];
  return char === undefined ? '' : char;
}

function quoteChar(char: string): string {
  return char === "'" ? "'\\''" : `'${char}'`;
}

type SyntaxResult = { ok: true; value: unknown } | { ok: false; message: string; eof: boolean };

/**
 * Parses the first JSON value of `text` like Go's decoder, mapping V8's syntax errors onto
 * Go's wording (`invalid character 'x' looking for beginning of value`, ...).
 */
function parseLikeGo(text: string): SyntaxResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    const at = /at position (\d+)/.exec(message);
    const position = at?.[1] === undefined ? undefined : Number(at[1]);
    if (position !== undefined && /non-whitespace character after JSON/.test(message)) {
      // A decoder stops after the first value; what follows is not its concern.
      return parseLikeGo(text.slice(0, position));
    }
    if (/end of JSON input|Unterminated string/.test(message) || position === text.length) {
      return { ok: false, message: 'unexpected EOF', eof: true };
    }
    const token = /Unexpected token '(.)'/.exec(message)?.[1];
    const char = position !== undefined ? characterAt(text, position) : (token ?? '');
    if (char === '') return { ok: false, message: 'unexpected EOF', eof: true };
    let context = 'looking for beginning of value';
    if (/Expected property name/.test(message))
      context = 'looking for beginning of object key string';
    else if (/after property value/.test(message)) context = 'after object key:value pair';
    else if (/after property name/.test(message)) context = 'after object key';
    else if (/after array element/.test(message)) context = 'after array element';
    return { ok: false, message: `invalid character ${quoteChar(char)} ${context}`, eof: false };
  }
}

/** Go's message for a JSON value of the wrong kind. */
function goKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return `number ${String(value)}`;
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

export interface SensuTokensBody {
  access_token: string;
  expires_at: number;
  refresh_token: string;
}

/**
 * Decodes a request body into Sensu's `types.Tokens` the way `json.NewDecoder(r.Body).Decode`
 * does: `EOF` for an empty body, Go's syntax and type errors, case-insensitive keys.
 */
export function decodeSensuTokens(
  text: string,
): { ok: true; tokens: SensuTokensBody } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: false, message: 'EOF' };
  const parsed = parseLikeGo(text);
  if (!parsed.ok) return { ok: false, message: parsed.message };
  const tokens: SensuTokensBody = { access_token: '', expires_at: 0, refresh_token: '' };
  const value = parsed.value;
  if (value === null) return { ok: true, tokens };
  if (typeof value !== 'object' || Array.isArray(value)) {
    const kind = goKind(value).split(' ')[0] ?? 'value';
    return {
      ok: false,
      message: `json: cannot unmarshal ${kind} into Go value of type types.Tokens`,
    };
  }
  for (const [key, member] of Object.entries(value)) {
    const field = key.toLowerCase();
    if (field !== 'access_token' && field !== 'refresh_token' && field !== 'expires_at') continue;
    if (member === null) continue;
    if (field === 'expires_at') {
      if (typeof member !== 'number' || !Number.isInteger(member)) {
        return {
          ok: false,
          message: `json: cannot unmarshal ${goKind(member)} into Go struct field Tokens.expires_at of type int64`,
        };
      }
      tokens.expires_at = member;
    } else {
      if (typeof member !== 'string') {
        const kind = goKind(member).split(' ')[0] ?? 'value';
        return {
          ok: false,
          message: `json: cannot unmarshal ${kind} into Go struct field Tokens.${field} of type string`,
        };
      }
      tokens[field] = member;
    }
  }
  return { ok: true, tokens };
}

/** `json.Unmarshal`'s syntax message (used for a `continue` token that is not JSON). */
export function goUnmarshalSyntaxError(text: string): string | undefined {
  if (text.trim() === '') return 'unexpected end of JSON input';
  const parsed = parseLikeGo(text);
  if (parsed.ok) return undefined;
  return parsed.eof ? 'unexpected end of JSON input' : parsed.message;
}
