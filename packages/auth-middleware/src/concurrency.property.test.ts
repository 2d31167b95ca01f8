/// <reference types="node" />
import fc from 'fast-check';
import createClient, { type Client } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenAuth } from './auth';
import { AuthError } from './errors';
import {
  API_BASE,
  FakeClock,
  FakeOAuthServer,
  jsonResponse,
  oauthStrategy,
} from './test-support/fake-oauth-server';
import type { TestPaths } from './test-support/openapi-test-paths';
import type { TokenSet } from './token-set';
import { MemoryTokenStore, type TokenStore } from './token-store';

type Failure = 'server' | 'reject' | 'network';
type ApiFailure = 'unavailable' | 'rate-limited' | 'network';
type Action =
  | { kind: 'request'; client: 0 | 1; method: 'GET' | 'POST' }
  | { kind: 'apiFailure'; failure: ApiFailure }
  | { kind: 'abort'; target: number }
  | { kind: 'advance'; seconds: number }
  | { kind: 'revokeAccess' }
  | { kind: 'revokeRefresh' }
  | { kind: 'apiOutage' }
  | { kind: 'tokenFailure'; failure: Failure };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('request' as const),
      client: fc.constantFrom(0 as const, 1 as const),
      method: fc.constantFrom('GET' as const, 'POST' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      seconds: fc.integer({ min: 1, max: 400 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'revokeAccess' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'revokeRefresh' as const }) },
  // Toggles an API that refuses every token (so replays meet a second 401).
  { weight: 1, arbitrary: fc.constant({ kind: 'apiOutage' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('tokenFailure' as const),
      failure: fc.constantFrom<Failure>('server', 'reject', 'network'),
    }),
  },
  // The next API call fails for a passing reason (retried for GET, handed back for POST).
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('apiFailure' as const),
      failure: fc.constantFrom<ApiFailure>('unavailable', 'rate-limited', 'network'),
    }),
  },
  // The caller of an earlier action (when it is a request) gives up.
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('abort' as const),
      target: fc.integer({ min: 0, max: 13 }),
    }),
  },
);

const MAX_RETRIES = 2;

/** A store whose every operation happens when the scheduler says (like Redis latency). */
class ScheduledStore implements TokenStore {
  readonly #inner = new MemoryTokenStore();
  readonly #schedule: (label: string) => Promise<unknown>;

  constructor(schedule: (label: string) => Promise<unknown>) {
    this.#schedule = schedule;
  }

  async get(key: string): Promise<TokenSet | undefined> {
    await this.#schedule('store.get');
    return this.#inner.get(key);
  }

  async set(key: string, tokens: TokenSet): Promise<void> {
    await this.#schedule('store.set');
    await this.#inner.set(key, tokens);
  }

  async delete(key: string): Promise<void> {
    await this.#schedule('store.delete');
    await this.#inner.delete(key);
  }
}

type Outcome =
  | { kind: 'response'; status: number; token: string | undefined }
  | { kind: 'error'; error: unknown };

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

const macrotask = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('random interleavings of requests, expiries, revocations, transient failures and aborts', () => {
  it('keeps every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(actionArb, { minLength: 1, maxLength: 14 }),
        fc.constantFrom(0, 30_000, 200_000),
        async (s, actions, refreshSkewMs) => {
          const clock = new FakeClock();
          const schedule = (label: string) => s.schedule(Promise.resolve(label), label);
          const server = new FakeOAuthServer({
            clock,
            expiresIn: 300,
            delay: () => schedule('server'),
          });
          // Two auth layers (one per form) on one store and one key: they must share flights.
          const store = new ScheduledStore(schedule);
          // Backoffs wait for the scheduler, so retries interleave with everything else.
          const retry = { maxRetries: MAX_RETRIES, sleep: () => schedule('sleep').then(() => {}) };
          const options = { clock: clock.read, store, refreshSkewMs, retry };
          const authA = createTokenAuth({
            ...options,
            strategy: oauthStrategy({ fetch: server.fetch }),
          });
          const authB = createTokenAuth({
            ...options,
            strategy: oauthStrategy({ fetch: server.fetch }),
          });
          expect(await authA.manager.key()).toBe(await authB.manager.key());
          const clients: [Client<TestPaths>, Client<TestPaths>] = [
            createClient<TestPaths>({ baseUrl: API_BASE, fetch: authA.wrapFetch(server.fetch) }),
            createClient<TestPaths>({ baseUrl: API_BASE, fetch: server.fetch }),
          ];
          clients[1].use(authB.middleware);

          const outcomes = new Map<number, Promise<Outcome>>();
          const methods = new Map<number, 'GET' | 'POST'>();
          const controllers = new Map<number, AbortController>();
          actions.forEach((action, index) => {
            const started = schedule(`${action.kind} #${index}`);
            if (action.kind === 'request') {
              methods.set(index, action.method);
              const client = clients[action.client];
              const headers = { 'x-request-id': String(index) };
              const controller = new AbortController();
              controllers.set(index, controller);
              const { signal } = controller;
              outcomes.set(
                index,
                started
                  .then(() =>
                    action.method === 'GET'
                      ? client.GET('/things', { headers, signal })
                      : client.POST('/things', { headers, body: { i: index }, signal }),
                  )
                  .then(
                    ({ data, response }): Outcome => ({
                      kind: 'response',
                      status: response.status,
                      token: data?.token,
                    }),
                    (error: unknown): Outcome => ({ kind: 'error', error }),
                  ),
              );
              return;
            }
            void started.then(() => {
              if (action.kind === 'abort') controllers.get(action.target)?.abort();
              else if (action.kind === 'apiFailure') {
                server.apiOverrides.push(() => {
                  if (action.failure === 'network') throw new TypeError('fetch failed');
                  return jsonResponse(
                    { message: 'try later' },
                    action.failure === 'unavailable' ? 503 : 429,
                  );
                });
              } else if (action.kind === 'advance') clock.advance(action.seconds * 1000);
              else if (action.kind === 'revokeAccess') server.revokeAllAccessTokens();
              else if (action.kind === 'revokeRefresh') server.revokeAllRefreshTokens();
              else if (action.kind === 'apiOutage') {
                server.apiRejectsEverything = !server.apiRejectsEverything;
              } else {
                server.tokenOverrides.push((call) => {
                  if (action.failure === 'network') throw new TypeError('fetch failed');
                  if (action.failure === 'server')
                    return jsonResponse({ error: 'server_error' }, 503);
                  return call.grantType === 'refresh_token'
                    ? jsonResponse({ error: 'invalid_grant' }, 400)
                    : jsonResponse({ error: 'invalid_client' }, 401);
                });
              }
            });
          });

          const settled = await s.waitFor(Promise.all(outcomes.values()));
          await s.waitIdle();
          await macrotask();

          // Never more than one token call in flight for the key.
          expect(server.maxInFlight).toBeLessThanOrEqual(1);
          const ids = [...outcomes.keys()];
          settled.forEach((outcome, position) => {
            const id = ids[position];
            const calls = server.apiCalls.filter(
              (call) => call.headers.get('x-request-id') === String(id),
            );
            // Never more than 1 + maxRetries + 1 sends, POST never retried, one replay at most.
            const post = methods.get(id ?? -1) === 'POST';
            expect(calls.length).toBeLessThanOrEqual(post ? 2 : 1 + MAX_RETRIES + 1);
            expect(
              calls.slice(0, -1).filter((call) => call.status === 401).length,
            ).toBeLessThanOrEqual(1);
            if (post) {
              for (const call of calls) {
                expect(new TextDecoder().decode(call.body)).toBe(JSON.stringify({ i: id }));
              }
            }
            if (outcome.kind === 'error') {
              // Failures are typed.
              expect(outcome.error).toBeInstanceOf(AuthError);
              return;
            }
            const last = calls.at(-1);
            if (outcome.status === 200) {
              // Success means the API accepted a token that was current when it handled it.
              expect(last?.accepted).toBe(true);
              expect(outcome.token).toBe(last?.token);
              return;
            }
            if (outcome.status === 503 || outcome.status === 429) {
              // A passing failure is handed back only when the retries ran out (or for POST).
              const failures = calls.filter((call) => [0, 429, 503].includes(call.status));
              expect(post || failures.length === MAX_RETRIES + 1).toBe(true);
              return;
            }
            // Anything else is a 401 handed back after exactly one replay with a new token.
            expect(outcome.status).toBe(401);
            expect(last?.accepted).toBe(false);
            const refused = calls.filter((call) => call.status === 401);
            expect(refused).toHaveLength(2);
            expect(refused[1]?.token).not.toBe(refused[0]?.token);
          });
          expect(unhandled).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  }, 30_000);
});
