import { afterEach, describe, expect, it, vi } from 'vitest';
import { basicAuthorization } from './basic-auth';
import { InvalidOptionsError } from './errors';

/** Decodes a Basic value by hand (atob, then UTF-8), as a server would. */
function decodeBasic(value: string): { username: string; password: string } {
  expect(value.startsWith('Basic ')).toBe(true);
  const binary = atob(value.slice('Basic '.length));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const colon = text.indexOf(':');
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('basicAuthorization', () => {
  it('encodes ASCII credentials as RFC 7617 says', () => {
    expect(basicAuthorization('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });

  it.each([
    ['non-ASCII username and password', 'jürgen', 'pässwörd-€-✓-😀'],
    ['a password containing ":"', 'admin', 'p:a:ss::word:'],
    ['an empty password', 'user', ''],
    ['CJK characters', '用户', '密码'],
  ])('round-trips %s through UTF-8', (_name, username, password) => {
    expect(decodeBasic(basicAuthorization(username, password))).toEqual({ username, password });
  });

  it('encodes UTF-8 bytes, not UTF-16 code units or Latin-1', () => {
    // "é" is C3 A9 in UTF-8; Latin-1 would give a single E9 byte.
    expect(basicAuthorization('é', 'x')).toBe(`Basic ${btoa('\u00c3\u00a9:x')}`);
  });

  it('works without Buffer (browsers, workers, Deno)', () => {
    vi.stubGlobal('Buffer', undefined);
    expect(decodeBasic(basicAuthorization('jürgen', 'a:b'))).toEqual({
      username: 'jürgen',
      password: 'a:b',
    });
  });

  it('refuses a username containing ":" with a clear error that does not echo the password', () => {
    let error: unknown;
    try {
      basicAuthorization('domain:user', 'hunter2-secret');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', option: 'username' });
    expect((error as Error).message).toMatch(/username contains ":"/);
    expect((error as Error).message).not.toContain('hunter2-secret');
  });
});
