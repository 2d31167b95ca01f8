import type { components, paths } from '@tokenwire/sensu';
import { advertisedExpiresAt, offSpecTokenResponse } from '../advertised-lifetime';
import { decodeBase64url, encodeBase64url } from '../base64url';
import { parseBasicAuth } from '../basic-auth';
import { readBody } from '../body';
import { requestHeader, type SandboxContext, type TokenLedger } from '../core';
import { HmacJwt, type JwtClaims } from '../jwt';
import type { SensuCredentials } from '../options';
import { randomHex } from '../random';
import { secretEquals } from '../secret-compare';
import type { ServerState } from '../server-state';
import {
  bodilessResponse,
  type RouteResponder,
  type Serialized,
  serialize,
} from '../typed-response';
import { routeBuilder, type VendorDefinition } from '../vendor-routes';
import { decodeSensuTokens, goAtoi, goUnmarshalSyntaxError, isMalformedGoQuery } from './go-errors';
import { sensuEntities, sensuHealth, sensuNamespaces, sensuVersion } from './sensu-seed';

type Schemas = components['schemas'];

const route = routeBuilder<paths>();
type Send<P extends keyof paths, M extends 'get' | 'post'> = RouteResponder<paths, P, M>;

/** Sensu's `--api-request-limit` default: larger bodies trip the request-size guard. */
const sensuRequestLimit = 512_000;
/** A refresh token's own `exp` (the session usually ends long before). */
const refreshTokenLifespanMs = 12 * 60 * 60 * 1000;
/** Go's http.Error sets these next to the text. */
const plain = { 'x-content-type-options': 'nosniff' };
const startupText = 'API unavailable during startup.\nSee api-serve-wait-time settings.\n\n';

interface SensuUser {
  username: string;
  password: string;
  groups: readonly string[];
}

interface Claims {
  sub: string;
  exp: number;
  jti: string;
  groups: readonly string[];
  sessionId: string;
}

interface Session {
  username: string;
  /** The `jti` of the one refresh token this session accepts next. */
  refreshJti: string;
  /** The session's lease: renewed by every login and refresh. */
  expiresAt: number;
}

type Failure = { status: 400 | 401 | 500; text: string };

function failure(status: 400 | 401 | 500, message: string): Failure {
  return { status, text: `${message}\n` };
}

function readClaims(claims: JwtClaims): Claims | null {
  const { sub, exp, jti, groups, session_id: sessionId } = claims;
  if (typeof sub !== 'string' || typeof exp !== 'number' || typeof jti !== 'string') return null;
  return {
    sub,
    exp,
    jti,
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
    sessionId: typeof sessionId === 'string' ? sessionId : '',
  };
}

function coreAuthError(code: number, message: string): string {
  return serialize<Schemas['CoreAuthError']>({ Code: code, Message: message });
}

function handlerError(message: string): string {
  return serialize<Schemas['CoreHandlerError']>({ message, code: 0 });
}

function rawQuery(c: SandboxContext): string {
  const url = c.req.url;
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}

export function sensuVendor(server: ServerState, credentials: SensuCredentials): VendorDefinition {
  const users = new Map<string, SensuUser>([
    [
      credentials.username,
      {
        username: credentials.username,
        password: credentials.password,
        groups: ['cluster-admins'],
      },
    ],
    [
      credentials.unprivilegedUsername,
      {
        username: credentials.unprivilegedUsername,
        password: credentials.unprivilegedPassword,
        groups: [],
      },
    ],
  ]);
  // Replaced by reset(): a new secret makes every earlier token unverifiable, as if forgotten.
  let jwt = new HmacJwt();
  const sessions = new Map<string, Session>();
  /** Access tokens issued and not revoked: jti -> exp (seconds). */
  const liveAccess = new Map<string, number>();
  const revokedAccess = new Set<string>();
  /** Tokens whose signature was checked already: the check is deterministic. */
  const verified = new Map<string, Claims>();

  const nowSeconds = () => Math.floor(server.now() / 1000);
  // golang-jwt: a token is valid while now < exp (both in whole seconds).
  const expired = (claims: Claims) => nowSeconds() >= claims.exp;

  async function verifySignature(token: string): Promise<Claims | null> {
    const cached = verified.get(token);
    if (cached) return cached;
    const raw = await jwt.verify(token);
    const claims = raw ? readClaims(raw) : null;
    if (!claims) return null;
    if (verified.size >= 10_000) verified.clear();
    verified.set(token, claims);
    return claims;
  }

  /**
   * Signs a new token pair for the session and answers it (`expires_at` as advertised);
   * `answer` sends the documented body from the endpoint that asked.
   */
  async function issueTokens(
    user: SensuUser,
    sessionId: string,
    issuer: string,
    answer: (body: Serialized<Schemas['AccessTokenResponse']>) => Response,
  ): Promise<Response> {
    const now = server.now();
    const exp = Math.floor((now + server.lifetimes.accessTokenTtlSeconds * 1000) / 1000);
    const accessJti = randomHex(16);
    const refreshJti = randomHex(16);
    const accessToken = await jwt.sign({
      sub: user.username,
      exp,
      jti: accessJti,
      iss: issuer,
      groups: [...user.groups, 'system:users'],
      provider: { provider_id: 'basic', provider_type: 'basic', user_id: user.username },
      session_id: sessionId,
    });
    const refreshToken = await jwt.sign({
      sub: user.username,
      exp: Math.floor((now + refreshTokenLifespanMs) / 1000),
      jti: refreshJti,
      session_id: sessionId,
    });
    liveAccess.set(accessJti, exp);
    if (liveAccess.size > 10_000) {
      const cutoff = nowSeconds();
      for (const [jti, tokenExp] of liveAccess) if (tokenExp <= cutoff) liveAccess.delete(jti);
    }
    if (sessions.size >= 1024 && !sessions.has(sessionId)) {
      for (const [id, session] of sessions) if (session.expiresAt <= now) sessions.delete(id);
    }
    sessions.set(sessionId, {
      username: user.username,
      refreshJti,
      expiresAt: now + server.lifetimes.refreshTokenTtlSeconds * 1000,
    });
    if (server.advertisedLifetime !== 'number') {
      const expiresAt = advertisedExpiresAt(server.advertisedLifetime, exp, nowSeconds());
      return offSpecTokenResponse(
        { access_token: accessToken, expires_at: expiresAt, refresh_token: refreshToken },
        { newline: true },
      );
    }
    const body = serialize<Schemas['AccessTokenResponse']>(
      { access_token: accessToken, expires_at: exp, refresh_token: refreshToken },
      { newline: true },
    );
    return answer(body);
  }

  function issuer(c: SandboxContext): string {
    return `http://${requestHeader(c, 'host') ?? new URL(c.req.url).host}`;
  }

  /**
   * Sensu's RefreshToken middleware, in front of every /auth route: a Basic header passes
   * through; anything else must be a validly signed (possibly expired) access token plus a
   * JSON body naming a valid refresh token of the same user.
   */
  async function refreshTokenMiddleware(
    c: SandboxContext,
  ): Promise<{ basic: true } | { basic: false; access: Claims; refresh: Claims } | Failure> {
    const header = requestHeader(c, 'authorization') ?? '';
    if (header.startsWith('Basic ')) return { basic: true };
    const access = await verifySignature(header.startsWith('Bearer ') ? header.slice(7) : header);
    if (!access) return failure(401, 'Request unauthorized');
    const body = await readBody(c.req.raw, sensuRequestLimit);
    if (!body.ok) {
      return body.reason === 'too-large'
        ? failure(500, 'Request exceeded max length')
        : failure(400, 'unexpected EOF');
    }
    const decoded = decodeSensuTokens(body.text);
    if (!decoded.ok) return failure(400, decoded.message);
    const refresh =
      decoded.tokens.refresh_token === ''
        ? null
        : await verifySignature(decoded.tokens.refresh_token);
    if (!refresh || expired(refresh)) return failure(401, 'Request unauthorized');
    if (access.sub === '' || access.sub !== refresh.sub)
      return failure(401, 'Request unauthorized');
    return { basic: false, access, refresh };
  }

  /** Sensu's LimitRequest middleware: a query string Go cannot parse is a 500. */
  function limitRequest(c: SandboxContext): Failure | undefined {
    return isMalformedGoQuery(rawQuery(c))
      ? failure(500, 'Request exceeded max length')
      : undefined;
  }

  function basicUser(c: SandboxContext): { user: SensuUser } | { parsed: boolean } {
    const basic = parseBasicAuth(requestHeader(c, 'authorization'));
    if (!basic) return { parsed: false };
    const user = users.get(basic.username);
    // Compare a password even for an unknown user, so both cases take the same time.
    const passwordOk = secretEquals(basic.password, user?.password ?? credentials.password);
    return user && passwordOk ? { user } : { parsed: true };
  }

  async function login(c: SandboxContext, send: Send<'/auth', 'get'>): Promise<Response> {
    const mw = await refreshTokenMiddleware(c);
    if ('status' in mw) return send.text(mw.status, mw.text, plain);
    const limited = limitRequest(c);
    if (limited) return send.text(limited.status, limited.text, plain);
    const found = basicUser(c);
    if (!('user' in found)) return send.text(401, 'Unauthorized\n', plain);
    server.counters.primaryGrants += 1;
    return issueTokens(found.user, randomHex(16), issuer(c), (body) => send.json(200, body));
  }

  async function testCredentials(
    c: SandboxContext,
    send: Send<'/auth/test', 'get'>,
  ): Promise<Response> {
    const mw = await refreshTokenMiddleware(c);
    if ('status' in mw) return send.text(mw.status, mw.text, plain);
    const limited = limitRequest(c);
    if (limited) return send.text(limited.status, limited.text, plain);
    if (!('user' in basicUser(c))) {
      return send.text(401, 'Request unauthorized\n', plain);
    }
    return send.empty(200);
  }

  async function refreshAccessToken(
    c: SandboxContext,
    send: Send<'/auth/token', 'post'>,
  ): Promise<Response> {
    const mw = await refreshTokenMiddleware(c);
    if ('status' in mw) return send.text(mw.status, mw.text, plain);
    const limited = limitRequest(c);
    if (limited) return send.text(limited.status, limited.text, plain);
    // Without token claims (a Basic header) the handler reports an invalid access token.
    if (mw.basic) return send.text(400, 'invalid access token\n', plain);
    const { access, refresh } = mw;
    const session = sessions.get(refresh.sessionId);
    if (!session || session.expiresAt <= server.now() || session.username !== refresh.sub) {
      if (session) sessions.delete(refresh.sessionId);
      return send.text(401, 'Unauthorized\n', plain);
    }
    if (refresh.jti !== session.refreshJti) {
      // An old refresh token again: treated as theft, the whole session goes.
      sessions.delete(refresh.sessionId);
      sessions.delete(access.sessionId);
      server.counters.reuseDetections += 1;
      return send.text(400, 'invalid access token\n', plain);
    }
    const user = users.get(access.sub);
    if (!user) return send.text(401, 'Unauthorized\n', plain);
    server.counters.refreshes += 1;
    return issueTokens(user, refresh.sessionId, issuer(c), (body) => send.json(200, body));
  }

  async function logout(c: SandboxContext, send: Send<'/auth/logout', 'post'>): Promise<Response> {
    const mw = await refreshTokenMiddleware(c);
    if ('status' in mw) return send.text(mw.status, mw.text, plain);
    const limited = limitRequest(c);
    if (limited) return send.text(limited.status, limited.text, plain);
    // Without token claims the backend has no session to delete and answers 500.
    if (mw.basic) return send.text(500, 'Internal Server Error\n', plain);
    sessions.delete(mw.access.sessionId);
    return send.empty(200);
  }

  function health(c: SandboxContext, send: Send<'/health', 'get'>): Response {
    const limited = limitRequest(c);
    if (limited) return send.text(500, limited.text, plain);
    const timeout = c.req.query('timeout');
    if (timeout !== undefined && timeout !== '') {
      const parsed = goAtoi(timeout);
      if (!parsed.ok) return send.text(400, `${parsed.message}\n`, plain);
    }
    return send.text(200, serialize(sensuHealth, { newline: true }));
  }

  function version(c: SandboxContext, send: Send<'/version', 'get'>): Response {
    const limited = limitRequest(c);
    if (limited) return send.text(500, limited.text, plain);
    return send.text(200, serialize(sensuVersion, { newline: true }));
  }

  /** Sensu's Authentication middleware for /api: Bearer JWT or `Key <api key>`. */
  async function authenticateApi(c: SandboxContext): Promise<Claims | string> {
    const invalid = coreAuthError(5, 'invalid credentials');
    if (server.resourcesUnauthorized) return invalid;
    const header = requestHeader(c, 'authorization');
    if (header?.startsWith('Bearer ')) {
      const claims = await verifySignature(header.slice(7));
      if (!claims || expired(claims) || revokedAccess.has(claims.jti)) return invalid;
      return claims;
    }
    if (header?.startsWith('Key ')) {
      if (!secretEquals(header.slice(4), credentials.apiKey)) return invalid;
      return {
        sub: credentials.username,
        exp: 0,
        jti: '',
        groups: ['cluster-admins'],
        sessionId: '',
      };
    }
    return coreAuthError(5, 'bad credentials');
  }

  const canSeeEverything = (claims: Claims) => claims.groups.includes('cluster-admins');

  /** `limit` / `continue` paging; the continue token is base64url JSON naming the next item. */
  function paginate<T extends { name: string }>(
    c: SandboxContext,
    items: readonly T[],
  ): { page: T[]; next: string | undefined } | { error: string } {
    const limitValue = goAtoi(c.req.query('limit') ?? '');
    const limit = limitValue.ok && limitValue.value > 0 ? limitValue.value : 0;
    const decoded = decodeBase64url(c.req.query('continue') ?? '');
    let start = 0;
    if (decoded && decoded.length > 0) {
      const text = Buffer.from(decoded).toString('utf8');
      const syntax = goUnmarshalSyntaxError(text);
      if (syntax !== undefined) return { error: `resource is invalid: ${syntax}` };
      const cursor: unknown = JSON.parse(text);
      const from =
        typeof cursor === 'object' && cursor !== null && 'state_continue' in cursor
          ? cursor.state_continue
          : undefined;
      if (typeof from === 'string') {
        const index = items.findIndex((item) => item.name >= from);
        start = index === -1 ? items.length : index;
      }
    }
    const end = limit === 0 ? items.length : Math.min(items.length, start + limit);
    const nextItem = items[end];
    return {
      page: items.slice(start, end),
      next: nextItem
        ? encodeBase64url(JSON.stringify({ state_continue: nextItem.name }))
        : undefined,
    };
  }

  async function listNamespaces(
    c: SandboxContext,
    send: Send<'/api/core/v2/namespaces', 'get'>,
  ): Promise<Response> {
    const claims = await authenticateApi(c);
    if (typeof claims === 'string') return send.text(401, claims);
    const limited = limitRequest(c);
    if (limited) return send.text(500, limited.text, plain);
    if (!canSeeEverything(claims)) {
      return send.text(500, handlerError('request unauthorized'), plain);
    }
    const paged = paginate(c, sensuNamespaces);
    if ('error' in paged) return send.text(500, handlerError(paged.error), plain);
    const headers: Record<string, string> = paged.next ? { 'sensu-continue': paged.next } : {};
    return send.json(200, serialize<Schemas['NamespaceList']>(paged.page), headers);
  }

  async function listEntities(
    c: SandboxContext,
    send: Send<'/api/core/v2/namespaces/{namespace}/entities', 'get'>,
  ): Promise<Response> {
    const claims = await authenticateApi(c);
    if (typeof claims === 'string') return send.text(401, claims);
    if (!canSeeEverything(claims)) {
      return send.text(403, coreAuthError(4, 'unauthorized to perform action'));
    }
    const limited = limitRequest(c);
    if (limited) return send.text(500, limited.text, plain);
    const entities = sensuEntities.get(c.req.param('namespace') ?? '') ?? [];
    const named = entities.map((entity) => ({ name: entity.metadata.name, entity }));
    const paged = paginate(c, named);
    if ('error' in paged) return send.text(500, handlerError(paged.error), plain);
    const headers: Record<string, string> = paged.next ? { 'sensu-continue': paged.next } : {};
    const body = serialize<Schemas['EntityList']>(paged.page.map((item) => item.entity));
    return send.json(200, body, headers);
  }

  const routes = [
    route('get', '/auth', 'token', login),
    route('get', '/auth/test', 'api', testCredentials),
    route('post', '/auth/token', 'token', refreshAccessToken),
    route('post', '/auth/logout', 'api', logout),
    route('get', '/health', 'api', health),
    route('get', '/version', 'api', version),
    route('get', '/api/core/v2/namespaces', 'api', listNamespaces),
    route('get', '/api/core/v2/namespaces/{namespace}/entities', 'api', listEntities),
  ];

  const ledger: TokenLedger = {
    revokeAccessTokens() {
      const now = nowSeconds();
      let revoked = 0;
      for (const [jti, exp] of liveAccess) {
        if (exp > now) revoked += 1;
        revokedAccess.add(jti);
      }
      liveAccess.clear();
      return revoked;
    },
    revokeRefreshTokens() {
      const now = server.now();
      let revoked = 0;
      for (const session of sessions.values()) if (session.expiresAt > now) revoked += 1;
      sessions.clear();
      return revoked;
    },
    counts() {
      const now = server.now();
      const seconds = nowSeconds();
      let access = 0;
      let live = 0;
      for (const exp of liveAccess.values()) if (exp > seconds) access += 1;
      for (const session of sessions.values()) if (session.expiresAt > now) live += 1;
      return { accessTokens: access, refreshTokens: live, sessions: live };
    },
    clear() {
      jwt = new HmacJwt();
      sessions.clear();
      liveAccess.clear();
      revokedAccess.clear();
      verified.clear();
    },
  };

  const text = (status: number, body: string, headers: Readonly<Record<string, string>> = {}) =>
    new Response(body, {
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...plain, ...headers },
    });

  return {
    routes,
    ledger,
    renderer: {
      serverError: (c) => {
        const path = c.req.path;
        if (path === '/health' || path === '/version')
          return text(500, 'Request exceeded max length\n');
        if (path.startsWith('/api/')) return text(500, handlerError('internal error'));
        return text(500, 'Internal Server Error\n');
      },
      unavailable: (_c, _route, retry) => text(503, startupText, retry.headers),
      // Inferred (the backend has no rate limit of its own; a proxy or a patched build would):
      // Go's http.Error text, or a handler error on the core API.
      rateLimited: (c, _route, retry) =>
        c.req.path.startsWith('/api/')
          ? text(429, handlerError('too many requests'), retry.headers)
          : text(429, 'Too Many Requests\n', retry.headers),
    },
    // The backend's own not-found handler: JSON written without a Content-Type.
    notFound: () => text(404, '{"code":2,"message":"not found"}\n'),
    // gorilla/mux answers a wrong method with an empty 405.
    methodNotAllowed: () => bodilessResponse(405),
  };
}
