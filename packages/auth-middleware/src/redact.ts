const MASK = '[redacted]';

/**
 * An Authorization header and its value, as written in a log line, a header dump or JSON:
 * the name, the separator (`: `, `=`, `":"`), then the value: an optional scheme word and
 * the credentials (up to a space, quote, comma, semicolon or brace).
 */
const AUTHORIZATION_HEADER =
  /\b((?:proxy-)?authorization)(\\?["']?\s*[:=]\s*\\?["']?)((?:[\w-]+ +)?[^\s"'\\,;{}]+)/gi;

/** The UTF-8 bytes of `text` as a binary string (one char per byte), ready for btoa. */
export function utf8Binary(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return binary;
}

/**
 * Every way a secret is commonly written into a body, URL, header or log: as is, URL- and
 * form-encoded, JSON-escaped (also with non-ASCII as \u escapes), and the base64 characters
 * that depend only on the secret's bytes, for each of the three positions the secret can
 * start at inside a longer encoded run (e.g. after `user:` in a Basic value), in the
 * standard and the URL-safe alphabets.
 */
function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    json,
    json.replace(
      /[\u0080-\uffff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
  ];
  const bytes = utf8Binary(secret);
  for (let offset = 0; offset < 3; offset++) {
    const fragment = btoa('\0'.repeat(offset) + bytes).slice(
      Math.ceil((offset * 4) / 3),
      Math.floor(((offset + bytes.length) * 4) / 3),
    );
    forms.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/**
 * Replaces every occurrence of each secret in `text` (as written, URL- or form-encoded,
 * JSON-escaped, and base64 at any alignment, as inside a Basic header) with `[redacted]`.
 * Secrets shorter than 4 characters are ignored: masking them would shred ordinary words
 * without protecting anything. Authorization values are masked whether or not their secret
 * is known: the credentials after any scheme in an `Authorization` (or
 * `Proxy-Authorization`) header, as in `Authorization: token ghs_...` or
 * `"authorization":"Bot x"`, a bare value with no scheme whole, and `Basic`, `Bearer` and
 * `Key` values anywhere.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length > 3) for (const form of formsOf(secret)) if (form.length > 3) forms.add(form);
  }
  // Longest first, so a secret containing another is masked whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    text = text.replaceAll(form, MASK);
  }
  return text
    .replace(AUTHORIZATION_HEADER, (_match, name: string, separator: string, value: string) => {
      const scheme = /^([\w-]+) +(?=\S)/.exec(value)?.[0] ?? '';
      const credentials = value.slice(scheme.length);
      return `${name}${separator}${scheme}${credentials.startsWith(MASK) ? credentials : MASK}`;
    })
    .replace(/\b(Basic|Bearer)\s+[\w.~+/=-]{8,}/gi, `$1 ${MASK}`)
    .replace(/\bKey\s+[\w.~+/=-]{8,}/g, `Key ${MASK}`);
}
