// The main command's demo: starts the sandboxes (and, unless --once, the Prism mocks and the
// docs server), then walks through each vendor: authenticate, call a typed endpoint, revoke
// the tokens and watch the transparent refresh, an API-key call, the typed error for wrong
// credentials, and a transient 503 retried after its Retry-After. `--once` runs the demo and
// exits (0 when every step behaved). `--port-offset N` (or TOKENWIRE_PORT_OFFSET=N) moves
// every port. Whatever ends this process (Ctrl-C, SIGTERM, SIGHUP, a crash) also ends the
// Prism processes it started (scripts/children.mjs).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AuthError, createCloudCxClient } from '@tokenwire/cloudcx';
import { createCloudLxClient } from '@tokenwire/cloudlx';
import {
  defaultCredentials,
  type RunningSandbox,
  type SandboxControl,
  startSandbox,
} from '@tokenwire/sandbox';
import { createSensuClient } from '@tokenwire/sensu';
import { exitOnSignals } from '../scripts/children.mjs';
import { checkPorts, portOffsetFrom, portsAt } from '../scripts/ports.mjs';

const once = process.argv.includes('--once');
const line = (text = '') => console.log(text);
let failures = 0;

function check(ok: boolean, what: string): void {
  line(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

function tokenCalls(control: SandboxControl): number {
  const { primaryGrants, refreshes } = control.counters();
  return primaryGrants + refreshes;
}

interface Section {
  title: string;
  auth: string;
  /** A typed call that resolves with its HTTP status and a one-line summary. */
  call(): Promise<{ status: number; summary: string }>;
  apiKeyCall?: () => Promise<number>;
  wrongCredentials(): Promise<unknown>;
}

async function narrate(section: Section, sandbox: RunningSandbox): Promise<void> {
  const control = sandbox.control;
  line();
  line(`== ${section.title} (${sandbox.url}) ==`);
  line(`   ${section.auth}`);
  const first = await section.call();
  line(`1. First typed call: HTTP ${first.status}, ${first.summary}`);
  check(
    first.status === 200 && tokenCalls(control) === 1,
    `authenticated lazily with 1 token call (now ${tokenCalls(control)})`,
  );

  const before = tokenCalls(control);
  const revoked = control.revokeAccessTokens();
  line(`2. The server revoked ${revoked} access token(s). 25 concurrent calls follow:`);
  const burst = await Promise.all(Array.from({ length: 25 }, () => section.call()));
  const okCount = burst.filter((r) => r.status === 200).length;
  check(okCount === 25, `${okCount}/25 calls succeeded through the 401, refresh and one replay`);
  check(
    tokenCalls(control) - before === 1,
    `token-endpoint calls for the whole burst: ${tokenCalls(control) - before}`,
  );

  if (section.apiKeyCall) {
    const grants = control.counters().tokenRequests;
    const status = await section.apiKeyCall();
    line('3. The same call with an API key instead:');
    check(
      status === 200 && control.counters().tokenRequests === grants,
      `API-key call: HTTP ${status}, 0 token requests`,
    );
  } else {
    line('3. (CloudLX has no API keys: client credentials only.)');
  }

  const error = await section.wrongCredentials().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof AuthError) {
    line(`4. Wrong credentials: ${error.name} [${error.code}]`);
    line(`   ${error.message}`);
  }
  check(
    error instanceof AuthError && error.code === 'CREDENTIALS_REJECTED',
    'wrong credentials give a typed error',
  );

  control.injectFault({ kind: 'unavailable', retryAfterSeconds: 1, count: 1, routes: 'api' });
  const served = control.counters().faultsServed;
  const started = performance.now();
  const retried = await section.call();
  const waited = (performance.now() - started) / 1000;
  line(
    `5. The API answered 503 with Retry-After: 1 to the next call; the client waited and retried:`,
  );
  check(
    retried.status === 200 && control.counters().faultsServed - served === 1 && waited >= 1,
    `transient 503 retried after ${waited.toFixed(1)} s: HTTP ${retried.status}, 2 attempts`,
  );
}

const sandboxes: RunningSandbox[] = [];
const closers: Array<() => Promise<void>> = [];
async function closeAll(): Promise<void> {
  await Promise.allSettled([...sandboxes.map((s) => s.close()), ...closers.map((c) => c())]);
}
async function shutdown(code: number): Promise<never> {
  await closeAll();
  process.exit(code);
}
exitOnSignals(async () => {
  await closeAll();
  return failures === 0 ? 0 : 1;
});

try {
  const offset = portOffsetFrom(process.argv.slice(2));
  const ports = portsAt(offset);
  const busy = await checkPorts({
    offset,
    once,
    command: once ? 'bash scripts/main.sh --once' : 'bash scripts/main.sh',
  });
  if (busy) throw new Error(busy);
  const [lx, cx, se] = await Promise.all([
    startSandbox({ vendor: 'cloudlx', port: ports.sandbox.cloudlx }),
    startSandbox({ vendor: 'cloudcx', port: ports.sandbox.cloudcx }),
    startSandbox({ vendor: 'sensu', port: ports.sandbox.sensu }),
  ]);
  sandboxes.push(lx, cx, se);
  line('tokenwire demo: three stateful sandboxes on loopback, real token lifecycles.');

  const lxCred = defaultCredentials.cloudlx;
  const cloudlx = createCloudLxClient({
    baseUrl: lx.url,
    clientId: lxCred.clientId,
    clientSecret: lxCred.clientSecret,
  });
  await narrate(
    {
      title: 'CloudLX',
      auth: 'OAuth2 client credentials; refresh at /api/oauth2/refresh-token; Accept: application/vnd.cloudlx.v1+json',
      call: async () => {
        const { data, response } = await cloudlx.GET('/api/services');
        return { status: response.status, summary: `${data?.services.length ?? 0} services` };
      },
      wrongCredentials: () =>
        createCloudLxClient({
          baseUrl: lx.url,
          clientId: lxCred.clientId,
          clientSecret: 'wrongWrongWrongWrongWrongWrongWrong00000',
        }).GET('/api/services'),
    },
    lx,
  );

  const cxCred = defaultCredentials.cloudcx;
  const password = {
    clientId: cxCred.clientId,
    clientSecret: cxCred.clientSecret,
    username: cxCred.username,
    password: cxCred.password,
  };
  const cloudcx = createCloudCxClient({ baseUrl: cx.url, auth: password });
  const cloudcxKey = createCloudCxClient({ baseUrl: cx.url, auth: { apiKey: cxCred.apiKey } });
  const usersPage = { params: { query: { pageIndex: 1, pageSize: 10 } } };
  await narrate(
    {
      title: 'CloudCX',
      auth: 'OAuth2 password grant (form) or API key as Bearer; {code, message, data} envelope',
      call: async () => {
        const { data, response } = await cloudcx.GET('/openapi/v2/user/page', usersPage);
        return {
          status: response.status,
          summary: `${data?.data?.totalElements ?? 0} users (code ${data?.code})`,
        };
      },
      apiKeyCall: async () =>
        (await cloudcxKey.GET('/openapi/v2/user/page', usersPage)).response.status,
      wrongCredentials: () =>
        createCloudCxClient({
          baseUrl: cx.url,
          auth: { ...password, password: 'not-the-password' },
        }).GET('/openapi/v2/user/page', usersPage),
    },
    cx,
  );

  const seCred = defaultCredentials.sensu;
  const sensu = createSensuClient({
    baseUrl: se.url,
    auth: { username: seCred.username, password: seCred.password },
  });
  const sensuKey = createSensuClient({ baseUrl: se.url, auth: { apiKey: seCred.apiKey } });
  await narrate(
    {
      title: 'Sensu Go',
      auth: 'HTTP Basic -> 5-minute JWT; refresh with the expired token + rotating refresh token; or Key <api-key>',
      call: async () => {
        const { data, response } = await sensu.GET('/api/core/v2/namespaces');
        return {
          status: response.status,
          summary: `namespaces: ${(data ?? []).map((n) => n.name).join(', ')}`,
        };
      },
      apiKeyCall: async () => (await sensuKey.GET('/api/core/v2/namespaces')).response.status,
      wrongCredentials: () =>
        createSensuClient({
          baseUrl: se.url,
          auth: { username: seCred.username, password: 'not-the-password' },
        }).GET('/api/core/v2/namespaces'),
    },
    se,
  );
  check(se.control.counters().reuseDetections === 0, 'Sensu saw no refresh-token reuse');

  line();
  line(
    failures === 0
      ? 'Demo finished: every step behaved.'
      : `Demo finished with ${failures} failed step(s).`,
  );
  if (once) await shutdown(failures === 0 ? 0 : 1);

  const { startMocks } = await import('../scripts/mock.mjs');
  // Registered before it resolves, so a signal during the start still stops every mock.
  const starting = startMocks({ ports: ports.mock });
  closers.push(async () => (await starting).close());
  const mocks = await starting;
  const { serveDocs, siteDir } = await import('../scripts/docs.mjs');
  // scripts/main.sh builds the site first; run on its own, the demo serves everything else.
  const docs = existsSync(join(siteDir, 'index.html'))
    ? await serveDocs({ port: ports.docs })
    : undefined;
  if (docs) closers.push(() => docs.close());
  line();
  line('Serving until Ctrl-C:');
  line(`  Sandboxes (stateful)  CloudLX ${lx.url}  CloudCX ${cx.url}  Sensu ${se.url}`);
  line(
    `  Sandbox control       GET <sandbox>/__sandbox (state), POST <sandbox>/__sandbox/revoke-access-tokens, ...`,
  );
  line(
    `  Prism mocks           CloudLX ${mocks.urls.cloudlx}  CloudCX ${mocks.urls.cloudcx}  Sensu ${mocks.urls.sensu}`,
  );
  line(`  API docs              ${docs?.url ?? 'not built: `pnpm run docs`, then start again'}`);
  line('  Default sandbox credentials: see `pnpm sandbox` or packages/sandbox/README.md');
} catch (error) {
  console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}
