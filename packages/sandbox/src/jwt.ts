import { decode, sign, verify } from 'hono/jwt';
import { isBase64url } from './base64url';
import { randomHex } from './random';

/**
 * The JWTs of the sandbox, on `hono/jwt` (Web Crypto underneath): HS256 for Sensu, whose
 * `/auth/token` must tell "expired but validly signed" from "forged", and RS256 for
 * CloudCX, whose access tokens are RS256 JWTs.
 */

/** A JWT's claims (or header) as JSON. */
export type JwtClaims = Record<string, unknown>;

/**
 * True for a compact JWS whose three parts are strict base64url, as golang-jwt and Nimbus
 * read them: hono/jwt on its own would also take a padded signature (`...=`), which is
 * another string for the same token.
 */
function isCompactJws(token: string): boolean {
  const parts = token.split('.');
  return (
    parts.length === 3 &&
    parts.every((part, index) => (index === 2 || part !== '') && isBase64url(part))
  );
}

function isObject(value: unknown): value is JwtClaims {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `token` parses as a JWT (header and claims JSON objects), signed or not. */
export function isWellFormedJwt(token: string): boolean {
  if (!isCompactJws(token)) return false;
  try {
    const { header, payload } = decode(token);
    return isObject(header) && isObject(payload);
  } catch {
    return false;
  }
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

  /** A token with these claims (header `{"alg":"HS256","typ":"JWT"}`). */
  async sign(claims: JwtClaims): Promise<string> {
    return sign(claims, await this.#key, 'HS256');
  }

  /**
   * The claims of a token whose HS256 signature is valid, whatever its `exp`, `nbf` and
   * `iat` (the caller decides whether an expired token is acceptable); null for anything
   * else.
   */
  async verify(token: string): Promise<JwtClaims | null> {
    if (!isCompactJws(token)) return null;
    try {
      const claims: unknown = await verify(token, await this.#key, {
        alg: 'HS256',
        exp: false,
        nbf: false,
        iat: false,
      });
      return isObject(claims) ? claims : null;
    } catch {
      return null;
    }
  }
}

interface RsaKeys {
  /**
   * The private key as a JWK naming its `kid` and `alg`: given a JWK, hono/jwt writes both
   * into the header (`{"alg":"RS256","typ":"JWT","kid":...}`), as Spring's tokens carry a
   * `kid`; given a CryptoKey it would write no `kid`.
   */
  privateJwk: JsonWebKey & { kid: string; alg: 'RS256' };
  publicKey: CryptoKey;
}

/** RS256 with a 2048-bit key pair made on first use, like a Spring authorization server's. */
export class RsaJwtSigner {
  readonly kid = randomHex(8);
  #keys: Promise<RsaKeys> | undefined;

  #keyPair(): Promise<RsaKeys> {
    this.#keys ??= quiet(
      (async () => {
        const pair = await crypto.subtle.generateKey(
          {
            name: 'RSASSA-PKCS1-v1_5',
            modulusLength: 2048,
            publicExponent: new Uint8Array([1, 0, 1]),
            hash: 'SHA-256',
          },
          true,
          ['sign', 'verify'],
        );
        const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
        return {
          privateJwk: { ...jwk, kid: this.kid, alg: 'RS256' as const },
          publicKey: pair.publicKey,
        };
      })(),
    );
    return this.#keys;
  }

  /** A token with these claims, signed with this signer's private key. */
  async sign(claims: JwtClaims): Promise<string> {
    return sign(claims, (await this.#keyPair()).privateJwk, 'RS256');
  }

  /** True when the RS256 signature is this signer's (whatever the token's times). */
  async verify(token: string): Promise<boolean> {
    if (!isCompactJws(token)) return false;
    try {
      await verify(token, (await this.#keyPair()).publicKey, {
        alg: 'RS256',
        exp: false,
        nbf: false,
        iat: false,
      });
      return true;
    } catch {
      return false;
    }
  }
}
