import {
  AuthError,
  CredentialsRejectedError,
  InvalidOptionsError,
  InvalidTokenResponseError,
  TokenEndpointError,
  TokenRequestError,
  toSafeError,
} from './errors';
import type { GrantContext, GrantStep, GrantStrategy } from './grant';
import type { AuthErrorEvent, AuthHooks, AuthLogger, TokenEvent } from './observability';
import { redact } from './redact';
import { abortable, SingleFlight } from './single-flight';
import { tokenEndpointError } from './token-response';
import type { TokenSet } from './token-set';
import { deriveStoreKey, MemoryTokenStore, type TokenStore } from './token-store';
import { assertSecureUrl } from './transport';

export interface TokenManagerOptions {
  /** Where tokens live. Default: a new in-memory store. */
  store?: TokenStore;
  /** Refresh this long before expiry (clamped to half the token's lifetime). Default 30 s. */
  refreshSkewMs?: number;
  /** Abort a token request after this long. Default 30 s. */
  timeoutMs?: number;
  /** Allow credentials over plain http to non-loopback hosts. Default false. */
  allowInsecureHttp?: boolean;
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  clock?: () => number;
  hooks?: AuthHooks;
  logger?: AuthLogger;
}

/** What every manager on one store shares, so managers on the same store and key agree. */
interface StoreRegistry {
  readonly flights: SingleFlight<TokenSet>;
  /**
   * Access tokens the API refused (401), per key, until a new token set is stored. A flight
   * that started before the 401 must not hand the refused token back as "fresh", and new
   * requests must not send it while the replacement is on its way.
   */
  readonly rejected: Map<string, Set<string>>;
}

const registries = new WeakMap<TokenStore, StoreRegistry>();

function registryOf(store: TokenStore): StoreRegistry {
  let registry = registries.get(store);
  if (!registry) {
    registry = { flights: new SingleFlight<TokenSet>(), rejected: new Map() };
    registries.set(store, registry);
  }
  return registry;
}

const rejectedByServer = (error: unknown) =>
  error instanceof TokenEndpointError && (error.status === 400 || error.status === 401);

/** Failures worth riding out with a still-valid token: the server or the network hiccuped. */
const transient = (error: unknown) =>
  error instanceof TokenRequestError ||
  (error instanceof TokenEndpointError &&
    !(error instanceof CredentialsRejectedError) &&
    (error.status >= 500 || error.status === 429 || error.status === 408));

/**
 * An access token must go into a header as is. Headers refuse line breaks and NUL (and the
 * TypeError they throw quotes the whole value, token included), trim surrounding spaces
 * silently and cannot carry characters beyond Latin-1.
 */
function assertSendable(tokens: TokenSet): void {
  const token = tokens.accessToken;
  if (token.trim() === token && !/[^\x20-\x7e\x80-\xff]/.test(token)) return;
  throw new InvalidTokenResponseError(
    'The token response field "access_token" contains characters that cannot be sent in an HTTP header (line breaks, control characters, surrounding spaces or characters beyond Latin-1); expected an opaque token such as an RFC 6750 b64token.',
    { field: 'access_token' },
  );
}

function positive(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidOptionsError(
      option,
      `${option} must be a non-negative number of milliseconds, got ${value}.`,
    );
  }
  return value;
}

/**
 * Owns the token lifecycle for one strategy: lazy acquisition, proactive refresh before
 * expiry, reactive refresh after a 401, single-flight per store key, refresh-token rotation
 * and fallback to the primary grant.
 */
export class TokenManager {
  readonly strategy: GrantStrategy;
  readonly store: TokenStore;
  readonly #skewMs: number;
  readonly #timeoutMs: number;
  readonly #allowInsecureHttp: boolean;
  readonly #clock: () => number;
  readonly #hooks: AuthHooks;
  readonly #logger: AuthLogger | undefined;
  readonly #flights: SingleFlight<TokenSet>;
  readonly #rejected: Map<string, Set<string>>;
  #key: Promise<string> | undefined;
  /** The last few tokens this manager has seen, so errors can mask them too. */
  #seen: string[] = [];

  constructor(strategy: GrantStrategy, options: TokenManagerOptions = {}) {
    this.strategy = strategy;
    this.store = options.store ?? new MemoryTokenStore();
    this.#skewMs = positive('refreshSkewMs', options.refreshSkewMs, 30_000);
    this.#timeoutMs = positive('timeoutMs', options.timeoutMs, 30_000);
    this.#allowInsecureHttp = options.allowInsecureHttp ?? false;
    this.#clock = options.clock ?? Date.now;
    this.#hooks = options.hooks ?? {};
    this.#logger = options.logger;
    const registry = registryOf(this.store);
    this.#flights = registry.flights;
    this.#rejected = registry.rejected;
  }

  /** The store key of this strategy's tokens (a hash of its identity). */
  key(): Promise<string> {
    this.#key ??= deriveStoreKey(this.strategy.name, this.strategy.identity);
    return this.#key;
  }

  /** Whether `tokens` can still be used now, leaving the refresh skew. */
  isFresh(tokens: TokenSet): boolean {
    if (tokens.expiresAt === undefined) return true;
    const lifetime =
      tokens.obtainedAt === undefined
        ? Number.POSITIVE_INFINITY
        : tokens.expiresAt - tokens.obtainedAt;
    const skew = Math.min(this.#skewMs, Math.max(0, lifetime / 2));
    return this.#clock() < tokens.expiresAt - skew;
  }

  /** A usable token set: the stored one while fresh, else a refreshed or new one. */
  async getTokens(signal?: AbortSignal | null): Promise<TokenSet> {
    const key = await this.key();
    const current = await this.store.get(key);
    if (current && this.#usable(key, current)) return current;
    signal?.throwIfAborted();
    return abortable(
      this.#flights.run(key, () => this.#renewIfStale(key)),
      signal,
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
    this.#markRejected(key, rejectedAccessToken);
    for (let round = 0; ; round++) {
      const current = await this.store.get(key);
      if (current && this.#usable(key, current)) return current;
      signal?.throwIfAborted();
      const tokens = await abortable(
        this.#flights.run(key, () => this.#replaceRejected(key, rejectedAccessToken)),
        signal,
      );
      // A flight that read the store before the 401 was recorded can hand back the very
      // token that was refused (another process wrote it meanwhile); ask once more, which
      // starts a flight that sees the refusal. A server that re-issues the same token gets
      // its way on the second round.
      if (tokens.accessToken !== rejectedAccessToken || round > 0) return tokens;
    }
  }

  /** Forces a refresh now (or a new grant when there is no refresh token). Single-flight. */
  async refresh(signal?: AbortSignal | null): Promise<TokenSet> {
    const key = await this.key();
    signal?.throwIfAborted();
    return abortable(
      this.#flights.run(key, async () => this.#renew(key, await this.store.get(key))),
      signal,
    );
  }

  /** Forgets the stored tokens; the next request acquires new ones. */
  async invalidate(): Promise<void> {
    await this.store.delete(await this.key());
  }

  /** Masks every secret and token this manager knows of, and `extra` values. */
  redact(text: string, extra: readonly string[] = []): string {
    return redact(text, [...this.#secrets(), ...extra]);
  }

  reportError(error: unknown, status?: number): void {
    const event: AuthErrorEvent = {
      strategy: this.strategy.name,
      key: '',
      code: error instanceof AuthError ? error.code : 'UNAUTHORIZED',
      status: error instanceof TokenEndpointError ? error.status : status,
      message: this.redact(error instanceof Error ? error.message : String(error)),
    };
    void this.key().then((key) => {
      safely(() => this.#hooks.onAuthError?.({ ...event, key }));
      safely(() =>
        this.#logger?.warn?.(`tokenwire: ${event.message}`, {
          strategy: event.strategy,
          code: event.code,
          status: event.status,
        }),
      );
    });
  }

  #secrets(): string[] {
    return [...this.strategy.secrets, ...this.#seen];
  }

  /** Remembers tokens so errors can mask them, even ones another manager or process stored. */
  #remember(tokens: TokenSet): void {
    for (const token of [tokens.accessToken, tokens.refreshToken]) {
      if (token !== undefined && token !== '' && !this.#seen.includes(token)) {
        // Bounded: a process that runs for months must not grow this list.
        this.#seen = [token, ...this.#seen].slice(0, 16);
      }
    }
  }

  /** Fresh, and not refused by the API since it was stored. */
  #usable(key: string, tokens: TokenSet): boolean {
    return this.isFresh(tokens) && !this.#rejected.get(key)?.has(tokens.accessToken);
  }

  #markRejected(key: string, accessToken: string): void {
    let rejected = this.#rejected.get(key);
    if (!rejected) {
      rejected = new Set();
      this.#rejected.set(key, rejected);
    }
    rejected.add(accessToken);
    // Bounded: only recently refused tokens can still be in a store or in flight.
    if (rejected.size > 32) rejected.delete(rejected.values().next().value ?? '');
  }

  /**
   * Writes a new token set. A server may re-issue the very token it refused before; once
   * stored again it is usable again. Other refusals stay recorded: a 401 for this new token
   * may already be arriving, and the old tokens are no longer in the store anyway.
   */
  async #store(key: string, tokens: TokenSet): Promise<void> {
    this.#rejected.get(key)?.delete(tokens.accessToken);
    await this.store.set(key, tokens);
  }

  /** The flight of getTokens: re-checks the store, then renews. */
  async #renewIfStale(key: string): Promise<TokenSet> {
    const latest = await this.store.get(key);
    if (latest && this.#usable(key, latest)) return latest;
    try {
      return await this.#renew(key, latest);
    } catch (error) {
      // A proactive refresh that failed for a passing reason must not fail requests while
      // the current token still works; the next request (inside the skew) tries again.
      if (
        latest?.expiresAt !== undefined &&
        this.#clock() < latest.expiresAt &&
        !this.#rejected.get(key)?.has(latest.accessToken) &&
        transient(error)
      ) {
        safely(() =>
          this.#logger?.warn?.(
            'tokenwire: refreshing ahead of expiry failed; using the current token until it expires',
            { strategy: this.strategy.name, expiresAt: latest.expiresAt },
          ),
        );
        return latest;
      }
      throw error;
    }
  }

  /** The flight of tokensAfterRejection: invalidates the refused token if still stored. */
  async #replaceRejected(key: string, rejectedAccessToken: string): Promise<TokenSet> {
    const latest = await this.store.get(key);
    if (latest && this.#usable(key, latest)) return latest;
    let base = latest;
    if (latest && latest.accessToken === rejectedAccessToken) {
      // Keep the refresh token (and the rejected access token: Sensu's refresh needs it).
      base = { ...latest, expiresAt: 0 };
      await this.store.set(key, base);
    }
    return this.#renew(key, base);
  }

  async #renew(key: string, current: TokenSet | undefined): Promise<TokenSet> {
    if (current) this.#remember(current);
    const refresh = this.strategy.refresh;
    if (current?.refreshToken !== undefined && refresh) {
      try {
        const next = await this.#call('refresh', refresh, current);
        // Rotation: a new refresh token replaces the old one in this same write; a response
        // without one keeps the old one.
        const merged: TokenSet =
          next.refreshToken === undefined ? { ...next, refreshToken: current.refreshToken } : next;
        await this.#store(key, merged);
        this.#emit('refresh', key, merged, next.refreshToken !== undefined);
        return merged;
      } catch (error) {
        const rejected = (this.strategy.isRefreshRejected ?? rejectedByServer)(error);
        if (!rejected) {
          this.reportError(error);
          throw error;
        }
        safely(() =>
          this.#logger?.info?.(
            'tokenwire: refresh token rejected; falling back to the primary grant',
            {
              strategy: this.strategy.name,
              status: error instanceof TokenEndpointError ? error.status : undefined,
            },
          ),
        );
      }
    }
    try {
      const next = await this.#call('acquire', this.strategy.acquire, undefined);
      await this.#store(key, next);
      this.#emit('acquire', key, next, next.refreshToken !== undefined);
      return next;
    } catch (error) {
      const final =
        error instanceof TokenEndpointError &&
        !(error instanceof CredentialsRejectedError) &&
        (this.strategy.isCredentialsRejected ?? rejectedByServer)(error)
          ? new CredentialsRejectedError(
              `${error.message} The ${this.strategy.name} credentials were refused: check them.`,
              {
                status: error.status,
                body: error.body,
                ...(error.error === undefined ? {} : { error: error.error }),
                ...(error.errorDescription === undefined
                  ? {}
                  : { errorDescription: error.errorDescription }),
                ...(error.response === undefined ? {} : { response: error.response }),
              },
            )
          : error;
      this.reportError(final);
      throw final;
    }
  }

  async #call<Input>(
    grant: 'acquire' | 'refresh',
    step: GrantStep<Input>,
    input: Input,
  ): Promise<TokenSet> {
    for (const url of this.strategy.tokenUrls) {
      assertSecureUrl(url, this.#allowInsecureHttp, 'the token endpoint');
    }
    const what = `The ${this.strategy.name} token ${grant === 'acquire' ? 'request' : 'refresh'}`;
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const context: GrantContext = { signal, now: this.#clock() };
    try {
      // Raced against the timeout, so a strategy (or fetch) that ignores the signal cannot
      // hang every waiter of the flight.
      const response = await abortable(step.request(input, context), signal);
      if (!response.ok) {
        throw await abortable(
          tokenEndpointError(response, { what, secrets: this.#secrets(), now: context.now }),
          signal,
        );
      }
      const tokens = await abortable(step.process(response, input, context), signal);
      this.#remember(tokens);
      assertSendable(tokens);
      return tokens;
    } catch (error) {
      throw toSafeError(error, this.#secrets(), what, signal.aborted);
    }
  }

  #emit(
    grant: 'acquire' | 'refresh',
    key: string,
    tokens: TokenSet,
    refreshTokenIssued: boolean,
  ): void {
    const event: TokenEvent = {
      strategy: this.strategy.name,
      key,
      grant,
      expiresAt: tokens.expiresAt,
      refreshTokenIssued,
    };
    safely(() =>
      grant === 'acquire'
        ? this.#hooks.onTokenAcquired?.(event)
        : this.#hooks.onTokenRefreshed?.(event),
    );
    safely(() =>
      this.#logger?.debug?.(`tokenwire: token ${grant === 'acquire' ? 'acquired' : 'refreshed'}`, {
        strategy: event.strategy,
        expiresAt: event.expiresAt,
      }),
    );
  }
}

/** A hook or logger that throws (or rejects) must not break the request that triggered it. */
function safely(effect: () => unknown): void {
  try {
    const result = effect();
    if (result instanceof Promise) result.catch(() => {});
  } catch {
    // Observability is best-effort.
  }
}
