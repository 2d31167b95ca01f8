import {
  AuthError,
  CredentialsRejectedError,
  InvalidOptionsError,
  TokenEndpointError,
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

// One registry per store, so every manager on the same store and key shares one flight.
const flightsByStore = new WeakMap<TokenStore, SingleFlight<TokenSet>>();

const rejectedByServer = (error: unknown) =>
  error instanceof TokenEndpointError && (error.status === 400 || error.status === 401);

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
    let flights = flightsByStore.get(this.store);
    if (!flights) {
      flights = new SingleFlight<TokenSet>();
      flightsByStore.set(this.store, flights);
    }
    this.#flights = flights;
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
    if (current && this.isFresh(current)) return current;
    return abortable(
      this.#flights.run(key, async () => {
        const latest = await this.store.get(key);
        if (latest && this.isFresh(latest)) return latest;
        return this.#renew(key, latest);
      }),
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
    const current = await this.store.get(key);
    if (current && current.accessToken !== rejectedAccessToken && this.isFresh(current))
      return current;
    return abortable(
      this.#flights.run(key, async () => {
        const latest = await this.store.get(key);
        if (latest && latest.accessToken !== rejectedAccessToken && this.isFresh(latest))
          return latest;
        let base = latest;
        if (latest && latest.accessToken === rejectedAccessToken) {
          // Keep the refresh token (and the rejected access token: Sensu's refresh needs it).
          base = { ...latest, expiresAt: 0 };
          await this.store.set(key, base);
        }
        return this.#renew(key, base);
      }),
      signal,
    );
  }

  /** Forces a refresh now (or a new grant when there is no refresh token). Single-flight. */
  async refresh(signal?: AbortSignal | null): Promise<TokenSet> {
    const key = await this.key();
    return abortable(
      this.#flights.run(key, async () => this.#renew(key, await this.store.get(key))),
      signal,
    );
  }

  /** Forgets the stored tokens; the next request acquires new ones. */
  async invalidate(): Promise<void> {
    await this.store.delete(await this.key());
  }

  /** Masks every secret and token this manager knows of. */
  redact(text: string): string {
    return redact(text, this.#secrets());
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

  async #renew(key: string, current: TokenSet | undefined): Promise<TokenSet> {
    const refresh = this.strategy.refresh;
    if (current?.refreshToken !== undefined && refresh) {
      try {
        const next = await this.#call('refresh', refresh, current);
        // Rotation: a new refresh token replaces the old one in this same write; a response
        // without one keeps the old one.
        const merged: TokenSet =
          next.refreshToken === undefined ? { ...next, refreshToken: current.refreshToken } : next;
        await this.store.set(key, merged);
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
      await this.store.set(key, next);
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
    const context: GrantContext = {
      signal: AbortSignal.timeout(this.#timeoutMs),
      now: this.#clock(),
    };
    try {
      const response = await step.request(input, context);
      if (!response.ok) {
        throw await tokenEndpointError(response, {
          what,
          secrets: this.#secrets(),
          now: context.now,
        });
      }
      const tokens = await step.process(response, input, context);
      // Bounded: a process that runs for months must not grow this list.
      this.#seen = [tokens.accessToken, tokens.refreshToken ?? '', ...this.#seen].slice(0, 8);
      return tokens;
    } catch (error) {
      throw toSafeError(error, this.#secrets(), what);
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
    safely(() => {
      if (grant === 'acquire') this.#hooks.onTokenAcquired?.(event);
      else this.#hooks.onTokenRefreshed?.(event);
    });
    safely(() =>
      this.#logger?.debug?.(`tokenwire: token ${grant === 'acquire' ? 'acquired' : 'refreshed'}`, {
        strategy: event.strategy,
        expiresAt: event.expiresAt,
      }),
    );
  }
}

/** A hook or logger that throws must not break the request that triggered it. */
function safely(effect: () => void): void {
  try {
    effect();
  } catch {
    // Observability is best-effort.
  }
}
