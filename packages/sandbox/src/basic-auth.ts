const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * Parses `Authorization: Basic base64(user:password)` the way Go's `Request.BasicAuth` does:
 * case-insensitive scheme, strict standard base64, split at the first colon. Null when the
 * header is absent or malformed.
 */
export function parseBasicAuth(header: string | undefined | null): BasicCredentials | null {
  if (!header || header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') return null;
  const encoded = header.slice(6);
  if (!base64Pattern.test(encoded)) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
