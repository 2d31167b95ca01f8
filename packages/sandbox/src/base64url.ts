const base64urlPattern = /^[A-Za-z0-9_-]*$/;

/** base64url (RFC 4648 §5) without padding, as JWTs and Sensu's continue tokens write it. */
export function encodeBase64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Strict base64url (RFC 4648 §5, no padding); null for anything else. */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!isBase64url(text)) return null;
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

/** True for strict base64url: the alphabet only, no padding, no impossible length. */
export function isBase64url(text: string): boolean {
  return base64urlPattern.test(text) && text.length % 4 !== 1;
}
