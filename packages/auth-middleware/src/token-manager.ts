import { coordinatorFor, type InProcessCoordinator } from './coordinator';
import {
  AuthError,
  CredentialsRejectedError,
  InvalidOptionsError,
  InvalidTokenResponseError,
  messageOf,
  systemCodeOf,
  TokenEndpointError,
  TokenRequestError,
  toSafeError,
} from './errors';
import type { GrantContext, GrantStep, GrantStrategy } from './grant';
import { type AuthHooks, type AuthLogger, announceRetry, logLine, safely } from './observability';
import { redact } from './redact';
import {
  type RetryOptions,
  type RetryPolicy,
  resolveRetry,
  retryAfterMs,
  retryDelay,
} from './retry';
import { wasSent } from './sent-requests';
import { abortable } from './single-flight';
import { attemptSignal, timeoutOption } from './timeout';
import { tokenEndpointError } from './token-response';
import type { TokenSet } from './token-set';
import { deriveStoreKey, MemoryTokenStore, type StoreLease, type TokenStore } from './token-store';
import { assertSecureUrl } from './transport';
import { originOf } from './transport-errors';

/**
 * The token lifecycle's options, shared by `createTokenAuth`, the TokenManager and every
 * vendor client.
 */
export interface TokenManagerOptions {
  /** Where tokens live. Default: a new in-memory store. */
  store?: TokenStore;
  /** Refresh this long before expiry (clamped to half the token's lifetime). Default 30 s. */
  refreshSkewMs?: number;
  /** Abort a token request attempt after this long; `0` or `false` for never. Default 30 s. */
  timeoutMs?: number | false;
  /**
   * Retries of transient failures (408, 429, 5xx, connection errors, timeouts): token
   * requests inside their single flight, and (through createTokenAuth and the clients) API
   * calls of idempotent methods. `false` turns them off. Default `{ maxRetries: 2 }`.
   */
  retry?: RetryOptions | false;
  /**
   * The lifetime assumed for a token whose response gives none (no `expires_in`, `null`,
   * zero, negative, or an expiry already past). Default: none, the token is used until the
   * API refuses it (401), then renewed and the call replayed once: however long that takes
   * (a simulated year included), no token request is made before. There is deliberately no
   * default maximum age: the first 401 already renews without failing the call, while a
   * default age would add token requests for tokens that never expire. Set this option to
   * renew such tokens on a schedule (e.g. when the vendor documents a lifetime but does not
   * send it).
   */
  defaultLifetimeMs?: number;
  /** Allow credentials over plain http to non-loopback hosts. Default false. */
  allowInsecureHttp?: boolean;
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  clock?: () => number;
  /** Receives token, error and retry events (secret-free). Default: none. */
  hooks?: AuthHooks;
  /** Receives one secret-free line per token call, refusal and retry. Default: none. */
  logger?: AuthLogger;
}

/** How a flight reads and writes the tokens: through the fleet's lease, or the store itself. */
interface TokenIO {
  read(): Promise<TokenSet | undefined>;
  /** False when the write was refused (the lease was lost): nothing was written. */
  write(tokens: TokenSet): Promise<boolean>;
}

/** A lease outlives the token request timeout by this much. */
const LEASE_MARGIN_MS = 5_000;
/** A token with less than this left on arrival is still used this long (skew aside). */
const MIN_LIFETIME_MS = 1_000;
/** How many recently seen tokens are remembered to mask them in errors. */
const TOKENS_REMEMBERED = 16;
/** How many secrets registered by grant steps (`context.secret`) are remembered. */
const STEP_SECRETS_REMEMBERED = 32;
/** The OAuth2 errors that mean the primary credentials themselves are wrong. */
const CREDENTIAL_ERRORS = new Set(['invalid_client', 'invalid_grant', 'unauthorized_client']);

const refusedByServer = (error: unknown) =>
  error instanceof TokenEndpointError && (error.status === 400 || error.status === 401);

/** 401, or 400 that names a credentials error (or no OAuth2 error at all). */
const credentialsRefused = (error: unknown) =>
  error instanceof TokenEndpointError &&
  (error.status === 401 ||
    (error.status === 400 && (error.error === undefined || CREDENTIAL_ERRORS.has(error.error))));

/** A request that got no answer on the way (not one that could not be built). */
const isUnanswered = (error: unknown) =>
  error instanceof TokenRequestError && error.code !== 'TOKEN_REQUEST_BUILD_FAILED';

/**
 * Whether a step's failure looks like one on the way (a fetch's network error or abort),
 * for steps that send without `rawResponse`, whose sending the manager cannot see.
 */
const looksSent = (error: unknown) =>
  // A socket's or TLS's reason (ECONNREFUSED, UND_ERR_SOCKET, CERT_HAS_EXPIRED...), not a
  // local one such as a key import's ERR_OSSL_ASN1_NOT_ENOUGH_DATA.
  /^(E[A-Z0-9]+|UND_ERR_\w+|ERR_TLS_\w+|\w*CERT\w*)$/.test(systemCodeOf(error) ?? '') ||
  (error instanceof Error &&
    (error.name === 'AbortError' ||
      error.name === 'TimeoutError' ||
      (error.name === 'TypeError' && /fetch|network/i.test(error.message))));

/** A failure that should pass: the network, a timeout, or the server's 5xx, 429, 408. */
const isPassing = (error: unknown) =>
  isUnanswered(error) ||
  (error instanceof TokenEndpointError &&
    !(error instanceof CredentialsRejectedError) &&
    (error.status >= 500 || error.status === 429 || error.status === 408));

function milliseconds(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (Number.isFinite(value) && value >= 0) return value;
  throw new InvalidOptionsError(
    option,
    `${option} must be a non-negative number of ms, got ${value}.`,
  );
}

/**
 * Owns the token lifecycle for one strategy: lazy acquisition, proactive refresh before
 * expiry, reactive refresh after a 401, single-flight per store key, retries of transient
 * failures inside the flight, refresh-token rotation and fallback to the primary grant.
 */
export class TokenManager {
  /** The grant strategy this manager gets tokens with. */
  readonly strategy: GrantStrategy;
  /** Where the tokens live (a new MemoryTokenStore unless the options gave one). */
  readonly store: TokenStore;
  readonly #clock: () => number;
  readonly #skewMs: number;
  readonly #timeoutMs: number;
  readonly #defaultLifetimeMs: number | undefined;
  readonly #retry: RetryPolicy | undefined;
  readonly #insecure: boolean;
  readonly #hooks: AuthHooks | undefined;
  readonly #logger: AuthLogger | undefined;
  readonly #coordinator: InProcessCoordinator;
  #storeKey: Promise<string> | undefined;
  /** The store key once resolved, so the hot path skips an await. */
  #knownKey: string | undefined;
  /** The last few tokens seen (bounded), so errors can mask them too. */
  #seen: string[] = [];
  /** The secrets grant steps registered (`context.secret`), most recent first, bounded. */
  #stepSecrets: string[] = [];
  /** The access token this manager obtained last, until the API first accepts it. */
  #untried: string | undefined;
  /** Whether the "refused a brand-new token" warning was given (once per manager). */
  #warnedNewTokenRefused = false;

  constructor(strategy: GrantStrategy, options: TokenManagerOptions = {}) {
    this.strategy = strategy;
    this.store = options.store ?? new MemoryTokenStore();
    this.#clock = options.clock ?? Date.now;
    this.#skewMs = milliseconds('refreshSkewMs', options.refreshSkewMs, 30_000);
    this.#timeoutMs = timeoutOption(options.timeoutMs, 'timeoutMs', 30_000);
    this.#defaultLifetimeMs =
      options.defaultLifetimeMs === undefined
        ? undefined
        : milliseconds('defaultLifetimeMs', options.defaultLifetimeMs, 0);
    this.#retry = resolveRetry(options.retry);
    this.#insecure = !!options.allowInsecureHttp;
    this.#hooks = options.hooks;
    this.#logger = options.logger;
    this.#coordinator = coordinatorFor(this.store);
  }

  /** The store key of this strategy's tokens (a hash of its identity). */
  key(): Promise<string> {
    this.#storeKey ??= deriveStoreKey(this.strategy.name, this.strategy.identity).then(
      (key) => (this.#knownKey = key),
    );
    return this.#storeKey;
  }

  /**
   * Whether `tokens` can still be used now, leaving the refresh skew (at most half the
   * lifetime; unbounded when `obtainedAt` is unknown). A token of unknown lifetime is fresh
   * until the API refuses it.
   */
  isFresh({ expiresAt, obtainedAt }: TokenSet): boolean {
    if (expiresAt === undefined) return true;
    const lifetime = expiresAt - (obtainedAt ?? Number.NEGATIVE_INFINITY);
    return this.#clock() < expiresAt - Math.min(this.#skewMs, Math.max(0, lifetime / 2));
  }

  /** A usable token set: the stored one while fresh, else a refreshed or new one. */
  async getTokens(signal?: AbortSignal | null): Promise<TokenSet> {
    const key = this.#knownKey ?? (await this.key());
    return (
      this.#usable(key, await this.store.get(key)) ??
      this.#fly(key, () => this.#underLease(key, (io) => this.#renewStale(key, io)), signal)
    );
  }

  /**
   * After the server refused `rejectedAccessToken` (401): invalidates it if the store still
   * holds it, then returns a newer token set (someone else's, or a refreshed one).
   */
  async tokensAfterRejection(
    rejectedAccessToken: string,
    signal?: AbortSignal | null,
  ): Promise<TokenSet> {
    const key = await this.key();
    if (rejectedAccessToken === this.#untried) this.#warnNewTokenRefused();
    this.#coordinator.refuse(key, rejectedAccessToken);
    this.store.coordination?.refuse(key, rejectedAccessToken).catch((error: unknown) => {
      this.#log(
        'warn',
        `could not tell the other processes of the refusal: ${messageOf(error)}`,
        {},
      );
    });
    for (let round = 0; ; round++) {
      const current = this.#usable(key, await this.store.get(key));
      if (current) return current;
      const tokens = await this.#fly(
        key,
        () => this.#underLease(key, (io) => this.#renewStale(key, io, rejectedAccessToken)),
        signal,
      );
      // A flight that read the store before the 401 was recorded can hand back the very
      // token that was refused (another process wrote it meanwhile); ask once more, which
      // starts a flight that sees the refusal. A server that re-issues the same token gets
      // its way on the second round.
      if (tokens.accessToken !== rejectedAccessToken || round) return tokens;
    }
  }

  /** Forces a refresh now (or a new grant when there is no refresh token). Single-flight. */
  async refresh(signal?: AbortSignal | null): Promise<TokenSet> {
    const key = await this.key();
    return this.#fly(
      key,
      () => this.#underLease(key, async (io) => this.#renew(key, await io.read(), io)),
      signal,
    );
  }

  /** Forgets the stored tokens; the next request acquires new ones. */
  async invalidate(): Promise<void> {
    await this.store.delete(await this.key());
  }

  /** The API accepted (answered 2xx to) a request that carried `accessToken`. */
  accepted(accessToken: string): void {
    if (accessToken === this.#untried) this.#untried = undefined;
  }

  /**
   * A token refused before any call succeeded with it is most often put on the request the
   * wrong way: say so once.
   */
  #warnNewTokenRefused(): void {
    this.#untried = undefined;
    if (this.#warnedNewTokenRefused) return;
    this.#warnedNewTokenRefused = true;
    this.#log(
      'warn',
      `the API refused (401) a ${this.strategy.name} token issued moments earlier, before any call succeeded with it. The likely cause is the authorization scheme: by default the token goes out as "Bearer <token>"; if the API expects another (e.g. "token <token>" or a header of its own), set it with the strategy's authorize(headers, tokens).`,
      { status: 401, authorize: this.strategy.authorize ? 'custom' : 'default (Bearer)' },
    );
  }

  /** Masks every secret and token this manager knows of, and `extra` values. */
  redact(text: string, extra: readonly string[] = []): string {
    return redact(text, [...this.#secrets(), ...extra]);
  }

  /** Reports a failure to the `onAuthError` hook and the logger (masked). */
  reportError(error: unknown, status?: number): void {
    const code = error instanceof AuthError ? error.code : 'UNAUTHORIZED';
    const httpStatus = error instanceof TokenEndpointError ? error.status : status;
    const message = this.redact(messageOf(error));
    const strategy = this.strategy.name;
    void this.key().then((key) => {
      safely(() =>
        this.#hooks?.onAuthError?.({ strategy, key, code, status: httpStatus, message }),
      );
      this.#log('warn', message, { code, status: httpStatus });
    });
  }

  #secrets(): string[] {
    return [...this.strategy.secrets, ...this.#stepSecrets, ...this.#seen];
  }

  #log(level: keyof AuthLogger, message: string, fields: Record<string, unknown>): void {
    logLine(this.#logger, level, message, { strategy: this.strategy.name, ...fields });
  }

  /** Whether this process, or (through the store) another one, saw the API refuse `token`. */
  #isRefused(key: string, token: string): boolean {
    return (
      this.#coordinator.isRefused(key, token) ||
      (this.store.coordination?.isRefused(key, token) ?? false)
    );
  }

  /** `tokens` when fresh and not refused by the API since they were stored. */
  #usable(key: string, tokens: TokenSet | undefined): TokenSet | undefined {
    return tokens && this.isFresh(tokens) && !this.#isRefused(key, tokens.accessToken)
      ? tokens
      : undefined;
  }

  /**
   * Runs a flight's `work` under the fleet-wide lease when the store coordinates processes
   * (reads and writes then go through the lease), else straight on the store. A lease that
   * cannot be had (the store's backend is down) leaves this process's own coordination.
   */
  async #underLease(key: string, work: (io: TokenIO) => Promise<TokenSet>): Promise<TokenSet> {
    const { coordination } = this.store;
    const direct: TokenIO = {
      read: () => this.store.get(key),
      write: async (tokens) => {
        await this.store.set(key, tokens);
        return true;
      },
    };
    if (!coordination) return work(direct);
    const ttlMs = (this.#timeoutMs || 30_000) + LEASE_MARGIN_MS;
    let lease: StoreLease;
    try {
      // No deadline of our own: a dead holder frees the lease within ttlMs, and a live one
      // keeps it only while its flight runs. Giving up early would renew beside a live
      // holder, with the same rotating refresh token. The signal never aborts; it is made
      // here, not at module scope, because workerd refuses an AbortController created
      // outside a request.
      lease = await coordination.lease(key, { ttlMs, signal: new AbortController().signal });
    } catch (error) {
      this.#log(
        'warn',
        `the store could not coordinate the other processes (${this.redact(messageOf(error))}); renewing with this process's coordination only`,
        {},
      );
      return work(direct);
    }
    try {
      return await work({ read: () => lease.read(), write: (tokens) => lease.write(tokens) });
    } finally {
      lease.release().catch(() => {});
    }
  }

  /** Joins (or starts) the flight for `key`; `signal` lets this caller stop waiting. */
  #fly(key: string, task: () => Promise<TokenSet>, signal?: AbortSignal | null) {
    signal?.throwIfAborted();
    return abortable(this.#coordinator.fly(key, task), signal);
  }

  /**
   * The header values a custom `authorize` makes of `tokens` (e.g. a signature derived from
   * the token), so they are masked too; the scheme word of `<scheme> <credentials>` is kept.
   */
  #authorizationValues(tokens: TokenSet): string[] {
    const { authorize } = this.strategy;
    if (!authorize) return [];
    const headers = new Headers();
    try {
      authorize(headers, tokens);
    } catch {
      return [];
    }
    return [...headers.values()].map((value) => value.replace(/^[\w-]+ +(?=\S)/, ''));
  }

  /** Remembers a secret a grant step made, most recent first, keeping the last 32. */
  #addStepSecret(value: string): void {
    if (typeof value !== 'string' || value.length < 4) return;
    this.#stepSecrets = [value, ...this.#stepSecrets.filter((known) => known !== value)].slice(
      0,
      STEP_SECRETS_REMEMBERED,
    );
  }

  /** Remembers tokens so errors can mask them, even ones another manager or process stored. */
  #remember(tokens: TokenSet): void {
    const { accessToken, refreshToken } = tokens;
    for (const token of [accessToken, refreshToken, ...this.#authorizationValues(tokens)]) {
      if (token && !this.#seen.includes(token)) {
        this.#seen = [token, ...this.#seen].slice(0, TOKENS_REMEMBERED);
      }
    }
  }

  /**
   * The flight of getTokens and tokensAfterRejection: re-checks the store, invalidates the
   * refused token if it is still stored, then renews.
   */
  async #renewStale(key: string, io: TokenIO, rejected?: string): Promise<TokenSet> {
    let latest = await io.read();
    const current = this.#usable(key, latest);
    if (current) return current;
    if (latest && latest.accessToken === rejected) {
      // Keep the refresh token (and the rejected access token: Sensu's refresh needs it).
      latest = { ...latest, expiresAt: 0 };
      await io.write(latest);
    }
    try {
      return await this.#renew(key, latest, io);
    } catch (error) {
      // A proactive refresh that failed for a passing reason (after its retries) must not
      // fail requests while the current token still works; the next request (inside the
      // skew) tries again.
      if (
        !rejected &&
        latest &&
        this.#clock() < (latest.expiresAt ?? Number.NaN) &&
        !this.#isRefused(key, latest.accessToken) &&
        isPassing(error)
      ) {
        this.#log('warn', 'early refresh failed; using the current token until it expires', {
          expiresAt: latest.expiresAt,
        });
        return latest;
      }
      throw error;
    }
  }

  /**
   * Refresh (when there is a refresh token); on a refused or broken refresh, or without one,
   * the primary grant.
   */
  async #renew(key: string, current: TokenSet | undefined, io: TokenIO): Promise<TokenSet> {
    if (current) this.#remember(current);
    try {
      const { refresh } = this.strategy;
      if (current?.refreshToken !== undefined && refresh) {
        try {
          return await this.#grant(key, io, refresh as GrantStep<never>, current);
        } catch (error) {
          const broken = error instanceof InvalidTokenResponseError;
          if (!broken && !(this.strategy.isRefreshRejected ?? refusedByServer)(error)) throw error;
          this.#log(
            'info',
            broken
              ? 'the refresh answered without a usable token; falling back to the primary grant'
              : 'refresh refused; falling back to the primary grant',
            broken ? { field: error.field } : { status: (error as TokenEndpointError).status },
          );
        }
      }
      return await this.#acquire(key, io);
    } catch (error) {
      this.reportError(error);
      throw error;
    }
  }

  /** The primary grant; a refusal of the credentials becomes a CredentialsRejectedError. */
  async #acquire(key: string, io: TokenIO): Promise<TokenSet> {
    try {
      return await this.#grant(key, io, this.strategy.acquire as GrantStep<never>);
    } catch (error) {
      if (
        !(error instanceof TokenEndpointError) ||
        error instanceof CredentialsRejectedError ||
        !(this.strategy.isCredentialsRejected ?? credentialsRefused)(error)
      ) {
        throw error;
      }
      throw new CredentialsRejectedError(
        `${error.message} The ${this.strategy.name} credentials were refused: check them.`,
        { ...error, retryAfterSeconds: undefined, response: error.response } as never,
      );
    }
  }

  /**
   * One token grant: the request, retried on transient failures (all inside the caller's
   * flight, so every waiter shares one schedule), then stored.
   */
  async #grant(
    key: string,
    io: TokenIO,
    step: GrantStep<never>,
    input?: TokenSet,
  ): Promise<TokenSet> {
    for (const url of this.strategy.tokenUrls) {
      assertSecureUrl(url, this.#insecure, 'the token endpoint');
    }
    const kind = input ? 'refresh' : 'request';
    for (let retry = 0; ; retry++) {
      const now = this.#clock();
      let next: TokenSet;
      try {
        next = await this.#send(step, input, now);
      } catch (error) {
        const delayMs = this.#retryDelay(error, retry);
        if (delayMs === undefined || !this.#retry) throw error;
        announceRetry(
          {
            strategy: this.strategy.name,
            target: 'token',
            attempt: retry + 1,
            maxRetries: this.#retry.maxRetries,
            delayMs,
            status: error instanceof TokenEndpointError ? error.status : undefined,
            code: error instanceof TokenEndpointError ? undefined : (error as AuthError).code,
            request: `${this.strategy.name} token ${kind}`,
          },
          this.#hooks,
          this.#logger,
        );
        await this.#retry.sleep(delayMs);
        continue;
      }
      return this.#save(key, io, next, input, now);
    }
  }

  /** The wait before retrying a failed token request, or undefined: do not retry. */
  #retryDelay(error: unknown, retry: number): number | undefined {
    const policy = this.#retry;
    if (!policy || retry >= policy.maxRetries) return undefined;
    if (isUnanswered(error)) return retryDelay(policy, retry, undefined);
    if (error instanceof TokenRequestError) return undefined;
    if (!(error instanceof TokenEndpointError) || !policy.statuses.has(error.status)) {
      return undefined;
    }
    const asked = error.response && retryAfterMs(error.response.headers, this.#clock());
    return retryDelay(policy, retry, asked);
  }

  /** One token request attempt: sends, turns a non-2xx answer into an error, validates. */
  async #send(step: GrantStep<never>, input: TokenSet | undefined, now: number): Promise<TokenSet> {
    const what = `The ${this.strategy.name} token ${input ? 'refresh' : 'request'}`;
    const attempt = attemptSignal(undefined, this.#timeoutMs);
    const context: GrantContext = {
      signal: attempt.signal,
      now,
      warn: (message) => this.#log('warn', this.redact(message), {}),
      secret: (value) => this.#addStepSecret(value),
    };
    let answered = false;
    try {
      // Raced against the timeout, so a strategy (or fetch) that ignores the signal cannot
      // hang every waiter of the flight.
      const next = await attempt.race(
        (async () => {
          const response = await step.request(input as never, context);
          answered = true;
          if (!response.ok) {
            throw await tokenEndpointError(response, { what, secrets: this.#secrets(), now });
          }
          return step.process(response, input as never, context);
        })(),
      );
      this.#remember(next);
      // Headers refuse line breaks and NUL (and the TypeError they throw quotes the whole
      // value, token included), trim surrounding spaces silently and stop at Latin-1.
      const token = next.accessToken;
      if (token.trim() !== token || /[^ -~\x80-ÿ]/.test(token)) {
        throw new InvalidTokenResponseError(
          '"access_token" cannot go in an HTTP header (control character, line break, surrounding space or non-Latin-1); expected an opaque token.',
          { field: 'access_token' },
        );
      }
      return next;
    } catch (error) {
      const origin = originOf(this.strategy.tokenUrls[0] ?? '');
      const unbuilt = !answered && !wasSent(attempt.signal) && !looksSent(error);
      throw toSafeError(
        error,
        this.#secrets(),
        `${what} to ${origin}`,
        attempt.timedOut(),
        unbuilt ? `${input ? 'refresh' : 'acquire'}.request` : undefined,
      );
    } finally {
      attempt.done();
    }
  }

  /**
   * Stores what a grant returned: the rotated refresh token replaces the old one in this
   * same write (a response without one keeps the old one), and a lifetime that is unknown,
   * zero or already past is made usable. Then tells the hooks.
   */
  async #save(
    key: string,
    io: TokenIO,
    next: TokenSet,
    input: TokenSet | undefined,
    now: number,
  ): Promise<TokenSet> {
    const issued = next.refreshToken !== undefined;
    const rotated =
      issued || !input?.refreshToken ? next : { ...next, refreshToken: input.refreshToken };
    const tokens = this.#withUsableLifetime(rotated, now);
    this.#coordinator.stored(key, tokens.accessToken);
    this.#untried = tokens.accessToken;
    if (!(await io.write(tokens))) {
      // The lease expired and another process took it: its tokens are newer than ours.
      this.#log(
        'warn',
        'the lease was lost before the new tokens were stored; not storing them',
        {},
      );
      const theirs = this.#usable(key, await io.read());
      if (theirs) return theirs;
    }
    const { expiresAt } = tokens;
    const grant = input ? 'refresh' : 'acquire';
    safely(() =>
      this.#hooks?.[input ? 'onTokenRefreshed' : 'onTokenAcquired']?.({
        strategy: this.strategy.name,
        key,
        grant,
        expiresAt,
        refreshTokenIssued: issued,
      }),
    );
    this.#log('debug', `token ${input ? 'refreshed' : 'acquired'}`, { expiresAt });
    return tokens;
  }

  /**
   * A token that arrives with no lifetime left (zero, or an expiry already past) would
   * cost one token call per request: it is used until the API refuses it instead (or for
   * `defaultLifetimeMs`), and a very short lifetime is stretched to a floor of 1 s.
   */
  #withUsableLifetime(tokens: TokenSet, now: number): TokenSet {
    const { expiresAt: given, ...rest } = tokens;
    let expiresAt = given;
    if (expiresAt !== undefined && !(expiresAt > now)) {
      this.#log(
        'warn',
        'the token arrived with no lifetime left (zero, or an expiry already past); using it until the API refuses it',
        { expiresAt },
      );
      expiresAt = undefined;
    }
    if (expiresAt === undefined) {
      expiresAt = this.#defaultLifetimeMs === undefined ? undefined : now + this.#defaultLifetimeMs;
    } else {
      expiresAt = Math.max(expiresAt, now + MIN_LIFETIME_MS);
    }
    if (expiresAt === given) return tokens;
    return expiresAt === undefined ? rest : { ...rest, expiresAt };
  }
}
