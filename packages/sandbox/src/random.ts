const alphanumerics = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random string of `length` ASCII letters and digits (CloudLX-style opaque tokens). */
export function randomAlphanumeric(length: number): string {
  // 248 is the largest multiple of 62 below 256: rejecting larger bytes avoids bias.
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 248 && out.length < length) out += alphanumerics[byte % 62];
    }
  }
  return out;
}

/** `bytes` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}
