import {
  AuthError,
  CredentialsRejectedError,
  InvalidOptionsError,
  InvalidTokenResponseError,
  messageOf,
  TokenEndpointError,
  TokenRequestError,
  toSafeError,
} from './errors';
import type { GrantStep, GrantStrategy } from './grant';
import type { AuthHooks, AuthLogger, TokenEvent } from './observability';
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

/**
 * What every manager on one store shares, so managers on the same store and key agree: the
 * flights, and the access tokens the API refused (401), per key, until a new token set is
 * stored. A flight that started before the 401 must not hand the refused token back as
 * "fresh", and new requests must not send it while the replacement is on its way.
 */
const registries = new WeakMap<TokenStore, [SingleFlight<TokenSet>, Map<string, Set<string>>]>();

const rejectedByServer = (error: unknown) =>
  error instanceof TokenEndpointError && (error.status === 400 || error.status === 401);

const statusOf = (error: unknown) =>
  error instanceof TokenEndpointError ? error.status : undefined;

/** Failures worth riding out with a still-valid token: the server or the network hiccuped. */
const transient = (error: unknown) =>
  error instanceof TokenRequestError ||
  (error instanceof TokenEndpointError &&
    !(error instanceof CredentialsRejectedError) &&
    (error.status >= 500 || error.status === 429 || error.status === 408));

function milliseconds(option: string, value: number | undefined): number {
  if (value === undefined) return 30_000;
  if (Number.isFinite(value) && value >= 0) return value;
  throw new InvalidOptionsError(
    option,
    `${option} must be a non-negative number (ms), got ${value}.`,
  );
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
  readonly #insecure: boolean | undefined;
  readonly #clock: () => number;
  readonly #hooks: AuthHooks | undefined;
  readonly #logger: AuthLogger | undefined;
  readonly #flights: SingleFlight<TokenSet>;
  readonly #rejected: Map<string, Set<string>>;
  #key: Promise<string> | undefined;
  /** The last few tokens this manager has seen, so errors can mask them too. */
  #seen: string[] = [];

  constructor(strategy: GrantStrategy, options: TokenManagerOptions = {}) {
    this.strategy = strategy;
    this.store = options.store ?? new MemoryTokenStore();
    this.#skewMs = milliseconds('refreshSkewMs', options.refreshSkewMs);
    this.#timeoutMs = milliseconds('timeoutMs', options.timeoutMs);
    this.#insecure = options.allowInsecureHttp;
    this.#clock = options.clock ?? Date.now;
    this.#hooks = options.hooks;
    this.#logger = options.logger;
    const registry = registries.get(this.store) ?? [new SingleFlight(), new Map()];
    registries.set(this.store, registry);
    [this.#flights, this.#rejected] = registry;
  }

  /** The store key of this strategy's tokens (a hash of its identity). */
  key(): Promise<string> {
    this.#key ??= deriveStoreKey(this.strategy.name, this.strategy.identity);
    return this.#key;
  }

  /** Whether `tokens` can still be used now, leaving the refresh skew. */
  isFresh(tokens: TokenSet): boolean {
    const { expiresAt, obtainedAt } = tokens;
    if (expiresAt === undefined) return true;
    // The skew is at most half the lifetime (unbounded when obtainedAt is unknown).
    const half = Math.max(0, (expiresAt - (obtainedAt ?? -Infinity)) / 2);
    return this.#clock() < expiresAt - Math.min(this.#skewMs, half);
  }

  /** A usable token set: the stored one while fresh, else a refreshed or new one. */
  async getTokens(signal?: AbortSignal | null): Promise<TokenSet> {
    const key = await this.key();
    return (
      this.#usable(key, await this.store.get(key)) ??
      this.#fly(key, () => this.#renewStale(key), signal)
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
    // Bounded: only recently refused tokens can still be in a store or in flight.
    const refused = this.#rejected.get(key) ?? new Set();
    this.#rejected.set(key, new Set([...refused.add(rejectedAccessToken)].slice(-32)));
    for (let round = 0; ; round++) {
      const current = this.#usable(key, await this.store.get(key));
      if (current) return current;
      const tokens = await this.#fly(key, () => this.#renewStale(key, rejectedAccessToken), signal);
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
    return this.#fly(key, async () => this.#renew(key, await this.store.get(key)), signal);
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
    const code = error instanceof AuthError ? error.code : 'UNAUTHORIZED';
    status = statusOf(error) ?? status;
    const message = this.redact(messageOf(error));
    void this.key().then((key) => {
      safely(() =>
        this.#hooks?.onAuthError?.({ strategy: this.strategy.name, key, code, status, message }),
      );
      this.#log('warn', message, { code, status });
    });
  }

  #log(level: keyof AuthLogger, message: string, fields: Record<string, unknown>): void {
    safely(() =>
      this.#logger?.[level]?.(`tokenwire: ${message}`, { strategy: this.strategy.name, ...fields }),
    );
  }

  #secrets(): string[] {
    return [...this.strategy.secrets, ...this.#seen];
  }

  /** Remembers tokens so errors can mask them, even ones another manager or process stored. */
  #remember({ accessToken, refreshToken }: TokenSet): void {
    for (const token of [accessToken, refreshToken]) {
      // Bounded: a process that runs for months must not grow this list.
      if (token && !this.#seen.includes(token)) this.#seen = [token, ...this.#seen].slice(0, 16);
    }
  }

  #refused(key: string, tokens: TokenSet): boolean | undefined {
    return this.#rejected.get(key)?.has(tokens.accessToken);
  }

  /** `tokens` when fresh and not refused by the API since they were stored. */
  #usable(key: string, tokens: TokenSet | undefined): TokenSet | undefined {
    return tokens && this.isFresh(tokens) && !this.#refused(key, tokens) ? tokens : undefined;
  }

  #fly(key: string, task: () => Promise<TokenSet>, signal?: AbortSignal | null): Promise<TokenSet> {
    signal?.throwIfAborted();
    return abortable(this.#flights.run(key, task), signal);
  }

  /**
   * The flight of getTokens and tokensAfterRejection: re-checks the store, invalidates the
   * refused token if it is still stored, then renews.
   */
  async #renewStale(key: string, rejectedAccessToken?: string): Promise<TokenSet> {
    let latest = await this.store.get(key);
    const usable = this.#usable(key, latest);
    if (usable) return usable;
    if (latest && latest.accessToken === rejectedAccessToken) {
      // Keep the refresh token (and the rejected access token: Sensu's refresh needs it).
      latest = { ...latest, expiresAt: 0 };
      await this.store.set(key, latest);
    }
    try {
      return await this.#renew(key, latest);
    } catch (error) {
      // A proactive refresh that failed for a passing reason must not fail requests while
      // the current token still works; the next request (inside the skew) tries again.
      if (
        rejectedAccessToken === undefined &&
        latest &&
        this.#clock() < (latest.expiresAt ?? Number.NaN) &&
        !this.#refused(key, latest) &&
        transient(error)
      ) {
        this.#log('warn', 'early refresh failed; using the current token until it expires', {
          expiresAt: latest.expiresAt,
        });
        return latest;
      }
      throw error;
    }
  }

  async #renew(key: string, current: TokenSet | undefined): Promise<TokenSet> {
    if (current) this.#remember(current);
    const { name, refresh, acquire } = this.strategy;
    if (current?.refreshToken !== undefined && refresh) {
      try {
        return await this.#grant(key, refresh, current);
      } catch (error) {
        if (!(this.strategy.isRefreshRejected ?? rejectedByServer)(error)) {
          this.reportError(error);
          throw error;
        }
        this.#log('info', 'refresh refused; falling back to the primary grant', {
          status: statusOf(error),
        });
      }
    }
    try {
      return await this.#grant(key, acquire as GrantStep<undefined>);
    } catch (error) {
      const final =
        error instanceof TokenEndpointError &&
        !(error instanceof CredentialsRejectedError) &&
        (this.strategy.isCredentialsRejected ?? rejectedByServer)(error)
          ? new CredentialsRejectedError(
              `${error.message} The ${name} credentials were refused: check them.`,
              { ...error, retryAfterSeconds: undefined, response: error.response } as never,
            )
          : error;
      this.reportError(final);
      throw final;
    }
  }

  /** One token request: sends, validates, stores (keeping the refresh token), reports. */
  async #grant(
    key: string,
    step: GrantStep<TokenSet> | GrantStep<undefined>,
    input?: TokenSet,
  ): Promise<TokenSet> {
    const { name, tokenUrls } = this.strategy;
    for (const url of tokenUrls) assertSecureUrl(url, !!this.#insecure, 'the token endpoint');
    const what = `The ${name} token ${input ? 'refresh' : 'request'}`;
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const context = { signal, now: this.#clock() };
    let next: TokenSet;
    try {
      // Raced against the timeout, so a strategy (or fetch) that ignores the signal cannot
      // hang every waiter of the flight.
      const response = await abortable(step.request(input as never, context), signal);
      if (!response.ok) {
        throw await abortable(
          tokenEndpointError(response, { what, secrets: this.#secrets(), now: context.now }),
          signal,
        );
      }
      next = await abortable(step.process(response, input as never, context), signal);
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
    } catch (error) {
      throw toSafeError(error, this.#secrets(), what, signal.aborted);
    }
    // Rotation: a new refresh token replaces the old one in this same write; a response
    // without one keeps the old one.
    const issued = next.refreshToken !== undefined;
    const tokens =
      issued || !input ? next : ({ ...next, refreshToken: input.refreshToken } as TokenSet);
    // A server may re-issue the very token it refused before; once stored again it is
    // usable again. Other refusals stay recorded: a 401 for this new token may already be
    // arriving, and the old tokens are no longer in the store anyway.
    this.#rejected.get(key)?.delete(tokens.accessToken);
    await this.store.set(key, tokens);
    const event: TokenEvent = {
      strategy: name,
      key,
      grant: input ? 'refresh' : 'acquire',
      expiresAt: tokens.expiresAt,
      refreshTokenIssued: issued,
    };
    safely(() => this.#hooks?.[input ? 'onTokenRefreshed' : 'onTokenAcquired']?.(event));
    this.#log('debug', `token ${input ? 'refreshed' : 'acquired'}`, {
      expiresAt: tokens.expiresAt,
    });
    return tokens;
  }
}
