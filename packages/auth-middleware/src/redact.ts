const MASK = '[redacted]';

/**
 * Replaces every occurrence of each secret in `text` (as written, URL-encoded, and
 * base64 inside a Basic header) with `[redacted]`. Secrets shorter than 4 characters are
 * ignored: masking them would shred ordinary words without protecting anything.
 */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join(MASK);
    }
  }
  // Authorization values never appear whole, whatever produced the text.
  return out.replace(/\b(Basic|Bearer|Key)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`);
}
