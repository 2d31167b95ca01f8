import { describe, expect, it, vi } from 'vitest';
import { InvalidTokenResponseError } from './errors';
import { processOAuth2TokenResponse, readJsonObject } from './token-response';

const NOW = Date.UTC(2025, 0, 1);
const respond = (body: unknown, init?: ResponseInit) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    headers: { 'content-type': 'application/json' },
    ...init,
  });

async function failure(body: unknown): Promise<InvalidTokenResponseError> {
  const error = await processOAuth2TokenResponse(respond(body), { now: NOW }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidTokenResponseError);
  return error as InvalidTokenResponseError;
}

describe('processOAuth2TokenResponse', () => {
  it('turns a standard token response into a TokenSet with an absolute expiry', async () => {
    const tokens = await processOAuth2TokenResponse(
      respond({
        access_token: 'at',
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: 'rt',
        scope: 'read write',
      }),
      { now: NOW },
    );
    expect(tokens).toEqual({
      accessToken: 'at',
      tokenType: 'Bearer',
      expiresAt: NOW + 3600_000,
      obtainedAt: NOW,
      refreshToken: 'rt',
      scope: 'read write',
    });
  });

  it('leaves optional fields out when absent or null', async () => {
    const tokens = await processOAuth2TokenResponse(
      respond({ access_token: 'at', token_type: 'Bearer', refresh_token: null }),
      { now: NOW },
    );
    expect(tokens).toEqual({ accessToken: 'at', tokenType: 'Bearer', obtainedAt: NOW });
  });

  it.each([
    [
      { token_type: 'Bearer' },
      'access_token',
      /"access_token" is missing; expected a non-empty string/,
    ],
    [
      { access_token: '', token_type: 'Bearer' },
      'access_token',
      /"access_token" is a string \(empty\)/,
    ],
    [{ access_token: 42, token_type: 'Bearer' }, 'access_token', /"access_token" is a number/],
    [{ access_token: 'at' }, 'token_type', /"token_type" is missing/],
    [{ access_token: 'at', token_type: ['Bearer'] }, 'token_type', /"token_type" is an array/],
    [
      { access_token: 'at', token_type: 'Bearer', refresh_token: 604800 },
      'refresh_token',
      /"refresh_token" is a number/,
    ],
    [{ access_token: 'at', token_type: 'Bearer', scope: {} }, 'scope', /"scope" is an object/],
  ])('names the bad field in %j', async (body, field, message) => {
    const error = await failure(body);
    expect(error.field).toBe(field);
    expect(error.code).toBe('INVALID_TOKEN_RESPONSE');
    expect(error.message).toMatch(message);
  });

  it.each([
    ['a numeric string', '3600', NOW + 3_600_000],
    ['a decimal string', ' 1.5 ', NOW + 1_500],
    ['null', null, undefined],
    ['absent', undefined, undefined],
  ])('accepts expires_in as %s', async (_label, expiresIn, expiresAt) => {
    const warn = vi.fn();
    const tokens = await processOAuth2TokenResponse(
      respond({ access_token: 'at', token_type: 'Bearer', expires_in: expiresIn }),
      { now: NOW, warn },
    );
    expect(tokens.expiresAt).toBe(expiresAt);
    expect(warn).not.toHaveBeenCalled();
  });

  it.each([
    ['negative', -5, /"expires_in" is -5, not a non-negative number/],
    ['a word', 'soon', /"expires_in" is a string, not a non-negative number/],
    ['an object', {}, /"expires_in" is an object, not a non-negative number/],
  ])('treats expires_in %s as an unknown lifetime, with a warning', async (_label, value, said) => {
    const warn = vi.fn();
    const tokens = await processOAuth2TokenResponse(
      respond({ access_token: 'at', token_type: 'Bearer', expires_in: value }),
      { now: NOW, warn },
    );
    expect(tokens.expiresAt).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(said));
  });

  it('fails clearly on a body that is not JSON, without quoting it', async () => {
    const error = await failure('<html>login page</html>');
    expect(error.message).toMatch(/not JSON \(application\/json, 23 bytes\)/);
    expect(error.message).not.toContain('login page');
  });

  it.each([['[1,2]'], ['"string"'], ['null']])(
    'fails on JSON that is not an object: %s',
    async (body) => {
      const error = await readJsonObject(respond(body)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidTokenResponseError);
      expect((error as Error).message).toMatch(/not an object/);
    },
  );
});
