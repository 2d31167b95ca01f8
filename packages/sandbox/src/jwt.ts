import { randomHex } from './random';

/**
 * Just enough JWT (RFC 7519) for the sandbox, on Web Crypto: HS256 for Sensu, whose
 * `/auth/token` must tell "expired but validly signed" from "forged", and RS256 for
 * CloudCX, whose access tokens are RS256 JWTs.
 */

const base64urlPattern = /^[A-Za-z0-9_-]*$/;

export function encodeBase64url(data: Uint8Array | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Strict base64url (RFC 4648 §5, no padding); null for anything else. */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!base64urlPattern.test(text) || text.length % 4 === 1) return null;
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

export type JwtClaims = Record<string, unknown>;

interface DecodedJwt {
  header: JwtClaims;
  claims: JwtClaims;
  signingInput: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

function parseObject(bytes: Uint8Array): JwtClaims | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as JwtClaims)
      : null;
  } catch {
    return null;
  }
}

export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [headerPart = '', claimsPart = '', signaturePart = ''] = parts;
  const headerBytes = decodeBase64url(headerPart);
  const claimsBytes = decodeBase64url(claimsPart);
  const signature = decodeBase64url(signaturePart);
  if (!headerBytes || !claimsBytes || !signature) return null;
  const header = parseObject(headerBytes);
  const claims = parseObject(claimsBytes);
  if (!header || !claims) return null;
  return {
    header,
    claims,
    signature,
    signingInput: new TextEncoder().encode(`${headerPart}.${claimsPart}`),
  };
}

function signingInput(header: JwtClaims, claims: JwtClaims): string {
  return `${encodeBase64url(JSON.stringify(header))}.${encodeBase64url(JSON.stringify(claims))}`;
}

/** Keeps a key promise from counting as an unhandled rejection before its first use. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** HS256 with a random 256-bit secret per sandbox, like a Sensu backend's own secret. */
export class HmacJwt {
  readonly #key: Promise<CryptoKey> = quiet(
    crypto.subtle.importKey(
      'raw',
      crypto.getRandomValues(new Uint8Array(32)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    ),
  );

  async sign(claims: JwtClaims): Promise<string> {
    const input = signingInput({ alg: 'HS256', typ: 'JWT' }, claims);
    const signature = await crypto.subtle.sign(
      'HMAC',
      await this.#key,
      new TextEncoder().encode(input),
    );
    return `${input}.${encodeBase64url(new Uint8Array(signature))}`;
  }

  /**
   * The claims of a token whose HS256 signature is valid, whatever its `exp` (the caller
   * decides whether an expired token is acceptable); null for anything else.
   */
  async verify(token: string): Promise<JwtClaims | null> {
    const decoded = decodeJwt(token);
    if (decoded?.header.alg !== 'HS256') return null;
    const valid = await crypto.subtle.verify(
      'HMAC',
      await this.#key,
      decoded.signature,
      decoded.signingInput,
    );
    return valid ? decoded.claims : null;
  }
}

/** RS256 with a 2048-bit key pair made on first use, like a Spring authorization server's. */
export class RsaJwtSigner {
  readonly kid = randomHex(8);
  #keys: Promise<CryptoKeyPair> | undefined;

  #keyPair(): Promise<CryptoKeyPair> {
    this.#keys ??= quiet(
      crypto.subtle.generateKey(
        {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        },
        false,
        ['sign', 'verify'],
      ),
    );
    return this.#keys;
  }

  async sign(claims: JwtClaims): Promise<string> {
    const input = signingInput({ kid: this.kid, alg: 'RS256' }, claims);
    const { privateKey } = await this.#keyPair();
    const signature = await crypto.subtle.sign(
      'RSASSA-PKCS1-v1_5',
      privateKey,
      new TextEncoder().encode(input),
    );
    return `${input}.${encodeBase64url(new Uint8Array(signature))}`;
  }

  /** True when the RS256 signature is this signer's. */
  async verify(token: string): Promise<boolean> {
    const decoded = decodeJwt(token);
    if (decoded?.header.alg !== 'RS256') return false;
    const { publicKey } = await this.#keyPair();
    return crypto.subtle.verify(
      'RSASSA-PKCS1-v1_5',
      publicKey,
      decoded.signature,
      decoded.signingInput,
    );
  }
}
