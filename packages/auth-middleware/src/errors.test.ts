import { describe, expect, it } from 'vitest';
import {
  AuthError,
  CredentialsRejectedError,
  InsecureTransportError,
  InvalidOptionsError,
  InvalidTokenResponseError,
  TokenEndpointError,
  TokenRequestError,
  toSafeError,
} from './errors';
import { tokenEndpointError } from './token-response';

const NOW = Date.UTC(2025, 0, 1);

const read = (response: Response, secrets: readonly string[] = []) =>
  tokenEndpointError(response, { what: 'The fake token request', secrets, now: NOW });

describe('error classes', () => {
  it.each([
    [new TokenEndpointError('m', { status: 500 }), 'TOKEN_ENDPOINT_ERROR', TokenEndpointError],
    [
      new CredentialsRejectedError('m', { status: 401 }),
      'CREDENTIALS_REJECTED',
      TokenEndpointError,
    ],
    [new InvalidTokenResponseError('m', { field: 'x' }), 'INVALID_TOKEN_RESPONSE', AuthError],
    [new TokenRequestError('TOKEN_REQUEST_FAILED', 'm'), 'TOKEN_REQUEST_FAILED', AuthError],
    [new TokenRequestError('TOKEN_REQUEST_TIMEOUT', 'm'), 'TOKEN_REQUEST_TIMEOUT', AuthError],
    [new InsecureTransportError('m'), 'INSECURE_TRANSPORT', AuthError],
    [new InvalidOptionsError('o', 'm'), 'INVALID_OPTIONS', AuthError],
  ])('%s has the stable code %s and its class name', (error, code, parent) => {
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toBeInstanceOf(parent);
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({
      name: error.name,
      code,
      message: 'm',
    });
  });

  it('InvalidTokenResponseError and InvalidOptionsError keep the field/option at fault, in JSON too', () => {
    expect(
      JSON.parse(JSON.stringify(new InvalidTokenResponseError('m', { field: 'expires_in' }))),
    ).toMatchObject({
      field: 'expires_in',
    });
    expect(JSON.parse(JSON.stringify(new InvalidOptionsError('clientSecret', 'm')))).toMatchObject({
      option: 'clientSecret',
    });
  });
});

describe('TokenEndpointError from a token-endpoint answer', () => {
  it('carries the status, OAuth error and error_description, and the parsed body', async () => {
    const error = await read(
      new Response(
        JSON.stringify({
          error: 'invalid_grant',
          error_description: 'The refresh token is invalid.',
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      ),
    );
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({
      code: 'TOKEN_ENDPOINT_ERROR',
      status: 400,
      error: 'invalid_grant',
      errorDescription: 'The refresh token is invalid.',
      body: { error: 'invalid_grant', error_description: 'The refresh token is invalid.' },
    });
    expect(error.message).toBe(
      'The fake token request was refused with HTTP 400 (invalid_grant: The refresh token is invalid.).',
    );
  });

  it("reads a vendor's own JSON message fields (Sensu's capitalised Message)", async () => {
    const error = await read(
      new Response('{"Code":5,"Message":"invalid credentials"}', { status: 401 }),
    );
    expect(error.errorDescription).toBe('invalid credentials');
    expect(error.error).toBeUndefined();
  });

  it('keeps a text/plain body (Sensu) and quotes it in the message', async () => {
    const error = await read(
      new Response('Request unauthorized', {
        status: 401,
        headers: { 'content-type': 'text/plain' },
      }),
    );
    expect(error.body).toBe('Request unauthorized');
    expect(error.message).toContain('(Request unauthorized)');
  });

  it('does not paste an HTML error page into the message', async () => {
    const error = await read(
      new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', {
        status: 502,
        headers: { 'content-type': 'text/html' },
      }),
    );
    expect(error.message).not.toContain('<');
    expect(error.message).toContain('text/html body');
    expect(error.message).toMatch(/try again later/);
  });

  it('truncates a huge body', async () => {
    const error = await read(new Response('x'.repeat(100_000), { status: 500 }));
    expect(String(error.body).length).toBeLessThanOrEqual(2048);
    expect(error.message.length).toBeLessThan(500);
  });

  it('reads Retry-After in seconds or as a date', async () => {
    const seconds = await read(new Response('', { status: 503, headers: { 'retry-after': '7' } }));
    expect(seconds.retryAfterSeconds).toBe(7);
    expect(seconds.message).toContain('asked to wait 7 s');
    const date = await read(
      new Response('', {
        status: 429,
        headers: { 'retry-after': new Date(NOW + 20_000).toUTCString() },
      }),
    );
    expect(date.retryAfterSeconds).toBe(20);
  });

  it('keeps the raw Response reachable but non-enumerable, and out of JSON', async () => {
    const response = new Response('{"error":"invalid_client"}', { status: 401 });
    const error = await read(response);
    expect(error.response).toBe(response);
    expect(Object.keys(error)).not.toContain('response');
    expect(Object.getOwnPropertyDescriptor(error, 'response')?.enumerable).toBe(false);
    const json = JSON.parse(JSON.stringify(error));
    expect(json).not.toHaveProperty('response');
    expect(json).toMatchObject({
      status: 401,
      error: 'invalid_client',
      code: 'TOKEN_ENDPOINT_ERROR',
    });
    expect({ ...error }).not.toHaveProperty('response');
  });

  it('InvalidTokenResponseError keeps its Response non-enumerable too', () => {
    const response = new Response('x');
    const error = new InvalidTokenResponseError('m', { response });
    expect(error.response).toBe(response);
    expect(Object.keys(error)).not.toContain('response');
  });
});

describe('toSafeError', () => {
  it('passes AuthErrors through', () => {
    const error = new InsecureTransportError('m');
    expect(toSafeError(error, [], 'x')).toBe(error);
  });

  it('wraps anything else in a TokenRequestError with a masked message and a masked cause', () => {
    const error = toSafeError(
      new TypeError('connect to secret-123456 failed'),
      ['secret-123456'],
      'The token request',
    );
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED' });
    expect(error.message).not.toContain('secret-123456');
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).name).toBe('TypeError');
    expect((error.cause as Error).message).not.toContain('secret-123456');
  });

  it('maps a TimeoutError to TOKEN_REQUEST_TIMEOUT', () => {
    const error = toSafeError(
      new DOMException('The operation timed out.', 'TimeoutError'),
      [],
      'x',
    );
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_TIMEOUT' });
  });

  it('handles thrown non-errors', () => {
    expect(toSafeError('plain string', [], 'x')).toMatchObject({ code: 'TOKEN_REQUEST_FAILED' });
  });
});
