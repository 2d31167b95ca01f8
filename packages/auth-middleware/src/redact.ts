const MASK = '[redacted]';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The base64 characters that depend only on the secret's bytes, for each of the three
 * positions the secret can start at inside a longer encoded run (e.g. after `user:` in a
 * Basic value), in the standard and the URL-safe alphabets.
 */
function base64Forms(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const fragment = toBase64(padded).slice(start, end);
    forms.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/** Every way a secret is commonly written into a body, URL, header or log. */
function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    json,
    json.replace(
      /[\u0080-\uffff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    ),
    ...base64Forms(secret),
  ];
}

/**
 * Replaces every occurrence of each secret in `text` (as written, URL- or form-encoded,
 * JSON-escaped, and base64 at any alignment, as inside a Basic header) with `[redacted]`.
 * Secrets shorter than 4 characters are ignored: masking them would shred ordinary words
 * without protecting anything. Authorization values (`Basic`, `Bearer`, `Key`) are masked
 * whether or not their secret is known.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of formsOf(secret)) if (form.length >= 4) forms.add(form);
  }
  let out = text;
  // Longest first, so a secret containing another is masked whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (out.includes(form)) out = out.split(form).join(MASK);
  }
  return out
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MASK}`)
    .replace(/\bKey\s+[A-Za-z0-9._~+/=-]{8,}/g, `Key ${MASK}`);
}

/** Redacts every string (and key) inside parsed JSON, keeping its shape. */
export function redactJson(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (depth > 32 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redactJson(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[redact(key, secrets)] = redactJson(item, secrets, depth + 1);
  }
  return out;
}
