import { describe, expect, it } from 'vitest';
import { TokenRequestError } from './errors';
import type { GrantStrategy } from './grant';
import {
  deferred,
  FakeClock,
  FakeOAuthServer,
  flushMicrotasks,
  oauthStrategy,
  until,
} from './test-support/fake-oauth-server';
import { TokenManager } from './token-manager';

/** A token endpoint that never answers; `honourSignal` decides whether it notices aborts. */
function silentStrategy(honourSignal: boolean, seen: AbortSignal[]): GrantStrategy {
  return {
    ...oauthStrategy({ fetch: async () => new Response() }),
    acquire: {
      request: (_input, { signal }) => {
        seen.push(signal);
        return new Promise<Response>((_resolve, reject) => {
          if (honourSignal) signal.addEventListener('abort', () => reject(signal.reason));
        });
      },
      process: async () => ({ accessToken: 'never' }),
    },
  };
}

describe('token request timeout', () => {
  it('fails with TOKEN_REQUEST_TIMEOUT when the endpoint does not answer within timeoutMs', async () => {
    const seen: AbortSignal[] = [];
    const manager = new TokenManager(silentStrategy(true, seen), { timeoutMs: 5 });
    const error = await manager.getTokens().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_TIMEOUT' });
    expect((error as Error).message).toMatch(/timed out/);
    expect(seen[0]?.aborted).toBe(true);
  });

  it('times out even when the strategy ignores the signal it was given', async () => {
    const manager = new TokenManager(silentStrategy(false, []), { timeoutMs: 5 });
    await expect(manager.getTokens()).rejects.toMatchObject({ code: 'TOKEN_REQUEST_TIMEOUT' });
  });

  it('passes a default 30 s timeout signal that has not fired for a normal request', async () => {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const manager = new TokenManager(oauthStrategy({ fetch: server.fetch }), {
      clock: clock.read,
    });
    await manager.getTokens();
    expect(server.tokenCalls[0]?.signal.aborted).toBe(false);
  });
});

describe("the caller's AbortSignal", () => {
  function setup() {
    const clock = new FakeClock();
    const server = new FakeOAuthServer({ clock });
    const gate = deferred();
    server.tokenGate = gate.promise;
    const manager = new TokenManager(oauthStrategy({ fetch: server.fetch }), {
      clock: clock.read,
    });
    return { server, manager, gate };
  }

  it("aborts only that caller's wait, not the shared token request others wait on", async () => {
    const { server, manager, gate } = setup();
    const controller = new AbortController();
    const aborted = manager.getTokens(controller.signal);
    const others = [manager.getTokens(), manager.getTokens()];
    await until(() => server.tokenCalls.length === 1, 'the token call');
    controller.abort();
    const error = await aborted.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(server.tokenCalls[0]?.signal.aborted).toBe(false);
    gate.resolve();
    const results = await Promise.all(others);
    expect(results.map((tokens) => tokens.accessToken)).toEqual(['access-1', 'access-1']);
    expect(server.tokenCalls).toHaveLength(1);
  });

  it('keeps the token a lone aborted caller started, for the next caller', async () => {
    const { server, manager, gate } = setup();
    const controller = new AbortController();
    const aborted = manager.getTokens(controller.signal);
    await until(() => server.tokenCalls.length === 1, 'the token call');
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    gate.resolve();
    await flushMicrotasks(50);
    expect((await manager.getTokens()).accessToken).toBe('access-1');
    expect(server.tokenCalls).toHaveLength(1);
  });

  it('sends nothing for a caller whose signal is already aborted', async () => {
    const { server, manager, gate } = setup();
    gate.resolve();
    await expect(manager.getTokens(AbortSignal.abort())).rejects.toMatchObject({
      name: 'AbortError',
    });
    await flushMicrotasks(50);
    expect(server.tokenCalls).toHaveLength(0);
  });
});
