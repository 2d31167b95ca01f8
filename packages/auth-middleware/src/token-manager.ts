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
import type { AuthHooks, AuthLogger } from './observability';
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
 * flights, and per key the access tokens the API refused (401) since they were stored. A
 * flight that started before the 401 must not hand the refused token back as "fresh", and
 * new requests must not send it while the replacement is on its way.
 */
const registries = new WeakMap<TokenStore, [SingleFlight<TokenSet>, Map<string, string[]>]>();

const rejectedByServer = (error: unknown) =>
  error instanceof TokenEndpointError && (error.status === 400 || error.status === 401);

/** A hook or logger that throws (or rejects) must not break the request that triggered it. */
function safely(effect: () => unknown): void {
  try {
    Promise.resolve(effect()).catch(() => {});
  } catch {
    // Observability is best-effort.
  }
}

function milliseconds(option: string, value: number | undefined): number {
  if (value === undefined) return 30_000;
  if (Number.isFinite(value) && value >= 0) return value;
  throw new InvalidOptionsError(
    option,
    `${option} must be a non-negative number of ms, got ${value}.`,
  );
}

/**
 * Owns the token lifecycle for one strategy: lazy acquisition, proactive refresh before
 * expiry, reactive refresh after a 401, single-flight per store key, refresh-token rotation
 * and fallback to the primary grant.
 */
export class TokenManager {
  declare readonly strategy: GrantStrategy;
  declare readonly store: TokenStore;
  /** The store key of this strategy's tokens (a hash of its identity). */
  declare readonly key: () => Promise<string>;
  /** Whether `tokens` can still be used now, leaving the refresh skew. */
  declare readonly isFresh: (tokens: TokenSet) => boolean;
  /** A usable token set: the stored one while fresh, else a refreshed or new one. */
  declare readonly getTokens: (signal?: AbortSignal | null) => Promise<TokenSet>;
  /**
   * After the server refused `rejectedAccessToken` (401): invalidates it if the store still
   * holds it, then returns a newer token set (someone else's, or a refreshed one).
   */
  declare readonly tokensAfterRejection: (
    rejectedAccessToken: string,
    signal?: AbortSignal | null,
  ) => Promise<TokenSet>;
  /** Forces a refresh now (or a new grant when there is no refresh token). Single-flight. */
  declare readonly refresh: (signal?: AbortSignal | null) => Promise<TokenSet>;
  /** Forgets the stored tokens; the next request acquires new ones. */
  declare readonly invalidate: () => Promise<void>;
  /** Masks every secret and token this manager knows of, and `extra` values. */
  declare readonly redact: (text: string, extra?: readonly string[]) => string;
  /** Reports a failure to the `onAuthError` hook and the logger (masked). */
  declare readonly reportError: (error: unknown, status?: number) => void;

  constructor(strategy: GrantStrategy, options: TokenManagerOptions = {}) {
    const { store = new MemoryTokenStore(), clock = Date.now, hooks, logger } = options;
    const skew = milliseconds('refreshSkewMs', options.refreshSkewMs);
    const timeoutMs = milliseconds('timeoutMs', options.timeoutMs);
    const { name } = strategy;
    const registry = registries.get(store) ?? [new SingleFlight(), new Map()];
    registries.set(store, registry);
    const [flights, refusals] = registry;
    let storeKey: Promise<string> | undefined;
    // The last few tokens seen (bounded), so errors can mask them too.
    let seen: string[] = [];

    // Resolved once; the hot path reads `known` and skips the await.
    let known: string | undefined;
    const key = () =>
      (storeKey ??= deriveStoreKey(name, strategy.identity).then((k) => (known = k)));
    const secrets = () => [...strategy.secrets, ...seen];
    const log = (level: keyof AuthLogger, message: string, fields: object) =>
      safely(() => logger?.[level]?.(`tokenwire: ${message}`, { strategy: name, ...fields }));
    const refused = (k: string, tokens: TokenSet) => refusals.get(k)?.includes(tokens.accessToken);
    const isFresh = ({ expiresAt, obtainedAt }: TokenSet) =>
      expiresAt === undefined ||
      // The skew is at most half the lifetime (unbounded when obtainedAt is unknown).
      clock() <
        expiresAt - Math.min(skew, Math.max(0, (expiresAt - (obtainedAt ?? -Infinity)) / 2));
    /** `tokens` when fresh and not refused by the API since they were stored. */
    const usable = (k: string, tokens: TokenSet | undefined) =>
      tokens && isFresh(tokens) && !refused(k, tokens) ? tokens : undefined;
    const fly = (k: string, task: () => Promise<TokenSet>, signal?: AbortSignal | null) => {
      signal?.throwIfAborted();
      return abortable(flights.run(k, task), signal);
    };

    const reportError = (error: unknown, status?: number) => {
      const code = error instanceof AuthError ? error.code : 'UNAUTHORIZED';
      status = error instanceof TokenEndpointError ? error.status : status;
      const message = redact(messageOf(error), secrets());
      void key().then((k) => {
        safely(() => hooks?.onAuthError?.({ strategy: name, key: k, code, status, message }));
        log('warn', message, { code, status });
      });
    };

    /** One token request: sends, validates, stores (keeping the refresh token), reports. */
    const grant = async (k: string, step: GrantStep<never>, input?: TokenSet) => {
      for (const url of strategy.tokenUrls) {
        assertSecureUrl(url, !!options.allowInsecureHttp, 'the token endpoint');
      }
      const what = `The ${name} token ${input ? 'refresh' : 'request'}`;
      const signal = AbortSignal.timeout(timeoutMs);
      const context = { signal, now: clock() };
      let next: TokenSet;
      try {
        // Raced against the timeout, so a strategy (or fetch) that ignores the signal cannot
        // hang every waiter of the flight.
        next = await abortable(
          (async () => {
            const response = await step.request(input as never, context);
            if (!response.ok) {
              throw await tokenEndpointError(response, {
                what,
                secrets: secrets(),
                now: context.now,
              });
            }
            return step.process(response, input as never, context);
          })(),
          signal,
        );
        remember(next);
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
        throw toSafeError(error, secrets(), what, signal.aborted);
      }
      // Rotation: a new refresh token replaces the old one in this same write; a response
      // without one keeps the old one.
      const issued = next.refreshToken !== undefined;
      const tokens =
        issued || !input ? next : ({ ...next, refreshToken: input.refreshToken } as TokenSet);
      // A server may re-issue the very token it refused before; once stored again it is
      // usable again. Other refusals stay recorded: a 401 for this new token may already be
      // arriving, and the old tokens are no longer in the store anyway.
      refusals.set(
        k,
        refusals.get(k)?.filter((token: string) => token !== tokens.accessToken) ?? [],
      );
      await store.set(k, tokens);
      const { expiresAt } = tokens;
      safely(() =>
        hooks?.[input ? 'onTokenRefreshed' : 'onTokenAcquired']?.({
          strategy: name,
          key: k,
          grant: input ? 'refresh' : 'acquire',
          expiresAt,
          refreshTokenIssued: issued,
        }),
      );
      log('debug', `token ${input ? 'refreshed' : 'acquired'}`, { expiresAt });
      return tokens;
    };

    /** Remembers tokens so errors can mask them, even ones another manager or process stored. */
    const remember = ({ accessToken, refreshToken }: TokenSet) => {
      for (const token of [accessToken, refreshToken]) {
        // Bounded: a process that runs for months must not grow this list.
        if (token && !seen.includes(token)) seen = [token, ...seen].slice(0, 16);
      }
    };

    /** Refresh (when there is a refresh token), else or on a refused refresh, the primary grant. */
    const renew = async (k: string, current: TokenSet | undefined) => {
      if (current) remember(current);
      try {
        if (current?.refreshToken !== undefined && strategy.refresh) {
          try {
            return await grant(k, strategy.refresh as GrantStep<never>, current);
          } catch (error) {
            if (!(strategy.isRefreshRejected ?? rejectedByServer)(error)) throw error;
            log('info', 'refresh refused; falling back to the primary grant', {
              status: (error as TokenEndpointError).status,
            });
          }
        }
        try {
          return await grant(k, strategy.acquire as GrantStep<never>);
        } catch (error) {
          throw error instanceof TokenEndpointError &&
            !(error instanceof CredentialsRejectedError) &&
            (strategy.isCredentialsRejected ?? rejectedByServer)(error)
            ? new CredentialsRejectedError(
                `${error.message} The ${name} credentials were refused: check them.`,
                { ...error, retryAfterSeconds: undefined, response: error.response } as never,
              )
            : error;
        }
      } catch (error) {
        reportError(error);
        throw error;
      }
    };

    /**
     * The flight of getTokens and tokensAfterRejection: re-checks the store, invalidates the
     * refused token if it is still stored, then renews.
     */
    const renewStale = async (k: string, rejected?: string) => {
      let latest = await store.get(k);
      const current = usable(k, latest);
      if (current) return current;
      if (latest && latest.accessToken === rejected) {
        // Keep the refresh token (and the rejected access token: Sensu's refresh needs it).
        latest = { ...latest, expiresAt: 0 };
        await store.set(k, latest);
      }
      try {
        return await renew(k, latest);
      } catch (error) {
        // A proactive refresh that failed for a passing reason (the network, or the server's
        // 5xx, 429, 408) must not fail requests while the current token still works; the
        // next request (inside the skew) tries again.
        if (
          !rejected &&
          latest &&
          clock() < (latest.expiresAt ?? Number.NaN) &&
          !refused(k, latest) &&
          (error instanceof TokenRequestError ||
            (error instanceof TokenEndpointError &&
              !(error instanceof CredentialsRejectedError) &&
              (error.status >= 500 || error.status === 429 || error.status === 408)))
        ) {
          log('warn', 'early refresh failed; using the current token until it expires', {
            expiresAt: latest.expiresAt,
          });
          return latest;
        }
        throw error;
      }
    };

    Object.assign(this, {
      strategy,
      store,
      key,
      isFresh,
      reportError,
      redact: (text: string, extra: readonly string[] = []) =>
        redact(text, [...secrets(), ...extra]),
      getTokens: async (signal?: AbortSignal | null) => {
        const k = known ?? (await key());
        return usable(k, await store.get(k)) ?? fly(k, () => renewStale(k), signal);
      },
      tokensAfterRejection: async (rejectedAccessToken: string, signal?: AbortSignal | null) => {
        const k = await key();
        // Bounded: only recently refused tokens can still be in a store or in flight.
        refusals.set(k, [...(refusals.get(k) ?? []), rejectedAccessToken].slice(-32));
        for (let round = 0; ; round++) {
          const current = usable(k, await store.get(k));
          if (current) return current;
          const tokens = await fly(k, () => renewStale(k, rejectedAccessToken), signal);
          // A flight that read the store before the 401 was recorded can hand back the very
          // token that was refused (another process wrote it meanwhile); ask once more, which
          // starts a flight that sees the refusal. A server that re-issues the same token
          // gets its way on the second round.
          if (tokens.accessToken !== rejectedAccessToken || round) return tokens;
        }
      },
      refresh: async (signal?: AbortSignal | null) => {
        const k = await key();
        return fly(k, async () => renew(k, await store.get(k)), signal);
      },
      invalidate: async () => store.delete(await key()),
    });
  }
}
