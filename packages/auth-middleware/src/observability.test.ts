import { describe, expect, it } from 'vitest';
import { createTokenAuth } from './auth';
import type { AuthErrorEvent, AuthLogger, TokenEvent } from './observability';
import {
  API_BASE,
  FakeClock,
  FakeOAuthServer,
  jsonResponse,
  oauthStrategy,
  until,
} from './test-support/fake-oauth-server';

function setup(
  hooks: {
    onTokenAcquired?: (event: TokenEvent) => void;
    onTokenRefreshed?: (event: TokenEvent) => void;
    onAuthError?: (event: AuthErrorEvent) => void;
  },
  logger?: AuthLogger,
) {
  const clock = new FakeClock();
  const server = new FakeOAuthServer({ clock, expiresIn: 600 });
  const auth = createTokenAuth({
    strategy: oauthStrategy({ fetch: server.fetch }),
    clock: clock.read,
    hooks,
    ...(logger ? { logger } : {}),
  });
  return { clock, server, auth, fetch: auth.wrapFetch(server.fetch) };
}

describe('hooks and logger', () => {
  it('report acquired, refreshed and auth-error events with secret-free fields', async () => {
    const events: Array<[string, unknown]> = [];
    const lines: Array<[string, string, unknown]> = [];
    const logger: AuthLogger = {
      debug: (message, fields) => lines.push(['debug', message, fields]),
      info: (message, fields) => lines.push(['info', message, fields]),
      warn: (message, fields) => lines.push(['warn', message, fields]),
      error: (message, fields) => lines.push(['error', message, fields]),
    };
    const { clock, server, auth, fetch } = setup(
      {
        onTokenAcquired: (event) => events.push(['acquired', event]),
        onTokenRefreshed: (event) => events.push(['refreshed', event]),
        onAuthError: (event) => events.push(['error', event]),
      },
      logger,
    );
    await fetch(new Request(`${API_BASE}/things`));
    clock.advance(600_000);
    await fetch(new Request(`${API_BASE}/things`));
    server.tokenOverrides.push(() => jsonResponse({ error: 'invalid_client' }, 401));
    await auth.invalidate();
    await fetch(new Request(`${API_BASE}/things`)).catch(() => undefined);
    await until(() => events.length === 3, 'three events');
    const key = await auth.manager.key();
    expect(events).toEqual([
      [
        'acquired',
        {
          strategy: 'fake',
          key,
          grant: 'acquire',
          expiresAt: expect.any(Number),
          refreshTokenIssued: true,
        },
      ],
      [
        'refreshed',
        {
          strategy: 'fake',
          key,
          grant: 'refresh',
          expiresAt: expect.any(Number),
          refreshTokenIssued: true,
        },
      ],
      [
        'error',
        {
          strategy: 'fake',
          key,
          code: 'CREDENTIALS_REJECTED',
          status: 401,
          message: expect.stringMatching(/refused with HTTP 401/),
        },
      ],
    ]);
    expect(lines.map(([level, message]) => [level, message.split(':')[0]])).toContainEqual([
      'debug',
      'tokenwire',
    ]);
    expect(lines.some(([level]) => level === 'warn')).toBe(true);
  });

  it('a hook or logger that throws does not break requests', async () => {
    const boom = () => {
      throw new Error('hook exploded');
    };
    const { clock, server, fetch } = setup(
      { onTokenAcquired: boom, onTokenRefreshed: boom, onAuthError: boom },
      { debug: boom, info: boom, warn: boom, error: boom },
    );
    expect((await fetch(new Request(`${API_BASE}/things`))).status).toBe(200);
    clock.advance(600_000);
    expect((await fetch(new Request(`${API_BASE}/things`))).status).toBe(200);
    server.revokeAllAccessTokens();
    expect((await fetch(new Request(`${API_BASE}/things`))).status).toBe(200);
    expect(server.apiCalls.map((call) => call.accepted)).toEqual([true, true, false, true]);
  });

  it('an async hook that rejects does not become an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    const proc = (
      globalThis as {
        process?: {
          on(e: string, l: (r: unknown) => void): void;
          off(e: string, l: (r: unknown) => void): void;
        };
      }
    ).process;
    proc?.on('unhandledRejection', listener);
    try {
      const reject = async () => {
        throw new Error('async hook failed');
      };
      const { fetch } = setup({ onTokenAcquired: reject });
      expect((await fetch(new Request(`${API_BASE}/things`))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      proc?.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });
});
