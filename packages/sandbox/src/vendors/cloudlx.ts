import type { components, paths } from '@tokenwire/cloudlx';
import { advertisedExpiresIn, offSpecTokenResponse } from '../advertised-lifetime';
import { type BodyParams, parseBodyParams, readBody } from '../body';
import { type RetryHint, requestHeader, type SandboxContext, type TokenLedger } from '../core';
import type { RouteClass } from '../faults';
import type { CloudlxCredentials } from '../options';
import { randomAlphanumeric } from '../random';
import { secretEquals } from '../secret-compare';
import type { ServerState } from '../server-state';
import { type RouteResponder, type Serialized, serialize } from '../typed-response';
import { routeBuilder, type VendorDefinition } from '../vendor-routes';
import { cloudlxCustomers, cloudlxServices, cloudlxUsers } from './cloudlx-seed';

type Schemas = components['schemas'];
type Resource = 'services' | 'users' | 'customers';

const route = routeBuilder<paths>();
type AccessTokenSend = RouteResponder<paths, '/api/oauth2/access-token', 'post'>;
type RefreshTokenSend = RouteResponder<paths, '/api/oauth2/refresh-token', 'post'>;
const vendorMediaType = 'application/vnd.cloudlx.v1+json';

interface Client {
  id: string;
  secret: string;
  permissions: ReadonlySet<Resource>;
}

interface AccessToken {
  expiresAt: number;
  permissions: ReadonlySet<Resource>;
}

interface RefreshToken {
  clientId: string;
  expiresAt: number;
  /** The access token issued with it: league/oauth2-server revokes it on refresh. */
  accessToken: string;
  state: 'live' | 'used' | 'revoked';
}

// league/oauth2-server wording (see OAuthError and the examples in specs/cloudlx.yaml).
function missingParameter(name: string): Serialized<Schemas['OAuthError']> {
  return serialize<Schemas['OAuthError']>({
    error: 'invalid_request',
    error_description: `The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed. Check the "${name}" parameter.`,
  });
}
const unsupportedGrantType = serialize<Schemas['OAuthError']>({
  error: 'unsupported_grant_type',
  error_description: 'The authorization grant type is not supported by the authorization server.',
});
const invalidClient = serialize<Schemas['OAuthError']>({
  error: 'invalid_client',
  error_description: 'Client authentication failed.',
});
const invalidRefreshToken = serialize<Schemas['OAuthError']>({
  error: 'invalid_request',
  error_description: 'The refresh token is invalid.',
});
// Dingo API error format (inferred).
const unauthorizedBody = serialize<Schemas['ApiError']>({
  message: 'Failed to authenticate because of bad credentials or an invalid authorization header.',
  status_code: 401,
});
const forbiddenBody = serialize<Schemas['ApiError']>({
  message: 'This action is unauthorized.',
  status_code: 403,
});

const servicesBody = serialize<Schemas['ServiceList']>({ services: [...cloudlxServices] });
const usersBody = serialize<Schemas['UserList']>({ users: [...cloudlxUsers] });
const customersBody = serialize<Schemas['CustomerList']>({ customers: [...cloudlxCustomers] });

function apiError(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
  return new Response(JSON.stringify({ message, status_code: status }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * A 429 (inferred): on the token endpoints an OAuth2-style error (the `too_many_requests`
 * code Auth0 uses; league/oauth2-server has none of its own), on resources Dingo's
 * rate-limit error with its `X-RateLimit-*` headers.
 */
function rateLimited(route: RouteClass, retry: RetryHint): Response {
  if (route === 'token') {
    return new Response(
      JSON.stringify({ error: 'too_many_requests', error_description: 'Too Many Attempts.' }),
      { status: 429, headers: { 'content-type': 'application/json', ...retry.headers } },
    );
  }
  return apiError(429, 'You have exceeded your rate limit.', {
    'x-ratelimit-limit': '60',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Math.ceil(retry.nowMs / 1000) + retry.seconds),
    ...retry.headers,
  });
}

/** league/oauth2-server's BearerTokenValidator: strip a leading `Bearer `, trim the rest. */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.startsWith('Bearer ')) return header.slice(7).trim();
  const match = /^\s*Bearer\s(.*)$/s.exec(header);
  return match?.[1]?.trim();
}

function stringParam(params: BodyParams, name: string): string | undefined {
  const value = params.get(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function cloudlxVendor(
  server: ServerState,
  credentials: CloudlxCredentials,
): VendorDefinition {
  const clients: Client[] = [
    {
      id: credentials.clientId,
      secret: credentials.clientSecret,
      permissions: new Set<Resource>(['services', 'users', 'customers']),
    },
    {
      id: credentials.unprivilegedClientId,
      secret: credentials.unprivilegedClientSecret,
      permissions: new Set<Resource>(),
    },
  ];
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, RefreshToken>();
  let issuedSinceSweep = 0;

  function sweep(now: number): void {
    for (const [token, record] of accessTokens)
      if (record.expiresAt <= now) accessTokens.delete(token);
    for (const [token, record] of refreshTokens)
      if (record.expiresAt <= now) refreshTokens.delete(token);
  }

  /** Issues a token pair; `answer` sends the documented body from the endpoint that asked. */
  function issue(
    client: Client,
    answer: (body: Serialized<Schemas['TokenResponse']>) => Response,
  ): Response {
    const now = server.now();
    issuedSinceSweep += 1;
    if (issuedSinceSweep >= 1024) {
      issuedSinceSweep = 0;
      sweep(now);
    }
    const { accessTokenTtlSeconds, refreshTokenTtlSeconds } = server.lifetimes;
    const accessToken = randomAlphanumeric(40);
    const refreshToken = randomAlphanumeric(40);
    accessTokens.set(accessToken, {
      expiresAt: now + accessTokenTtlSeconds * 1000,
      permissions: client.permissions,
    });
    refreshTokens.set(refreshToken, {
      clientId: client.id,
      expiresAt: now + refreshTokenTtlSeconds * 1000,
      accessToken,
      state: 'live',
    });
    const expiresIn = Math.floor(accessTokenTtlSeconds);
    if (server.advertisedLifetime !== 'number') {
      return offSpecTokenResponse({
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: advertisedExpiresIn(server.advertisedLifetime, expiresIn),
        refresh_token: refreshToken,
      });
    }
    const body = serialize<Schemas['TokenResponse']>({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: expiresIn,
      refresh_token: refreshToken,
    });
    return answer(body);
  }

  /** Reads the form or JSON body; a body over the limit or cut off carries no parameters. */
  async function readParams(c: SandboxContext): Promise<{ params: BodyParams; close: boolean }> {
    const body = await readBody(c.req.raw);
    if (!body.ok) {
      return { params: parseBodyParams(null, '', { form: true, json: true }), close: true };
    }
    return {
      params: parseBodyParams(requestHeader(c, 'content-type'), body.text, {
        form: true,
        json: true,
      }),
      close: false,
    };
  }

  /** The client named by client_id/client_secret, or the OAuth error to answer. */
  function authenticateClient(
    params: BodyParams,
  ): { client: Client } | { error: Serialized<Schemas['OAuthError']>; status: 400 | 401 } {
    const clientId = stringParam(params, 'client_id');
    if (clientId === undefined) return { error: missingParameter('client_id'), status: 400 };
    const clientSecret = stringParam(params, 'client_secret');
    if (clientSecret === undefined)
      return { error: missingParameter('client_secret'), status: 400 };
    const client = clients.find((candidate) => secretEquals(clientId, candidate.id));
    if (!client || !secretEquals(clientSecret, client.secret)) {
      return { error: invalidClient, status: 401 };
    }
    return { client };
  }

  async function accessTokenRoute(c: SandboxContext, send: AccessTokenSend): Promise<Response> {
    const { params, close } = await readParams(c);
    const headers: Record<string, string> = close ? { connection: 'close' } : {};
    const grantType = stringParam(params, 'grant_type');
    if (grantType === undefined) {
      return send.json(400, missingParameter('grant_type'), headers);
    }
    if (grantType !== 'client_credentials') {
      return send.json(400, unsupportedGrantType, headers);
    }
    const auth = authenticateClient(params);
    if ('error' in auth) {
      return auth.status === 401
        ? send.json(401, auth.error, headers)
        : send.json(400, auth.error, headers);
    }
    server.counters.primaryGrants += 1;
    return issue(auth.client, (body) => send.json(200, body));
  }

  async function refreshTokenRoute(c: SandboxContext, send: RefreshTokenSend): Promise<Response> {
    const { params, close } = await readParams(c);
    const headers: Record<string, string> = close ? { connection: 'close' } : {};
    const grantType = stringParam(params, 'grant_type');
    if (grantType === undefined) {
      return send.json(400, missingParameter('grant_type'), headers);
    }
    if (grantType !== 'refresh_token') {
      return send.json(400, unsupportedGrantType, headers);
    }
    const auth = authenticateClient(params);
    if ('error' in auth) {
      return auth.status === 401
        ? send.json(401, auth.error, headers)
        : send.json(400, auth.error, headers);
    }
    const presented = stringParam(params, 'refresh_token');
    if (presented === undefined) {
      return send.json(400, missingParameter('refresh_token'), headers);
    }
    const record = refreshTokens.get(presented);
    if (
      record?.state !== 'live' ||
      record.expiresAt <= server.now() ||
      record.clientId !== auth.client.id
    ) {
      if (record?.state === 'used') server.counters.reuseDetections += 1;
      return send.json(400, invalidRefreshToken, headers);
    }
    // Rotation: the refresh token and the access token issued with it both die.
    record.state = 'used';
    accessTokens.delete(record.accessToken);
    server.counters.refreshes += 1;
    return issue(auth.client, (body) => send.json(200, body));
  }

  /**
   * The answers of a resource list: its body, Dingo's 401 and 403. A property, not a method:
   * a method's parameters are checked bivariantly, which would let a route send another
   * list's body.
   */
  interface ResourceSend<Body> {
    json: ((status: 200, body: Serialized<Body>) => Response) &
      ((status: 401 | 403, body: Serialized<Schemas['ApiError']>) => Response);
  }

  function resourceList<Body>(resource: Resource, body: Serialized<Body>) {
    return (c: SandboxContext, send: ResourceSend<Body>): Response => {
      if (server.resourcesUnauthorized) return send.json(401, unauthorizedBody);
      const token = bearerToken(requestHeader(c, 'authorization'));
      const record = token === undefined ? undefined : accessTokens.get(token);
      if (record === undefined) return send.json(401, unauthorizedBody);
      if (record.expiresAt <= server.now()) {
        if (token !== undefined) accessTokens.delete(token);
        return send.json(401, unauthorizedBody);
      }
      if (!record.permissions.has(resource)) return send.json(403, forbiddenBody);
      return send.json(200, body);
    };
  }

  const routes = [
    route('post', '/api/oauth2/access-token', 'token', accessTokenRoute),
    route('post', '/api/oauth2/refresh-token', 'token', refreshTokenRoute),
    route('get', '/api/services', 'api', resourceList('services', servicesBody)),
    route('get', '/api/users', 'api', resourceList('users', usersBody)),
    route('get', '/api/customers', 'api', resourceList('customers', customersBody)),
  ];

  const ledger: TokenLedger = {
    revokeAccessTokens() {
      const now = server.now();
      let revoked = 0;
      for (const record of accessTokens.values()) if (record.expiresAt > now) revoked += 1;
      accessTokens.clear();
      return revoked;
    },
    revokeRefreshTokens() {
      const now = server.now();
      let revoked = 0;
      for (const record of refreshTokens.values()) {
        if (record.state === 'live' && record.expiresAt > now) revoked += 1;
        record.state = 'revoked';
      }
      return revoked;
    },
    counts() {
      const now = server.now();
      let access = 0;
      let refresh = 0;
      for (const record of accessTokens.values()) if (record.expiresAt > now) access += 1;
      for (const record of refreshTokens.values()) {
        if (record.state === 'live' && record.expiresAt > now) refresh += 1;
      }
      return { accessTokens: access, refreshTokens: refresh, sessions: 0 };
    },
    clear() {
      accessTokens.clear();
      refreshTokens.clear();
    },
  };

  return {
    routes,
    ledger,
    renderer: {
      serverError: () => apiError(500, '500 Internal Server Error'),
      unavailable: (_c, _route, retry) => apiError(503, 'Service Unavailable', retry.headers),
      rateLimited: (_c, route, retry) => rateLimited(route, retry),
    },
    // Counted whatever the answer (a fault included): the server falls back to v1.
    beforeRoute: (c) => {
      const accept = requestHeader(c, 'accept');
      if (
        accept === undefined ||
        !(accept.includes(vendorMediaType) || accept.toLowerCase().includes(vendorMediaType))
      ) {
        server.counters.missingVendorAccept += 1;
      }
    },
    notFound: () => apiError(404, '404 Not Found'),
    methodNotAllowed: () => apiError(405, '405 Method Not Allowed'),
  };
}
