import { describe, expect, it } from 'vitest';
import { encodeBase64url } from './base64url';
import { HmacJwt, isWellFormedJwt, RsaJwtSigner } from './jwt';
import { jwtPart } from './test-support/requests';

/** The token with its claims replaced, header and signature kept. */
function withClaims(token: string, claims: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encodeBase64url(JSON.stringify(claims))}.${signature}`;
}

describe('HS256 (Sensu)', () => {
  it('signs with the header Sensu writes and verifies its own tokens, expired or not', async () => {
    const jwt = new HmacJwt();
    const claims = { sub: 'sandbox-admin', exp: 1, iat: 9_999_999_999, nbf: 9_999_999_999 };
    const token = await jwt.sign(claims);
    expect(jwtPart(token, 0)).toEqual({ alg: 'HS256', typ: 'JWT' });
    // Long expired and "not yet valid": the signature is all that is checked.
    expect(await jwt.verify(token)).toEqual(claims);
  });

  it('rejects forged, foreign, re-encoded and unsigned tokens', async () => {
    const jwt = new HmacJwt();
    const token = await jwt.sign({ sub: 'sandbox-admin', exp: 1 });
    expect(await jwt.verify(withClaims(token, { sub: 'sandbox-admin', exp: 2 }))).toBeNull();
    expect(await jwt.verify(await new HmacJwt().sign({ sub: 'sandbox-admin' }))).toBeNull();
    // The same signature bytes, padded: golang-jwt refuses padding, so must the sandbox.
    expect(await jwt.verify(`${token}=`)).toBeNull();
    const [, payload] = token.split('.');
    const none = `${encodeBase64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
    expect(await jwt.verify(none)).toBeNull();
    expect(await jwt.verify('not-a-jwt')).toBeNull();
    expect(await jwt.verify('a.b.c')).toBeNull();
    expect(await jwt.verify('')).toBeNull();
  });
});

describe('RS256 (CloudCX)', () => {
  it('signs with a kid in the header, and verifies only its own signatures', async () => {
    const signer = new RsaJwtSigner();
    const token = await signer.sign({ sub: 'client', exp: 1 });
    expect(jwtPart(token, 0)).toEqual({ alg: 'RS256', typ: 'JWT', kid: signer.kid });
    expect(jwtPart(token, 1)).toEqual({ sub: 'client', exp: 1 });
    expect(await signer.verify(token)).toBe(true);
    expect(await signer.verify(withClaims(token, { sub: 'other', exp: 1 }))).toBe(false);
    expect(await new RsaJwtSigner().verify(token)).toBe(false);
  });

  it('tells a well-formed JWT from a malformed token', async () => {
    const token = await new RsaJwtSigner().sign({ sub: 'client' });
    expect(isWellFormedJwt(token)).toBe(true);
    expect(isWellFormedJwt(withClaims(token, { sub: 'forged' }))).toBe(true);
    expect(isWellFormedJwt('sandbox-cloudcx-api-key')).toBe(false);
    expect(isWellFormedJwt('a.b.c')).toBe(false);
    // Claims that are JSON but not an object.
    expect(isWellFormedJwt(`${token.split('.')[0]}.${encodeBase64url('[]')}.x`)).toBe(false);
  });
});
