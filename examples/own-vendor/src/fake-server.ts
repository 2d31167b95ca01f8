import { randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake Forge and Acme server behaves. */
export interface FakeServerOptions {
  /** The App's public key (SPKI PEM): assertions must verify with it. */
  publicKey: string;
  /** The App id assertions must name as `iss`. */
  appId: string;
  /** The installation id the token route accepts. */
  installationId: string;
  /** The server's clock in epoch ms (also sent as the `Date` header). Default `Date.now`. */
  clock?: () => number;
  /** How long an installation token lives. Default one hour. */
  tokenLifetimeMs?: number;
  /** Echo the received assertion in the body of a refused token request. */
  echoAssertion?: boolean;
}

/** A running fake server and its controls. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** How many token requests arrived (Forge and Acme). */
  readonly tokenRequests: number;
  /** How many API requests were refused with 401. */
  readonly refusedApiCalls: number;
  /** The last assertion a token request carried. */
  readonly lastAssertion: string | undefined;
  /** Revokes every token issued so far. */
  revoke(): void;
  /** Stops the server. */
  close(): Promise<void>;
}

const decode = (part: string | undefined): unknown => {
  try {
    return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
};

/** Starts the fake server on 127.0.0.1 and an ephemeral port. */
export async function startFakeServer(options: FakeServerOptions): Promise<FakeServer> {
  const clock = options.clock ?? Date.now;
  const lifetimeMs = options.tokenLifetimeMs ?? 3_600_000;
  const live = new Map<string, number>();
  let tokenRequests = 0;
  let refusedApiCalls = 0;
  let lastAssertion: string | undefined;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, {
      'Content-Type': 'application/json',
      Date: new Date(clock()).toUTCString(),
    });
    res.end(JSON.stringify(body));
  };

  const assertionProblem = (jwt: string): string | undefined => {
    const [header, claims, signature] = jwt.split('.');
    if (!header || !claims || !signature) return 'A JSON web token could not be decoded';
    const valid = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${claims}`),
      options.publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return 'A JSON web token could not be decoded';
    const { iss, exp, iat } = (decode(claims) ?? {}) as Record<string, unknown>;
    const now = clock() / 1000;
    if (iss !== options.appId) return 'Integration not found';
    if (typeof exp !== 'number' || typeof iat !== 'number' || exp < now || iat > now + 60) {
      return "'Expiration time' claim ('exp') is too far in the future or in the past";
    }
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const authorization = req.headers.authorization ?? '';
    let body = '';
    for await (const chunk of req) body += chunk;

    if (req.method === 'POST' && url.pathname.endsWith('/access_tokens')) {
      tokenRequests++;
      const jwt = authorization.replace(/^Bearer /, '');
      lastAssertion = jwt;
      if (url.pathname !== `/app/installations/${options.installationId}/access_tokens`) {
        return send(res, 404, { message: 'Not Found' });
      }
      const problem = assertionProblem(jwt);
      if (problem) {
        return send(res, 401, { message: problem, ...(options.echoAssertion ? { jwt } : {}) });
      }
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      const expiresAt = clock() + lifetimeMs;
      live.set(token, expiresAt);
      return send(res, 201, { token, expires_at: new Date(expiresAt).toISOString() });
    }

    if (req.method === 'GET' && url.pathname === '/installation/repositories') {
      const token = /^token (.+)$/.exec(authorization)?.[1] ?? '';
      const expiresAt = live.get(token);
      if (expiresAt === undefined || expiresAt <= clock()) {
        refusedApiCalls++;
        return send(res, 401, { message: 'Bad credentials' });
      }
      return send(res, 200, { total_count: 1, repositories: [{ full_name: 'acme/anvil' }] });
    }

    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      tokenRequests++;
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials' || !form.get('audience')) {
        return send(res, 400, { error: 'invalid_request' });
      }
      if (form.get('client_id') !== 'acme-id' || form.get('client_secret') !== 'acme-secret') {
        return send(res, 401, { error: 'invalid_client' });
      }
      const token = `acme_${randomBytes(18).toString('hex')}`;
      live.set(token, clock() + lifetimeMs);
      return send(res, 200, {
        access_token: token,
        token_type: 'Bearer',
        expires_in: lifetimeMs / 1000,
      });
    }

    if (req.method === 'GET' && url.pathname === '/v1/widgets') {
      const token = /^Bearer (.+)$/.exec(authorization)?.[1] ?? '';
      if (!live.has(token)) {
        refusedApiCalls++;
        return send(res, 401, { error: 'invalid_token' });
      }
      return send(res, 200, { widgets: ['anvil'] });
    }

    send(res, 404, { message: 'Not Found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { message: 'fake server error' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    get tokenRequests() {
      return tokenRequests;
    },
    get refusedApiCalls() {
      return refusedApiCalls;
    },
    get lastAssertion() {
      return lastAssertion;
    },
    revoke: () => live.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
