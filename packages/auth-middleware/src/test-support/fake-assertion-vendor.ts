/**
 * Test fixture: a vendor in the style of a GitHub App. A grant step signs an assertion for
 * each token request and sends it as `Authorization: Bearer <assertion>`; the token endpoint
 * answers `201 { token, expires_at: <ISO 8601> }` (or, when told to refuse, a 401 whose body
 * echoes the assertion); the API wants `Authorization: token <token>`.
 */
import type { RequestFetch } from '../exchange';
import type { GrantStrategy } from '../grant';
import { rawResponse } from '../raw-response';
import { readJsonObject, requireString } from '../token-response';
import { expiresAtFromIsoTimestamp } from '../token-set';
import type { FakeClock } from './fake-oauth-server';

export const VENDOR_API = 'https://vendor.example.test';
export const VENDOR_TOKEN_URL = `${VENDOR_API}/app/installations/1/access_tokens`;
export const APP_KEY = 'app-private-key-material';

export class FakeAssertionVendor {
  /** Every assertion the strategy sent, in order. */
  readonly assertions: string[] = [];
  /** The tokens issued, in order. */
  readonly issued: string[] = [];
  /** The Authorization headers the API saw. */
  readonly apiAuthorizations: string[] = [];
  /** Answer token requests with a 401 that echoes the assertion. */
  refuseAssertions = false;
  /** Token lifetime in ms; `undefined` sends no `expires_at`. */
  lifetimeMs: number | undefined = 3_600_000;

  constructor(readonly clock: FakeClock) {}

  readonly fetch: RequestFetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const authorization = request.headers.get('authorization') ?? '';
    if (request.method === 'POST' && request.url === VENDOR_TOKEN_URL) {
      const assertion = authorization.replace(/^Bearer /, '');
      if (this.refuseAssertions) {
        return Response.json(
          {
            message: `A JSON web token could not be decoded: ${assertion}`,
            received: authorization,
          },
          { status: 401 },
        );
      }
      const token = `ghs_token${this.issued.length + 1}abcdef`;
      this.issued.push(token);
      const body: Record<string, string> = { token };
      if (this.lifetimeMs !== undefined) {
        body.expires_at = new Date(this.clock.now + this.lifetimeMs).toISOString();
      }
      return Response.json(body, { status: 201 });
    }
    if (url.pathname === '/repos') {
      this.apiAuthorizations.push(authorization);
      const ok = this.issued.some((token) => authorization === `token ${token}`);
      return ok
        ? Response.json({ repos: [] })
        : Response.json({ message: 'Bad credentials' }, { status: 401 });
    }
    return new Response('not found', { status: 404 });
  };

  /** The strategy; `authorize: false` leaves the default (Bearer) scheme. */
  strategy(
    options: { authorize?: boolean; sign?: (count: number) => Promise<string> } = {},
  ): GrantStrategy {
    let count = 0;
    const sign =
      options.sign ?? (async (n: number) => `eyJhbGciOiJSUzI1NiJ9.assertion-${n}.signature${n}`);
    return {
      name: 'vendor',
      identity: [VENDOR_API, 'app-1'],
      secrets: [APP_KEY],
      tokenUrls: [VENDOR_TOKEN_URL],
      acquire: {
        request: async (_input, context) => {
          const assertion = await sign(++count);
          context.secret(assertion);
          this.assertions.push(assertion);
          return rawResponse(this.fetch, context.signal, (init) =>
            init.fetch(
              new Request(VENDOR_TOKEN_URL, {
                method: 'POST',
                headers: { Authorization: `Bearer ${assertion}` },
              }),
              init.signal ? { signal: init.signal } : undefined,
            ),
          );
        },
        process: async (response, _input, { now }) => {
          const body = await readJsonObject(response);
          const expiresAt =
            body.expires_at === undefined
              ? undefined
              : expiresAtFromIsoTimestamp(body.expires_at, 'expires_at', { response, now });
          return {
            accessToken: requireString(body, 'token'),
            ...(expiresAt === undefined ? {} : { expiresAt }),
            obtainedAt: now,
          };
        },
      },
      ...(options.authorize === false
        ? {}
        : {
            authorize: (headers: Headers, tokens: { accessToken: string }) =>
              headers.set('Authorization', `token ${tokens.accessToken}`),
          }),
    };
  }
}
