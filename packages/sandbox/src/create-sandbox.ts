import { Hono } from 'hono';
import { controlPrefix, controlRoutes, mountControlRoutes } from './control-routes';
import { type SandboxControl, SandboxCore, type SandboxEnv } from './core';
import {
  addCorsHeaders,
  type CorsOrigins,
  type HeaderReader,
  isPreflight,
  preflightResponse,
} from './cors';
import { landingPage, landingRoute } from './landing-page';
import {
  type CredentialsByVendor,
  defaultCredentials,
  resolveCommon,
  resolveCredentials,
  type SandboxOptions,
  type Vendor,
} from './options';
import { ServerState } from './server-state';
import { mountVendorRoutes, servesPath, type VendorDefinition } from './vendor-routes';
import { cloudcxVendor } from './vendors/cloudcx';
import { cloudlxVendor } from './vendors/cloudlx';
import { sensuVendor } from './vendors/sensu';

type CredentialsOf<O extends SandboxOptions> = CredentialsByVendor[O['vendor']];

/** A sandbox running inside this process: call its `fetch` like the global one. */
export interface InProcessSandbox<V extends Vendor = Vendor> {
  /** Which vendor it stands in for. */
  readonly vendor: V;
  /**
   * An origin for building request URLs. Any absolute URL reaches the sandbox (only the
   * path and query matter); relative paths resolve against this one.
   */
  readonly url: string;
  /** The sandbox as a `fetch` function (pass it to openapi-fetch's `fetch` option). */
  readonly fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** Inspection and control: counters, faults, revocation, settings. */
  readonly control: SandboxControl;
  /** The credentials this sandbox accepts (defaults merged with `options.credentials`). */
  readonly credentials: Readonly<CredentialsByVendor[V]>;
  /** Ends pending delay and hang faults. Nothing else needs cleaning up. */
  close(): void;
}

/** The pieces startSandbox needs besides the in-process API. */
export interface BuiltSandbox<V extends Vendor = Vendor> {
  vendor: V;
  server: ServerState;
  core: SandboxCore;
  control: SandboxControl;
  credentials: Readonly<CredentialsByVendor[V]>;
  handle(request: Request, env: SandboxEnv['Bindings']): Response | Promise<Response>;
}

/** The vendor definition of `options.vendor`, with the credentials it accepts. */
export function defineVendor(
  server: ServerState,
  options: SandboxOptions,
): { vendor: VendorDefinition; credentials: CredentialsByVendor[Vendor] } {
  switch (options.vendor) {
    case 'cloudlx': {
      const credentials = resolveCredentials(
        'cloudlx',
        defaultCredentials.cloudlx,
        options.credentials,
      );
      return { vendor: cloudlxVendor(server, credentials), credentials };
    }
    case 'cloudcx': {
      const credentials = resolveCredentials(
        'cloudcx',
        defaultCredentials.cloudcx,
        options.credentials,
        ['username'],
      );
      const vendor = cloudcxVendor(server, {
        credentials,
        issueRefreshTokens: options.issueRefreshTokens ?? true,
      });
      return { vendor, credentials };
    }
    case 'sensu': {
      const credentials = resolveCredentials(
        'sensu',
        defaultCredentials.sensu,
        options.credentials,
        ['username', 'unprivilegedUsername'],
      );
      return { vendor: sensuVendor(server, credentials), credentials };
    }
  }
}

/** Reads a request header by its lower-case name, from node's parsed headers when it can. */
function headerReader(request: Request, env: SandboxEnv['Bindings']): HeaderReader {
  const incoming = env.incoming;
  if (!incoming) return (name) => request.headers.get(name) ?? undefined;
  return (name) => {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
}

/** Builds the app, state and control of one vendor sandbox (no server). */
export function buildSandbox<O extends SandboxOptions>(options: O): BuiltSandbox<O['vendor']> {
  const vendorName: O['vendor'] = options.vendor;
  // The state first (the vendor's routes read it), then the vendor, then the core over both.
  const server = new ServerState(resolveCommon(vendorName, options));
  const { vendor, credentials } = defineVendor(server, options);
  const core = new SandboxCore(vendorName, server, vendor);

  const app = new Hono<SandboxEnv>();
  const control = core.control();
  const controlApi = controlRoutes(control);
  mountControlRoutes(app, controlApi);
  // `/` alone, where the vendors answer 404: a page for whoever opens the URL in a browser.
  app.get('/', landingRoute(landingPage(vendorName, credentials, vendor.routes, controlApi)));
  mountVendorRoutes(app, core, vendor);
  // A 405 is decided here rather than by catch-all routes: a path with a single matching
  // route lets Hono answer synchronously, which matters on the hot path.
  const served = servesPath(vendor);
  app.notFound((c) => {
    if (c.req.path.startsWith(controlPrefix))
      return c.json({ error: 'No such control route.' }, 404);
    return served(c.req.path) ? vendor.methodNotAllowed(c) : vendor.notFound(c);
  });
  app.onError((error, c) => {
    // One line, no stack and nothing from the request beyond its method and path.
    server.log(
      `[sandbox ${vendorName}] internal error on ${c.req.method} ${c.req.path}: ${error.message}`,
    );
    return vendor.renderer.serverError(c, 'api');
  });

  const handleWithCors = (
    request: Request,
    env: SandboxEnv['Bindings'],
    origins: Exclude<CorsOrigins, false>,
  ): Response | Promise<Response> => {
    const header = headerReader(request, env);
    if (isPreflight(request.method, header)) {
      const preflight = preflightResponse(origins, header);
      if (preflight) return preflight;
    }
    const result = app.fetch(request, env);
    return result instanceof Promise
      ? result.then((response) => addCorsHeaders(origins, header, response))
      : addCorsHeaders(origins, header, result);
  };

  return {
    vendor: vendorName,
    server,
    core,
    control,
    // The switch in defineVendor resolved the credentials of exactly this vendor.
    credentials: credentials as CredentialsOf<O>,
    handle: (request, env) => {
      const origins = server.cors;
      return origins === false ? app.fetch(request, env) : handleWithCors(request, env, origins);
    },
  };
}

/**
 * Settles like `pending`, unless `signal` aborts first: then rejects with its reason, as the
 * global fetch does (an `AbortSignal.timeout` gives a `TimeoutError`).
 */
function abortable<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A sandbox inside this process, for fast tests: no port, no server, the same behaviour
 * as {@link startSandbox}. A dropped-connection fault makes `fetch` reject like a real one.
 */
export function createSandbox<O extends SandboxOptions>(options: O): InProcessSandbox<O['vendor']> {
  const built = buildSandbox(options);
  const url = `http://${built.vendor}.sandbox.invalid`;
  return {
    vendor: built.vendor,
    url,
    control: built.control,
    credentials: built.credentials,
    close: () => built.core.close(),
    fetch: async (input, init) => {
      const target =
        typeof input === 'string' && input.startsWith('/') ? new URL(input, url) : input;
      const request =
        target instanceof Request && init === undefined ? target : new Request(target, init);
      const response = await abortable(Promise.resolve(built.handle(request, {})), request.signal);
      if (built.core.dropped.has(response)) {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
        });
      }
      response.headers.set('date', built.server.httpDate());
      return response;
    },
  };
}
