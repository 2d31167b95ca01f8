/**
 * Test fixture (test-support/ is never shipped: no module of the package imports it): a
 * fake OAuth2 token endpoint and a fake API behind one injectable `fetch`, a fake clock,
 * and a grant strategy that talks to them. The server is stateful: it issues, expires, revokes and rotates
 * tokens, and records every call so tests can assert on exactly what was sent.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { Auth, RequestFetch } from '../exchange';
import type { GrantStrategy } from '../grant';
import { processOAuth2TokenResponse } from '../token-response';

export const API_BASE = 'https://api.example.test';
export const TOKEN_URL = 'https://auth.example.test/oauth/token';
export const CLIENT_ID = 'client-1';
export const CLIENT_SECRET = 'client-secret-1';

/** A clock the test moves by hand, in epoch milliseconds. */
export class FakeClock {
  now: number;

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.now = start;
  }

  readonly read = (): number => this.now;

  advance(ms: number): void {
    this.now += ms;
  }
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run (no timers involved). */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Waits (one macrotask at a time, no fixed sleep) until `condition` holds. */
export async function until(condition: () => boolean, what = 'the condition'): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`Gave up waiting for ${what}.`);
}

export interface TokenCall {
  readonly grantType: string | null;
  readonly params: URLSearchParams;
  readonly authorization: string | null;
  readonly signal: AbortSignal;
}

export interface ApiCall {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly token: string | undefined;
  readonly body: Uint8Array;
  readonly accepted: boolean;
  /** The status answered (an override's, else 200 or 401). */
  readonly status: number;
}

export interface FakeServerOptions {
  clock: FakeClock;
  /** Access-token lifetime in seconds; `null` omits `expires_in`. Default 3600. */
  expiresIn?: number | null;
  /** Whether token answers carry a refresh token. Default true. */
  issueRefreshTokens?: boolean;
  /** Whether a refresh answer carries a new refresh token (and kills the old). Default true. */
  rotateRefreshTokens?: boolean;
  /** Awaited at the start of every call: lets a test (or fast-check's scheduler) interleave. */
  delay?: () => Promise<unknown>;
  /** Prefix of issued tokens, to make them recognisable in leak scans. */
  tokenPrefix?: string;
}

type TokenResponder = (call: TokenCall) => Response | Promise<Response>;
type ApiResponder = (request: Request) => Response | Promise<Response>;

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

export class FakeOAuthServer {
  readonly clock: FakeClock;
  readonly tokenCalls: TokenCall[] = [];
  readonly apiCalls: ApiCall[] = [];
  /** Answers for the next token calls, used in order before the normal behaviour. */
  readonly tokenOverrides: TokenResponder[] = [];
  /** Answers (or throws) for the next API calls, used in order before the normal behaviour. */
  readonly apiOverrides: ApiResponder[] = [];
  /** Every access and refresh token issued so far. */
  readonly issued: string[] = [];
  /** Token calls in flight now, and the most ever seen at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** While set, token answers wait for it (holds a flight open). */
  tokenGate: Promise<void> | undefined;
  /** While true, the API refuses every token (a permanently broken token, or a revoked key). */
  apiRejectsEverything = false;
  /** Refresh tokens presented again after the server rotated them away (reuses). */
  reuses = 0;
  readonly #rotatedAway = new Set<string>();
  readonly #options: FakeServerOptions;
  readonly #access = new Map<string, { expiresAt: number | undefined; revoked: boolean }>();
  readonly #refresh = new Set<string>();
  #issued = 0;

  constructor(options: FakeServerOptions) {
    this.clock = options.clock;
    this.#options = options;
  }

  /** The one fetch for both the token endpoint and the API. */
  readonly fetch = async (request: Request): Promise<Response> => {
    if (request.url.split('?')[0] === TOKEN_URL) return this.#token(request);
    return this.#api(request);
  };

  get acquireCalls(): number {
    return this.tokenCalls.filter((call) => call.grantType === 'client_credentials').length;
  }

  get refreshCalls(): number {
    return this.tokenCalls.filter((call) => call.grantType === 'refresh_token').length;
  }

  /** Whether the API accepts this access token right now. */
  isValid(token: string | undefined): boolean {
    if (token === undefined) return false;
    const entry = this.#access.get(token);
    if (!entry || entry.revoked) return false;
    return entry.expiresAt === undefined || this.clock.now < entry.expiresAt;
  }

  /** The access tokens the API would accept right now. */
  validTokens(): string[] {
    return [...this.#access.keys()].filter((token) => this.isValid(token));
  }

  revokeAccessToken(token: string): void {
    const entry = this.#access.get(token);
    if (entry) entry.revoked = true;
  }

  revokeAllAccessTokens(): void {
    for (const entry of this.#access.values()) entry.revoked = true;
  }

  revokeAllRefreshTokens(): void {
    this.#refresh.clear();
  }

  /** Issues a token set as the token endpoint would (for preloading stores). */
  issue(withRefreshToken = this.#options.issueRefreshTokens ?? true): Record<string, unknown> {
    this.#issued += 1;
    const prefix = this.#options.tokenPrefix ?? '';
    const accessToken = `${prefix}access-${this.#issued}`;
    this.issued.push(accessToken);
    const expiresIn = this.#options.expiresIn === undefined ? 3600 : this.#options.expiresIn;
    this.#access.set(accessToken, {
      expiresAt: expiresIn === null ? undefined : this.clock.now + expiresIn * 1000,
      revoked: false,
    });
    const body: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer' };
    if (expiresIn !== null) body.expires_in = expiresIn;
    if (withRefreshToken) {
      const refreshToken = `${prefix}refresh-${this.#issued}`;
      this.issued.push(refreshToken);
      this.#refresh.add(refreshToken);
      body.refresh_token = refreshToken;
    }
    return body;
  }

  async #token(request: Request): Promise<Response> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.#options.delay) await this.#options.delay();
      const params = new URLSearchParams(await request.text());
      const call: TokenCall = {
        grantType: params.get('grant_type'),
        params,
        authorization: request.headers.get('authorization'),
        signal: request.signal,
      };
      this.tokenCalls.push(call);
      if (this.tokenGate) await this.tokenGate;
      const override = this.tokenOverrides.shift();
      if (override) return await override(call);
      if (params.get('client_id') !== CLIENT_ID || params.get('client_secret') !== CLIENT_SECRET) {
        return json(
          { error: 'invalid_client', error_description: 'Client authentication failed.' },
          401,
        );
      }
      if (call.grantType === 'client_credentials') return json(this.issue());
      if (call.grantType === 'refresh_token') {
        const presented = params.get('refresh_token') ?? '';
        if (this.#rotatedAway.has(presented)) this.reuses += 1;
        if (!this.#refresh.has(presented)) {
          return json(
            { error: 'invalid_grant', error_description: 'The refresh token is invalid.' },
            400,
          );
        }
        const rotate = this.#options.rotateRefreshTokens ?? true;
        if (rotate) {
          this.#refresh.delete(presented);
          this.#rotatedAway.add(presented);
        }
        return json(this.issue(rotate));
      }
      return json({ error: 'unsupported_grant_type' }, 400);
    } finally {
      this.inFlight -= 1;
    }
  }

  async #api(request: Request): Promise<Response> {
    if (this.#options.delay) await this.#options.delay();
    const authorization = request.headers.get('authorization');
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    const body = new Uint8Array(await request.arrayBuffer());
    const accepted = !this.apiRejectsEverything && this.isValid(token);
    const call = {
      method: request.method,
      url: request.url,
      headers: new Headers(request.headers),
      token,
      body,
      accepted,
    };
    const override = this.apiOverrides.shift();
    if (override) {
      try {
        const response = await override(request);
        this.apiCalls.push({ ...call, accepted: false, status: response.status });
        return response;
      } catch (error) {
        this.apiCalls.push({ ...call, accepted: false, status: 0 });
        throw error;
      }
    }
    this.apiCalls.push({ ...call, status: accepted ? 200 : 401 });
    if (!accepted) return json({ message: 'invalid credentials', status_code: 401 }, 401);
    return json({ ok: true, token, method: request.method });
  }
}

export interface StrategyOptions {
  /** How the strategy reaches the token endpoint. Default: straight to the fake server. */
  fetch: (request: Request) => Promise<Response>;
  clientId?: string;
  clientSecret?: string;
  baseUrl?: string;
  tokenUrl?: string;
  name?: string;
  withRefresh?: boolean;
}

/** A client-credentials strategy (with refresh-token refresh) against the fake server. */
export function oauthStrategy(options: StrategyOptions): GrantStrategy {
  const clientId = options.clientId ?? CLIENT_ID;
  const clientSecret = options.clientSecret ?? CLIENT_SECRET;
  const tokenUrl = options.tokenUrl ?? TOKEN_URL;
  const post = (params: Record<string, string>, signal: AbortSignal) =>
    options.fetch(
      new Request(tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({ ...params, client_id: clientId, client_secret: clientSecret }),
        signal,
      }),
    );
  const strategy: GrantStrategy = {
    name: options.name ?? 'fake',
    identity: [options.baseUrl ?? API_BASE, clientId, clientSecret],
    secrets: [clientSecret],
    tokenUrls: [tokenUrl],
    acquire: {
      request: (_input, { signal }) => post({ grant_type: 'client_credentials' }, signal),
      process: (response, _input, context) => processOAuth2TokenResponse(response, context),
    },
  };
  if (options.withRefresh === false) return strategy;
  return {
    ...strategy,
    refresh: {
      request: (current, { signal }) =>
        post({ grant_type: 'refresh_token', refresh_token: current.refreshToken ?? '' }, signal),
      process: (response, _input, context) => processOAuth2TokenResponse(response, context),
    },
  };
}

export { json as jsonResponse };

/**
 * A retry `sleep` that waits for nothing and records each wait it was asked for; like the
 * real one, it rejects with the signal's reason when the signal has aborted.
 */
export function recordingSleep(): {
  readonly waits: number[];
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
} {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms, signal) => {
      waits.push(ms);
      signal?.throwIfAborted();
    },
  };
}

/** What Node's fetch throws when it cannot connect: `TypeError: fetch failed`, the system error as cause. */
export function fetchFailed(
  code = 'ECONNREFUSED',
  detail = `connect ${code} 127.0.0.1:1`,
): TypeError {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(detail), { code }) });
}

/** The four ways an Auth meets a client: tokens or fixed credentials, wrapFetch or middleware. */
export type AuthKind =
  | 'token wrapFetch'
  | 'token middleware'
  | 'static wrapFetch'
  | 'static middleware';
export const AUTH_KINDS: readonly AuthKind[] = [
  'token wrapFetch',
  'token middleware',
  'static wrapFetch',
  'static middleware',
];

/** An openapi-fetch client over `fetch` whose calls go through `auth` in the form `kind` names. */
export function clientThrough<Paths extends {}>(
  kind: AuthKind,
  auth: Auth,
  fetch: RequestFetch,
  baseUrl = API_BASE,
): { client: Client<Paths>; fetch: RequestFetch } {
  if (kind.endsWith('wrapFetch')) {
    const wrapped = auth.wrapFetch(fetch);
    return { client: createClient<Paths>({ baseUrl, fetch: wrapped }), fetch: wrapped };
  }
  const client = createClient<Paths>({ baseUrl, fetch });
  client.use(auth.middleware);
  return { client, fetch };
}
