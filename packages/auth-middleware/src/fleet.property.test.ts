/// <reference types="node" />
// A simulated fleet: several "processes" (token managers with separate stores, so separate
// in-process coordination) over one shared backend that implements StoreCoordination. Under
// random interleavings, at most one token call is in flight at any instant, and no refresh
// token the server rotated away is ever sent again (that would be a reuse).
import fc from 'fast-check';
import createClient from 'openapi-fetch';
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
import type { StoreCoordination, StoreLease, TokenStore } from './token-store';

type Schedule = (label: string) => Promise<unknown>;

/** What the processes share: the values, the leases and the refusals (like one Redis). */
class SharedBackend {
  readonly values = new Map<string, TokenSet>();
  readonly leases = new Map<string, number>();
  readonly refused = new Set<string>();
  #nextOwner = 1;
  owner(): number {
    return this.#nextOwner++;
  }
}

/** One process's store over the shared backend; every operation waits for the scheduler. */
class ProcessStore implements TokenStore {
  readonly coordination: StoreCoordination;

  constructor(
    readonly backend: SharedBackend,
    readonly schedule: Schedule,
  ) {
    this.coordination = {
      lease: (key, { signal }) => this.#lease(key, signal),
      refuse: async (key, token) => {
        await schedule('refuse');
        backend.refused.add(`${key} ${token}`);
      },
      isRefused: (key, token) => backend.refused.has(`${key} ${token}`),
    };
  }

  async get(key: string): Promise<TokenSet | undefined> {
    await this.schedule('store.get');
    return this.backend.values.get(key);
  }

  async set(key: string, tokens: TokenSet): Promise<void> {
    await this.schedule('store.set');
    this.backend.values.set(key, tokens);
  }

  async delete(key: string): Promise<void> {
    await this.schedule('store.delete');
    this.backend.values.delete(key);
  }

  async #lease(key: string, signal: AbortSignal): Promise<StoreLease> {
    const { backend } = this;
    const owner = backend.owner();
    // Waits (by a bounded poll, here one scheduler step at a time) while another holds it.
    for (;;) {
      signal.throwIfAborted();
      await this.schedule('lease');
      if (!backend.leases.has(key)) break;
    }
    backend.leases.set(key, owner);
    const held = () => backend.leases.get(key) === owner;
    return {
      read: async () => {
        await this.schedule('lease.read');
        return backend.values.get(key);
      },
      write: async (tokens) => {
        await this.schedule('lease.write');
        if (!held()) return false;
        backend.values.set(key, tokens);
        return true;
      },
      release: async () => {
        if (held()) backend.leases.delete(key);
      },
    };
  }
}

type Action =
  | { kind: 'request'; process: number }
  | { kind: 'advance'; seconds: number }
  | { kind: 'revokeAccess' }
  | { kind: 'revokeRefresh' }
  | { kind: 'tokenFailure'; failure: 'server' | 'network' };

const PROCESSES = 3;
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('request' as const),
      process: fc.integer({ min: 0, max: PROCESSES - 1 }),
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
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('tokenFailure' as const),
      failure: fc.constantFrom('server' as const, 'network' as const),
    }),
  },
);

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('a simulated fleet of processes on one coordinating store', () => {
  it('never has two token calls in flight, and never sends a rotated refresh token again', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(actionArb, { minLength: 1, maxLength: 16 }),
        async (s, actions) => {
          const clock = new FakeClock();
          const schedule: Schedule = (label) => s.schedule(Promise.resolve(label), label);
          const server = new FakeOAuthServer({
            clock,
            expiresIn: 300,
            delay: () => schedule('server'),
          });
          // Token calls in flight, as the processes see them (from send to answer).
          let inFlight = 0;
          let maxInFlight = 0;
          const tokenFetch = async (request: Request) => {
            maxInFlight = Math.max(maxInFlight, ++inFlight);
            try {
              return await server.fetch(request);
            } finally {
              inFlight -= 1;
            }
          };
          const backend = new SharedBackend();
          const auths = Array.from({ length: PROCESSES }, () =>
            createTokenAuth({
              strategy: oauthStrategy({ fetch: tokenFetch }),
              store: new ProcessStore(backend, schedule),
              clock: clock.read,
              retry: { sleep: () => schedule('sleep').then(() => {}) },
            }),
          );
          // The store keys (a real, unscheduled hash) are derived before the interleaving.
          for (const auth of auths) await auth.manager.key();
          const clients = auths.map((auth) =>
            createClient<TestPaths>({ baseUrl: API_BASE, fetch: auth.wrapFetch(server.fetch) }),
          );

          const calls: Promise<unknown>[] = [];
          actions.forEach((action, index) => {
            const started = schedule(`${action.kind} #${index}`);
            if (action.kind === 'request') {
              const client = clients[action.process];
              calls.push(
                started
                  .then(() => client?.GET('/things'))
                  .then(
                    (result) => result,
                    (error: unknown) => {
                      expect(error).toBeInstanceOf(AuthError);
                    },
                  ),
              );
              return;
            }
            void started.then(() => {
              if (action.kind === 'advance') clock.advance(action.seconds * 1000);
              else if (action.kind === 'revokeAccess') server.revokeAllAccessTokens();
              else if (action.kind === 'revokeRefresh') server.revokeAllRefreshTokens();
              else {
                server.tokenOverrides.push(() => {
                  if (action.failure === 'network') throw new TypeError('fetch failed');
                  return jsonResponse({ error: 'server_error' }, 503);
                });
              }
            });
          });

          await s.waitFor(Promise.all(calls));
          await s.waitIdle();

          // One token call at a time across the whole fleet.
          expect(maxInFlight).toBeLessThanOrEqual(1);
          // Rotation: a refresh token the server rotated away is never presented again. (One
          // whose request failed before the server handled it may be retried: it is still live.)
          expect(server.reuses).toBe(0);
          expect(backend.leases.size).toBe(0);
          expect(unhandled).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);
});
