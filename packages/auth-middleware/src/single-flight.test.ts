import { describe, expect, it } from 'vitest';
import { AuthError, TokenEndpointError } from './errors';
import { abortable, SingleFlight } from './single-flight';
import {
  deferred,
  FakeClock,
  FakeOAuthServer,
  flushMicrotasks,
  jsonResponse,
  oauthStrategy,
  until,
} from './test-support/fake-oauth-server';
import { TokenManager } from './token-manager';
import { MemoryTokenStore } from './token-store';

describe('SingleFlight', () => {
  it('runs one task per key while it is in flight and shares its result', async () => {
    const flights = new SingleFlight<number>();
    const gate = deferred<number>();
    let runs = 0;
    const task = () => {
      runs += 1;
      return gate.promise;
    };
    const waiters = [flights.run('k', task), flights.run('k', task), flights.run('k', task)];
    expect(flights.has('k')).toBe(true);
    gate.resolve(7);
    expect(await Promise.all(waiters)).toEqual([7, 7, 7]);
    expect(runs).toBe(1);
    expect(flights.has('k')).toBe(false);
  });

  it('gives every waiter the same error and caches nothing: the next run retries', async () => {
    const flights = new SingleFlight<string>();
    const failure = new Error('boom');
    let runs = 0;
    const failing = async () => {
      runs += 1;
      throw failure;
    };
    const results = await Promise.allSettled([
      flights.run('k', failing),
      flights.run('k', failing),
    ]);
    expect(results).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    expect(await flights.run('k', async () => 'ok')).toBe('ok');
    expect(runs).toBe(1);
  });

  it('keeps keys independent', async () => {
    const flights = new SingleFlight<string>();
    const a = deferred<string>();
    const first = flights.run('a', () => a.promise);
    expect(await flights.run('b', async () => 'b')).toBe('b');
    a.resolve('a');
    expect(await first).toBe('a');
  });

  it('abortable rejects the waiter with the signal reason and leaves the promise running', async () => {
    const gate = deferred<string>();
    const controller = new AbortController();
    const waiting = abortable(gate.promise, controller.signal);
    controller.abort(new Error('caller gave up'));
    await expect(waiting).rejects.toThrow('caller gave up');
    gate.resolve('still done');
    expect(await gate.promise).toBe('still done');
    await expect(abortable(Promise.resolve(1), undefined)).resolves.toBe(1);
  });
});

describe('single-flight token requests', () => {
  function setup() {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock, expiresIn: 600 });
    const gate = deferred();
    server.tokenGate = gate.promise;
    const manager = new TokenManager(oauthStrategy({ fetch: server.fetch }), {
      clock: clock.read,
      // One call per flight: the retries inside a flight have their own tests.
      retry: false,
    });
    return { clock, server, manager, gate };
  }

  it('makes exactly one token call for 50 concurrent cold calls, and all get its token', async () => {
    const { server, manager, gate } = setup();
    const calls = Array.from({ length: 50 }, () => manager.getTokens());
    await until(() => server.tokenCalls.length === 1, 'the token call');
    await flushMicrotasks(50);
    gate.resolve();
    const results = await Promise.all(calls);
    expect(server.tokenCalls).toHaveLength(1);
    expect(server.maxInFlight).toBe(1);
    expect(new Set(results.map((tokens) => tokens.accessToken))).toEqual(new Set(['access-1']));
  });

  it('makes exactly one refresh call for 50 concurrent calls at expiry', async () => {
    const { clock, server, manager, gate } = setup();
    server.tokenGate = undefined;
    await manager.getTokens();
    clock.advance(600_000);
    server.tokenGate = gate.promise;
    const calls = Array.from({ length: 50 }, () => manager.getTokens());
    await until(() => server.tokenCalls.length === 1, 'the token call');
    await flushMicrotasks(50);
    gate.resolve();
    const results = await Promise.all(calls);
    expect(server.refreshCalls).toBe(1);
    expect(new Set(results.map((tokens) => tokens.accessToken))).toEqual(new Set(['access-2']));
  });

  it('gives every waiter the typed error of a failed call, then retries on the next call', async () => {
    const { server, manager, gate } = setup();
    server.tokenOverrides.push(() => jsonResponse({ error: 'temporarily_unavailable' }, 503));
    const calls = Array.from({ length: 10 }, () => manager.getTokens());
    await until(() => server.tokenCalls.length === 1, 'the token call');
    await flushMicrotasks(50);
    gate.resolve();
    const results = await Promise.allSettled(calls);
    const reasons = results.map((result) =>
      result.status === 'rejected' ? result.reason : undefined,
    );
    expect(reasons.every((reason) => reason instanceof TokenEndpointError)).toBe(true);
    expect(new Set(reasons).size).toBe(1);
    expect(server.tokenCalls).toHaveLength(1);
    const tokens = await manager.getTokens();
    expect(server.tokenCalls).toHaveLength(2);
    expect(server.isValid(tokens.accessToken)).toBe(true);
  });

  it('shares one flight between two managers on the same store and key', async () => {
    const { clock, server, gate } = setup();
    const store = new MemoryTokenStore();
    const strategy = oauthStrategy({ fetch: server.fetch });
    const a = new TokenManager(strategy, { clock: clock.read, store });
    const b = new TokenManager(oauthStrategy({ fetch: server.fetch }), {
      clock: clock.read,
      store,
    });
    expect(await a.key()).toBe(await b.key());
    const calls = [a.getTokens(), b.getTokens(), a.getTokens(), b.getTokens()];
    await until(() => server.tokenCalls.length === 1, 'the token call');
    await flushMicrotasks(50);
    gate.resolve();
    const results = await Promise.all(calls);
    expect(server.tokenCalls).toHaveLength(1);
    expect(new Set(results.map((tokens) => tokens.accessToken)).size).toBe(1);
  });

  it('does not share between managers on different stores', async () => {
    const { clock, server } = setup();
    server.tokenGate = undefined;
    const strategy = oauthStrategy({ fetch: server.fetch });
    const a = new TokenManager(strategy, { clock: clock.read, store: new MemoryTokenStore() });
    const b = new TokenManager(strategy, { clock: clock.read, store: new MemoryTokenStore() });
    await Promise.all([a.getTokens(), b.getTokens()]);
    expect(server.tokenCalls).toHaveLength(2);
  });

  it('never fails a waiter with something other than an AuthError', async () => {
    const { server, manager, gate } = setup();
    server.tokenOverrides.push(() => new Response('<html>oops</html>', { status: 200 }));
    const calls = [manager.getTokens(), manager.getTokens()];
    gate.resolve();
    for (const result of await Promise.allSettled(calls)) {
      expect(result.status === 'rejected' && result.reason instanceof AuthError).toBe(true);
    }
  });
});
