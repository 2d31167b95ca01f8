import type { components, paths } from '@tokenwire/cloudcx';
import { advertisedExpiresIn, offSpecTokenResponse } from '../advertised-lifetime';
import { type BodyParams, parseBodyParams, readBody } from '../body';
import { requestHeader, type SandboxContext, type TokenLedger } from '../core';
import type { RouteClass } from '../faults';
import { isWellFormedJwt, RsaJwtSigner } from '../jwt';
import type { CloudcxCredentials } from '../options';
import { randomAlphanumeric } from '../random';
import { secretEquals } from '../secret-compare';
import type { ServerState } from '../server-state';
import {
  createRouteResponder,
  type RouteResponder,
  type Serialized,
  serialize,
} from '../typed-response';
import { routeBuilder, type VendorDefinition } from '../vendor-routes';
import { cloudcxUsers } from './cloudcx-seed';

type Schemas = components['schemas'];
type OAuthError = Schemas['OAuthError'];

const route = routeBuilder<paths>();
type TokenSend = RouteResponder<paths, '/oauth/token', 'post'>;
type UsersSend = RouteResponder<paths, '/openapi/v2/user/page', 'get'>;

interface AccessToken {
  expiresAt: number;
  revoked: boolean;
}

interface RefreshToken {
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}

// Spring Authorization Server wording (inferred; see the examples in specs/cloudcx.yaml).
function invalidRequest(parameter: string): Serialized<OAuthError> {
  return serialize<OAuthError>({
    error: 'invalid_request',
    error_description: `OAuth 2.0 Parameter: ${parameter}`,
    error_uri: 'https://datatracker.ietf.org/doc/html/rfc6749#section-5.2',
  });
}
const unsupportedGrantType = serialize<OAuthError>({
  error: 'unsupported_grant_type',
  error_description: 'OAuth 2.0 Parameter: grant_type',
  error_uri: 'https://datatracker.ietf.org/doc/html/rfc6749#section-5.2',
});
function invalidClient(parameter: 'client_id' | 'client_secret'): Serialized<OAuthError> {
  return serialize<OAuthError>({
    error: 'invalid_client',
    error_description: `Client authentication failed: ${parameter}`,
    error_uri: 'https://datatracker.ietf.org/doc/html/rfc6749#section-3.2.1',
  });
}
const badCredentials = serialize<OAuthError>({
  error: 'invalid_grant',
  error_description: 'Bad credentials',
});
const invalidGrant = serialize<OAuthError>({ error: 'invalid_grant' });

/** Spring Boot's default error body (what a 404, 405 or a failing server answers). */
function springError(
  c: SandboxContext,
  nowMs: number,
  status: number,
  error: string,
  headers: Readonly<Record<string, string>> = {},
): Response {
  const body = JSON.stringify({
    timestamp: new Date(nowMs).toISOString(),
    status,
    error,
    path: c.req.path,
  });
  return new Response(body, {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * A 429 (inferred: from a gateway or filter, as Spring Authorization Server has no rate
 * limit of its own): an OAuth2-style error on the token endpoint, Spring's default error
 * body on the API.
 */
function rateLimited(
  c: SandboxContext,
  route: RouteClass,
  retry: { nowMs: number; headers: Readonly<Record<string, string>> },
): Response {
  if (route === 'api') return springError(c, retry.nowMs, 429, 'Too Many Requests', retry.headers);
  return new Response(
    JSON.stringify({ error: 'too_many_requests', error_description: 'Rate limit exceeded.' }),
    { status: 429, headers: { 'content-type': 'application/json', ...retry.headers } },
  );
}

// RFC 6750 b64token, as Spring's DefaultBearerTokenResolver matches it.
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

function stringParam(params: BodyParams, name: string): string | undefined {
  const value = params.get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Java's Integer.parseInt accepts an optional sign and digits only. */
function parseJavaInt(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^[+-]?\d{1,10}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 2_147_483_647 || n < -2_147_483_648 ? undefined : n;
}

export interface CloudcxAppOptions {
  credentials: CloudcxCredentials;
  issueRefreshTokens: boolean;
}

export function cloudcxVendor(server: ServerState, options: CloudcxAppOptions): VendorDefinition {
  const { credentials } = options;
  const users = cloudcxUsers(credentials.username);
  const loginUserId = users[0]?.id ?? '';
  const signer = new RsaJwtSigner();
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, RefreshToken>();

  let issuedSinceSweep = 0;
  function sweep(now: number): void {
    for (const [token, record] of accessTokens)
      if (record.expiresAt <= now) accessTokens.delete(token);
    for (const [token, record] of refreshTokens)
      if (record.expiresAt <= now) refreshTokens.delete(token);
  }

  async function issue(
    c: SandboxContext,
    send: TokenSend,
    refreshToken: string | undefined,
  ): Promise<Response> {
    const now = server.now();
    issuedSinceSweep += 1;
    if (issuedSinceSweep >= 1024) {
      issuedSinceSweep = 0;
      sweep(now);
    }
    const { accessTokenTtlSeconds } = server.lifetimes;
    // Spring stamps tokens with Instant.now() (millisecond precision) and checks expiry
    // against that instant; only the JWT claims are whole seconds.
    const iat = Math.floor(now / 1000);
    const expiresAt = now + accessTokenTtlSeconds * 1000;
    const accessToken = await signer.sign({
      sub: credentials.clientId,
      aud: credentials.clientId,
      nbf: iat,
      'user-id': loginUserId,
      iss: new URL(c.req.url).origin,
      exp: Math.floor(expiresAt / 1000),
      iat,
      // Spring Authorization Server gives every JWT a random id, so two tokens issued in the
      // same second differ (and a revoked one is never issued again).
      jti: crypto.randomUUID(),
    });
    accessTokens.set(accessToken, { expiresAt, revoked: false });
    // Whole seconds left when the response is written (the real service, a few milliseconds
    // later, shows 3599 for a one-hour token).
    const expiresIn = Math.max(0, Math.floor((expiresAt - now) / 1000));
    if (server.advertisedLifetime !== 'number') {
      // Plain OAuth2 members, as the real endpoint sends them (only the user API wraps its
      // answers in the `{code, message, data}` envelope), with an odd lifetime.
      return offSpecTokenResponse({
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: advertisedExpiresIn(server.advertisedLifetime, expiresIn),
        ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      });
    }
    const body: Schemas['TokenResponse'] = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: expiresIn,
    };
    if (refreshToken !== undefined) body.refresh_token = refreshToken;
    return send.json(200, serialize(body));
  }

  function newRefreshToken(): string | undefined {
    if (!options.issueRefreshTokens) return undefined;
    const token = randomAlphanumeric(64);
    refreshTokens.set(token, {
      clientId: credentials.clientId,
      expiresAt: server.now() + server.lifetimes.refreshTokenTtlSeconds * 1000,
      revoked: false,
    });
    return token;
  }

  async function tokenRoute(c: SandboxContext, send: TokenSend): Promise<Response> {
    const body = await readBody(c.req.raw);
    const headers: Record<string, string> = body.ok ? {} : { connection: 'close' };
    // Spring reads form parameters only; any other body carries none.
    const params = parseBodyParams(requestHeader(c, 'content-type'), body.ok ? body.text : '', {
      form: true,
      json: false,
    });
    for (const name of [
      'client_id',
      'client_secret',
      'grant_type',
      'username',
      'password',
      'refresh_token',
    ]) {
      if (params.count(name) > 1) return send.json(400, invalidRequest(name), headers);
    }
    // Client authentication runs first (a filter in front of the token endpoint).
    const clientId = stringParam(params, 'client_id');
    if (clientId === undefined || !secretEquals(clientId, credentials.clientId)) {
      return send.json(401, invalidClient('client_id'), headers);
    }
    const clientSecret = stringParam(params, 'client_secret');
    if (clientSecret === undefined || !secretEquals(clientSecret, credentials.clientSecret)) {
      return send.json(401, invalidClient('client_secret'), headers);
    }
    const grantType = stringParam(params, 'grant_type');
    if (grantType === undefined) {
      return send.json(400, invalidRequest('grant_type'), headers);
    }
    if (grantType === 'password') {
      const username = stringParam(params, 'username');
      if (username === undefined) {
        return send.json(400, invalidRequest('username'), headers);
      }
      const password = stringParam(params, 'password');
      if (password === undefined) {
        return send.json(400, invalidRequest('password'), headers);
      }
      const userOk = secretEquals(username, credentials.username);
      const passwordOk = secretEquals(password, credentials.password);
      if (!userOk || !passwordOk) return send.json(400, badCredentials, headers);
      server.counters.primaryGrants += 1;
      return issue(c, send, newRefreshToken());
    }
    if (grantType === 'refresh_token') {
      const presented = stringParam(params, 'refresh_token');
      if (presented === undefined) {
        return send.json(400, invalidRequest('refresh_token'), headers);
      }
      const record = refreshTokens.get(presented);
      if (
        !record ||
        record.revoked ||
        record.expiresAt <= server.now() ||
        record.clientId !== clientId
      ) {
        return send.json(400, invalidGrant, headers);
      }
      // Spring's reuseRefreshTokens: the same refresh token comes back and stays valid.
      server.counters.refreshes += 1;
      return issue(c, send, presented);
    }
    return send.json(400, unsupportedGrantType, headers);
  }

  function unauthorized(send: UsersSend, description?: string): Response {
    const challenge =
      description === undefined
        ? 'Bearer'
        : `Bearer error="invalid_token", error_description="${description}", error_uri="https://tools.ietf.org/html/rfc6750#section-3.1"`;
    return send.empty(401, { 'www-authenticate': challenge });
  }

  /** Spring Security's resource-server checks; undefined when the caller may proceed. */
  function authenticate(c: SandboxContext, send: UsersSend): Response | undefined {
    if (server.resourcesUnauthorized) return unauthorized(send, "Provided token isn't active");
    const header = requestHeader(c, 'authorization');
    if (header === undefined || header.slice(0, 7).toLowerCase() !== 'bearer ') {
      return unauthorized(send);
    }
    const token = header.slice(7);
    if (!b64token.test(token)) return unauthorized(send, 'Bearer token is malformed');
    if (secretEquals(token, credentials.apiKey)) return undefined;
    const record = accessTokens.get(token);
    if (record === undefined) {
      return unauthorized(
        send,
        isWellFormedJwt(token)
          ? 'An error occurred while attempting to decode the Jwt: Signed JWT rejected: Invalid signature'
          : 'An error occurred while attempting to decode the Jwt: Malformed token',
      );
    }
    if (record.revoked) return unauthorized(send, "Provided token isn't active");
    if (record.expiresAt <= server.now()) {
      const at = new Date(record.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return unauthorized(
        send,
        `An error occurred while attempting to decode the Jwt: Jwt expired at ${at}`,
      );
    }
    return undefined;
  }

  function envelope(send: UsersSend, code: string, message: string): Response {
    const body = serialize<Schemas['UserPageEnvelope']>({ code, message, data: null });
    return send.json(200, body);
  }

  function listUsers(
    c: SandboxContext,
    send: UsersSend,
    businessError?: { code: string; message: string },
  ): Response {
    const denied = authenticate(c, send);
    if (denied) return denied;
    if (businessError) return envelope(send, businessError.code, businessError.message);
    const pageIndex = parseJavaInt(c.req.query('pageIndex'), 1);
    const pageSize = parseJavaInt(c.req.query('pageSize'), 25);
    if (pageIndex === undefined || pageSize === undefined || pageIndex < 1 || pageSize < 1) {
      return envelope(send, '1001', 'Invalid request parameter');
    }
    const keywords = c.req.query('keywords')?.trim().toLowerCase() ?? '';
    const matching =
      keywords === ''
        ? users
        : users.filter((user) =>
            [user.loginCode, user.firstName, user.lastName, user.email].some((field) =>
              field.toLowerCase().includes(keywords),
            ),
          );
    const start = (pageIndex - 1) * pageSize;
    const content = matching.slice(start, start + pageSize);
    const body = serialize<Schemas['UserPageEnvelope']>({
      code: '0000',
      message: null,
      data: {
        totalPages: Math.ceil(matching.length / pageSize),
        totalElements: matching.length,
        size: pageSize,
        number: pageIndex - 1,
        numberOfElements: content.length,
        content,
      },
    });
    return send.json(200, body);
  }

  const ledger: TokenLedger = {
    revokeAccessTokens() {
      const now = server.now();
      let revoked = 0;
      for (const record of accessTokens.values()) {
        if (!record.revoked && record.expiresAt > now) revoked += 1;
        record.revoked = true;
      }
      return revoked;
    },
    revokeRefreshTokens() {
      const now = server.now();
      let revoked = 0;
      for (const record of refreshTokens.values()) {
        if (!record.revoked && record.expiresAt > now) revoked += 1;
        record.revoked = true;
      }
      return revoked;
    },
    counts() {
      const now = server.now();
      let access = 0;
      let refresh = 0;
      for (const record of accessTokens.values())
        if (!record.revoked && record.expiresAt > now) access += 1;
      for (const record of refreshTokens.values())
        if (!record.revoked && record.expiresAt > now) refresh += 1;
      return { accessTokens: access, refreshTokens: refresh, sessions: 0 };
    },
    clear() {
      accessTokens.clear();
      refreshTokens.clear();
    },
  };

  const routes = [
    route('post', '/oauth/token', 'token', tokenRoute),
    route('get', '/openapi/v2/user/page', 'api', (c, send) => listUsers(c, send)),
  ];
  // The business-error fault answers as the user page does, after its authentication.
  const usersSend = createRouteResponder<paths, '/openapi/v2/user/page', 'get'>();

  return {
    routes,
    ledger,
    renderer: {
      serverError: (c) => springError(c, server.now(), 500, 'Internal Server Error'),
      unavailable: (c, _route, retry) =>
        springError(c, retry.nowMs, 503, 'Service Unavailable', retry.headers),
      rateLimited,
      businessError: (c, code, message) => listUsers(c, usersSend, { code, message }),
    },
    notFound: (c) => springError(c, server.now(), 404, 'Not Found'),
    methodNotAllowed: (c) => springError(c, server.now(), 405, 'Method Not Allowed'),
  };
}
