import { describe, expect, it } from 'vitest';
import { redact } from './redact';

const SECRET = 'S3cr3t/With+Odd=Chars&ü';

/** base64 of the secret's UTF-8 bytes when it starts at byte offset 0, 1 or 2 of a run. */
function base64Fragments(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    let binary = '';
    for (const byte of padded) binary += String.fromCharCode(byte);
    const encoded = btoa(binary);
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    fragments.push(encoded.slice(start, end));
  }
  return fragments;
}

describe('redact', () => {
  it('masks a secret as written and URL-encoded (both encodings)', () => {
    const text = `a ${SECRET} b ${encodeURIComponent(SECRET)} c ${new URLSearchParams({ s: SECRET }).toString()}`;
    const out = redact(text, [SECRET]);
    expect(out).not.toContain(SECRET);
    expect(out).not.toContain(encodeURIComponent(SECRET));
    expect(out).not.toContain(new URLSearchParams({ s: SECRET }).toString().slice(2));
    expect(out).toContain('[redacted]');
  });

  it('masks the base64 form of a secret wherever it sits in an encoded run', () => {
    for (const prefix of ['', 'u:', 'us:', 'user:']) {
      const encoded = btoa(String.fromCharCode(...new TextEncoder().encode(`${prefix}${SECRET}`)));
      const out = redact(`echo ${encoded} end`, [SECRET]);
      for (const fragment of base64Fragments(SECRET)) expect(out).not.toContain(fragment);
    }
  });

  it('masks Authorization values whatever their case, even of unknown secrets', () => {
    const out = redact(
      'Authorization: Bearer eyJhbGciOi.payload.sig and basic dXNlcjpwYXNz and Key 1f2e3d4c-5b6a',
      [],
    );
    expect(out).toBe('Authorization: Bearer [redacted] and basic [redacted] and Key [redacted]');
  });

  it.each([
    [
      'Authorization: token ghs_16C7e42F292c6912E7710c838347Ae178B4a',
      'Authorization: token [redacted]',
    ],
    ['authorization: Bearer abc.def', 'authorization: Bearer [redacted]'],
    ['Authorization: Basic dXNlcjpw', 'Authorization: Basic [redacted]'],
    ['Authorization: Key 1f2e', 'Authorization: Key [redacted]'],
    ['{"authorization":"Bot x"}', '{"authorization":"Bot [redacted]"}'],
    ['Authorization: s3cr3t-bare-value', 'Authorization: [redacted]'],
    [
      "headers: { Authorization: 'Custom-Scheme abc' }",
      "headers: { Authorization: 'Custom-Scheme [redacted]' }",
    ],
    ['Proxy-Authorization: Negotiate YIIGhgYJKoZI', 'Proxy-Authorization: Negotiate [redacted]'],
    ['{\\"Authorization\\":\\"token abcd\\"}', '{\\"Authorization\\":\\"token [redacted]\\"}'],
    ['Authorization=bare; next', 'Authorization=[redacted]; next'],
  ])('masks the credentials of any Authorization scheme: %s', (text, expected) => {
    expect(redact(text, [])).toBe(expected);
  });

  it('leaves prose about authorization alone, and an already masked value as it is', () => {
    for (const text of [
      'The authorization scheme is wrong',
      'set the Authorization header with authorize(headers, tokens)',
      'Authorization: Bearer [redacted]',
    ]) {
      expect(redact(text, [])).toBe(text);
    }
  });

  it('masks a secret escaped inside JSON text', () => {
    const secret = 'quote"back\\slash-secret';
    const out = redact(JSON.stringify({ echoed: secret }), [secret]);
    expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
  });

  it('leaves text alone when there is nothing to mask, and ignores very short secrets', () => {
    expect(redact('nothing to see here', ['absent-secret'])).toBe('nothing to see here');
    expect(redact('a b c', ['a', ''])).toBe('a b c');
  });
});
