import { ApiResponseError, AuthError, CredentialsRejectedError } from '@tokenwire/auth-middleware';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adapters, type Mode, openTarget, type Target } from './vendors';

const modes: Mode[] = ['in-process', 'http'];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});

async function concurrently<T>(count: number, call: () => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, call));
}

describe.each(adapters.flatMap((adapter) => modes.map((mode) => ({ adapter, mode }))))(
  '$adapter.vendor client ($mode)',
  ({ adapter, mode }) => {
    let target: Target;
    beforeAll(async () => {
      target = await openTarget(adapter.vendor, mode);
    });
    afterAll(async () => {
      await target.close();
    });
    afterEach(() => {
      target.control.reset();
    });

    it('cold start, 200 concurrent calls: all succeed with exactly 1 token request', async () => {
      const client = adapter.client(target);
      const responses = await concurrently(200, () => client.getResource());
      expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
      expect(target.control.counters().tokenRequests).toBe(1);
    });

    it('all access tokens revoked, then 200 concurrent calls: all succeed with 1 token-endpoint call', async () => {
      const client = adapter.client(target);
      expect((await client.getResource()).status).toBe(200);
      const before = target.control.counters().tokenRequests;
      target.control.revokeAccessTokens();
      const responses = await concurrently(200, () => client.getResource());
      expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
      expect(target.control.counters().tokenRequests - before).toBe(1);
    });

    it('a 64 KiB JSON POST right after revocation is replayed with the identical body', async () => {
      // No vendor resource takes a body, so the test's fetch sends the POST's credentials to
      // a real resource (the sandbox decides 401 or 200) and records every body it saw.
      const seen: Array<{ body: string; authorization: string | null }> = [];
      const resource = `${target.url}${adapter.client(target).resourcePath}`;
      const client = adapter.client(target, {
        fetch: async (request) => {
          if (request.method !== 'POST' || !request.url.endsWith('/upload'))
            return target.fetch(request);
          seen.push({
            body: await request.text(),
            authorization: request.headers.get('authorization'),
          });
          const probe = new Request(resource, { headers: request.headers });
          return target.fetch(probe);
        },
      });
      expect((await client.getResource()).status).toBe(200);
      target.control.revokeAccessTokens();
      const payload = { blob: 'x'.repeat(64 * 1024), n: 42, nested: { unicode: 'ü€' } };
      const response = await client.postJson('/upload', payload);
      expect(response.status).toBe(200);
      expect(seen).toHaveLength(2);
      expect(seen[0]?.body).toBe(JSON.stringify(payload));
      expect(seen[1]?.body).toBe(seen[0]?.body);
      expect(seen[1]?.authorization).not.toBe(seen[0]?.authorization);
    });

    it('resources that always answer 401: the 401 comes back, with at most 2 token calls', async () => {
      const client = adapter.client(target);
      target.control.setResourcesUnauthorized(true);
      const response = await client.getResource();
      expect(response.status).toBe(401);
      const tokenRequests = target.control.counters().tokenRequests;
      console.log(
        `[${adapter.vendor} ${mode}] resources always 401: ${tokenRequests} token requests`,
      );
      expect(tokenRequests).toBeLessThanOrEqual(2);
      const again = await client.getResource();
      expect(again.status).toBe(401);
    });

    it('a 401 that persists after the one replay comes back with error set', async () => {
      const client = adapter.client(target);
      expect((await client.getResult()).error).toBeUndefined();
      target.control.setResourcesUnauthorized(true);
      try {
        const { data, error, response } = await client.getResult();
        expect(response.status).toBe(401);
        expect(data).toBeUndefined();
        // The vendor's body when it sent one, else an ApiResponseError: never empty.
        expect(error).toBeTruthy();
        if (error instanceof ApiResponseError) expect(error).toMatchObject({ status: 401 });
      } finally {
        target.control.setResourcesUnauthorized(false);
      }
    });

    it('refresh tokens revoked: the next call succeeds through the primary grant', async () => {
      const client = adapter.client(target);
      expect((await client.getResource()).status).toBe(200);
      target.control.revokeRefreshTokens();
      target.control.revokeAccessTokens();
      const grantsBefore = target.control.counters().primaryGrants;
      expect((await client.getResource()).status).toBe(200);
      expect(target.control.counters().primaryGrants - grantsBefore).toBe(1);
    });

    it('wrong credentials: a typed error, and no secret in it or in the logs', async () => {
      const lines: string[] = [];
      const log = (...args: unknown[]) => lines.push(JSON.stringify(args));
      const credentials = adapter.wrong(target);
      const client = adapter.client(
        target,
        { logger: { debug: log, info: log, warn: log, error: log } },
        credentials,
      );
      const error = await client.getResource().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CredentialsRejectedError);
      expect((error as AuthError).code).toBe('CREDENTIALS_REJECTED');
      const text = [
        String(error),
        (error as Error).stack ?? '',
        JSON.stringify(error),
        String((error as Error).cause ?? ''),
        ...lines,
      ].join('\n');
      expect(lines.length).toBeGreaterThan(0);
      for (const secret of adapter.secrets(credentials)) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(encodeURIComponent(secret));
      }
    });

    const tokenFaults = [
      { kind: 'server-error' as const, status: 500 },
      { kind: 'unavailable' as const, status: 503, retryAfterSeconds: 7 },
      { kind: 'malformed-json' as const, status: 200 },
      { kind: 'html-error' as const, status: 502 },
    ];
    const inject = (fault: (typeof tokenFaults)[number]) =>
      target.control.injectFault(
        fault.kind === 'unavailable'
          ? { kind: 'unavailable', retryAfterSeconds: fault.retryAfterSeconds, count: 1 }
          : fault.kind === 'html-error'
            ? { kind: 'html-error', status: fault.status, count: 1 }
            : { kind: fault.kind, count: 1 },
      );

    it.each(tokenFaults)(
      'token-endpoint fault $kind without retries: a typed error, then the next call recovers',
      async (fault) => {
        const client = adapter.client(target, { retry: false });
        inject(fault);
        const error = await client.getResource().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(AuthError);
        if (fault.kind === 'malformed-json') {
          expect((error as AuthError).code).toBe('INVALID_TOKEN_RESPONSE');
        } else {
          expect(error).toMatchObject({ code: 'TOKEN_ENDPOINT_ERROR', status: fault.status });
        }
        if (fault.kind === 'unavailable') expect(error).toMatchObject({ retryAfterSeconds: 7 });
        target.control.clearFaults();
        expect((await client.getResource()).status).toBe(200);
      },
    );

    it.each(tokenFaults.filter((fault) => fault.kind !== 'malformed-json'))(
      'token-endpoint fault $kind once: retried after its wait, and the call succeeds',
      async (fault) => {
        const waits: number[] = [];
        const client = adapter.client(target, {
          retry: { sleep: async (ms) => void waits.push(ms) },
        });
        inject(fault);
        const before = target.control.counters().tokenRequests;
        expect((await client.getResource()).status).toBe(200);
        expect(target.control.counters().tokenRequests - before).toBe(2);
        expect(waits).toHaveLength(1);
        // The server's Retry-After when it gave one, else a jittered backoff near 500 ms.
        if (fault.kind === 'unavailable') expect(waits[0]).toBe(7_000);
        else expect(waits[0]).toBeGreaterThanOrEqual(375);
      },
    );

    if (adapter.apiKeyClient) {
      const apiKeyClient = adapter.apiKeyClient;
      it('API-key mode: calls succeed with zero token requests', async () => {
        const client = apiKeyClient(target);
        const responses = await concurrently(50, () => client.getResource());
        expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
        expect(target.control.counters().tokenRequests).toBe(0);
        await expect(client.auth.getAccessToken()).rejects.toMatchObject({
          code: 'INVALID_OPTIONS',
        });
      });

      it('API-key mode: a rejected key comes back as a 401 with error set', async () => {
        const rejected = {
          ...target,
          credentials: { ...target.credentials, apiKey: 'revoked-key' },
        };
        const { data, error, response } = await apiKeyClient(rejected).getResult();
        expect(response.status).toBe(401);
        expect(data).toBeUndefined();
        expect(error).toBeTruthy();
        if (error instanceof ApiResponseError) {
          expect(error).toMatchObject({ code: 'HTTP_401', status: 401 });
          expect(error.message).not.toContain('revoked-key');
        }
        expect(JSON.stringify(error)).not.toContain('revoked-key');
      });
    }
  },
);
