import type { Hono } from 'hono';
import { advertisedLifetimes, checkAdvertisedLifetime } from './advertised-lifetime';
import { readBody } from './body';
import { checkClockOffset } from './clock';
import type { SandboxContext, SandboxControl, SandboxEnv } from './core';
import { checkCors } from './cors';
import { parseDuration } from './duration';
import { FaultInputError, faultKinds } from './faults';

/** The prefix of the inspection and control routes; no vendor spec has such a path. */
export const controlPrefix = '/__sandbox';

type JsonRead = { ok: true; value: unknown } | { ok: false; response: Response };

function problem(c: SandboxContext, status: 400 | 404, message: string): Response {
  return c.json({ error: message }, status);
}

async function readJson(c: SandboxContext): Promise<JsonRead> {
  const body = await readBody(c.req.raw, 64 * 1024);
  if (!body.ok) {
    return { ok: false, response: problem(c, 400, 'The body must be JSON of at most 64 KiB.') };
  }
  if (body.text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(body.text) };
  } catch {
    return { ok: false, response: problem(c, 400, 'The body is not valid JSON.') };
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && name in value
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** A clock offset from `{"offsetMs": -300000}` or `{"offset": "-5m"}`; throws with the reason. */
function clockOffsetOf(body: unknown): number {
  const offsetMs = field(body, 'offsetMs');
  const offset = field(body, 'offset');
  if ((offsetMs === undefined) === (offset === undefined)) {
    throw new RangeError(
      'Send {"offsetMs": -300000} (an integer number of ms) or {"offset": "-5m"} (a duration), not both.',
    );
  }
  if (offsetMs !== undefined) return checkClockOffset('"offsetMs"', offsetMs);
  if (typeof offset !== 'string') {
    throw new RangeError(`"offset" must be a string such as "-5m"; got ${JSON.stringify(offset)}.`);
  }
  return checkClockOffset('"offset"', parseDuration('"offset"', offset));
}

/** Runs a setting change, turning a validation error into a 400 that says what was wrong. */
function validated(c: SandboxContext, change: () => Response): Response {
  try {
    return change();
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      return problem(c, 400, error.message);
    }
    throw error;
  }
}

/** One route of the control API. */
export interface ControlRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The full path, `/__sandbox/...`. */
  path: string;
  /** What it does, in a line (the landing page lists it). */
  summary: string;
  /** An example body, for the routes that take one. */
  body?: string;
  handle(c: SandboxContext): Response | Promise<Response>;
}

/** The control API of one sandbox: the same operations as {@link SandboxControl}. */
export function controlRoutes(control: SandboxControl): ControlRoute[] {
  const at = (path: string) => `${controlPrefix}${path}`;
  return [
    {
      method: 'GET',
      path: at('/'),
      summary: 'The state: counters, faults, flags, live tokens, lifetimes, clock, CORS.',
      handle: (c) => c.json(control.state()),
    },
    {
      method: 'GET',
      path: at('/counters'),
      summary: 'The counters.',
      handle: (c) => c.json(control.counters()),
    },
    {
      method: 'POST',
      path: at('/counters/reset'),
      summary: 'Zeroes the counters.',
      handle: (c) => {
        control.resetCounters();
        return c.json(control.counters());
      },
    },
    {
      method: 'POST',
      path: at('/revoke-access-tokens'),
      summary: 'Revokes every access token issued so far.',
      handle: (c) => c.json({ revoked: control.revokeAccessTokens() }),
    },
    {
      method: 'POST',
      path: at('/revoke-refresh-tokens'),
      summary: 'Revokes every refresh token (Sensu: every session).',
      handle: (c) => c.json({ revoked: control.revokeRefreshTokens() }),
    },
    {
      method: 'PUT',
      path: at('/resources-unauthorized'),
      summary: "While enabled, every resource call answers the vendor's 401.",
      body: '{"enabled": true}',
      handle: async (c) => {
        const body = await readJson(c);
        if (!body.ok) return body.response;
        const enabled = field(body.value, 'enabled');
        if (typeof enabled !== 'boolean') {
          return problem(c, 400, 'Send {"enabled": true} or {"enabled": false}.');
        }
        control.setResourcesUnauthorized(enabled);
        return c.json({ resourcesUnauthorized: enabled });
      },
    },
    {
      method: 'GET',
      path: at('/faults'),
      summary: 'The queued faults.',
      handle: (c) => c.json({ faults: control.faults() }),
    },
    {
      method: 'POST',
      path: at('/faults'),
      summary: `Queues a fault: ${faultKinds.join(', ')}.`,
      body: '{"kind": "unavailable", "count": 2, "retryAfterSeconds": 3}',
      handle: async (c) => {
        const body = await readJson(c);
        if (!body.ok) return body.response;
        try {
          // The control validates the shape itself; JSON is as untrusted as any caller's input.
          const fault = control.injectFault(
            body.value as Parameters<SandboxControl['injectFault']>[0],
          );
          return c.json({ fault }, 201);
        } catch (error) {
          if (error instanceof FaultInputError) return problem(c, 400, error.message);
          throw error;
        }
      },
    },
    {
      method: 'DELETE',
      path: at('/faults'),
      summary: 'Clears the faults.',
      handle: (c) => c.json({ cleared: control.clearFaults() }),
    },
    {
      method: 'PUT',
      path: at('/lifetimes'),
      summary: 'The lifetimes of tokens issued from now on (seconds).',
      body: '{"accessTokenTtlSeconds": 2, "refreshTokenTtlSeconds": 10}',
      handle: async (c) => {
        const body = await readJson(c);
        if (!body.ok) return body.response;
        const access = field(body.value, 'accessTokenTtlSeconds');
        const refresh = field(body.value, 'refreshTokenTtlSeconds');
        if (
          (access !== undefined && typeof access !== 'number') ||
          (refresh !== undefined && typeof refresh !== 'number')
        ) {
          return problem(c, 400, 'Lifetimes are numbers of seconds.');
        }
        try {
          return c.json(
            control.setLifetimes({
              ...(access === undefined ? {} : { accessTokenTtlSeconds: access }),
              ...(refresh === undefined ? {} : { refreshTokenTtlSeconds: refresh }),
            }),
          );
        } catch (error) {
          if (error instanceof RangeError) return problem(c, 400, error.message);
          throw error;
        }
      },
    },
    {
      method: 'PUT',
      path: at('/advertised-lifetime'),
      summary: `How token answers state the lifetime: ${advertisedLifetimes.join(', ')}.`,
      body: '{"mode": "string"}',
      handle: async (c) => {
        const body = await readJson(c);
        if (!body.ok) return body.response;
        const mode = field(body.value, 'mode');
        if (mode === undefined) {
          return problem(
            c,
            400,
            `Send {"mode": "..."} with one of: ${advertisedLifetimes.join(', ')}.`,
          );
        }
        return validated(c, () =>
          c.json({
            advertisedLifetime: control.setAdvertisedLifetime(
              checkAdvertisedLifetime('"mode"', mode),
            ),
          }),
        );
      },
    },
    {
      method: 'GET',
      path: at('/clock'),
      summary: "The server's clock and its offset.",
      handle: (c) => c.json(control.clock()),
    },
    {
      method: 'PUT',
      path: at('/clock'),
      summary: "Runs the server's clock ahead or behind (the Date header too).",
      body: '{"offset": "-5m"}',
      handle: async (c) => {
        const body = await readJson(c);
        if (!body.ok) return body.response;
        return validated(c, () => c.json(control.setClockOffset(clockOffsetOf(body.value))));
      },
    },
    {
      method: 'PUT',
      path: at('/cors'),
      summary: 'Lets browser pages call the sandbox: any origin, some, or none.',
      body: '{"origins": ["http://localhost:5173"]}',
      handle: async (c) => {
        const body = await readJson(c);
        if (!body.ok) return body.response;
        const origins = field(body.value, 'origins');
        if (origins === undefined) {
          return problem(
            c,
            400,
            'Send {"origins": "*"} (any origin), {"origins": ["http://localhost:5173"]} or {"origins": false} (off).',
          );
        }
        return validated(c, () =>
          c.json({ cors: control.setCors(checkCors('"origins"', origins)) }),
        );
      },
    },
    {
      method: 'POST',
      path: at('/reset'),
      summary: 'Forgets tokens and sessions, zeroes counters, clears faults and flags.',
      handle: (c) => {
        control.reset();
        return c.json(control.state());
      },
    },
  ];
}

/**
 * Mounts `/__sandbox/...`: the same operations as {@link SandboxControl}, as JSON over HTTP,
 * for clients in other processes (and for curl).
 */
export function mountControlRoutes(app: Hono<SandboxEnv>, routes: readonly ControlRoute[]): void {
  for (const route of routes) {
    app.on(route.method, route.path, route.handle);
    // `/__sandbox` answers like `/__sandbox/`.
    if (route.path === `${controlPrefix}/`) app.on(route.method, controlPrefix, route.handle);
  }
  app.all(`${controlPrefix}/*`, (c) =>
    problem(
      c,
      404,
      `No such control route: ${c.req.method} ${c.req.path}. See the @tokenwire/sandbox README.`,
    ),
  );
}
