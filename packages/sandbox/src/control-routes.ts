import type { Hono } from 'hono';
import { advertisedLifetimes, checkAdvertisedLifetime } from './advertised-lifetime';
import { readBody } from './body';
import { checkClockOffset } from './clock';
import type { SandboxContext, SandboxControl, SandboxEnv } from './core';
import { checkCors } from './cors';
import { parseDuration } from './duration';
import { FaultInputError } from './faults';

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

/**
 * Mounts `/__sandbox/...`: the same operations as {@link SandboxControl}, as JSON over HTTP,
 * for clients in other processes (and for curl).
 */
export function mountControlRoutes(app: Hono<SandboxEnv>, control: SandboxControl): void {
  const at = (path: string) => `${controlPrefix}${path}`;

  app.get(controlPrefix, (c) => c.json(control.state()));
  app.get(at('/'), (c) => c.json(control.state()));
  app.get(at('/counters'), (c) => c.json(control.counters()));
  app.post(at('/counters/reset'), (c) => {
    control.resetCounters();
    return c.json(control.counters());
  });
  app.post(at('/revoke-access-tokens'), (c) => c.json({ revoked: control.revokeAccessTokens() }));
  app.post(at('/revoke-refresh-tokens'), (c) => c.json({ revoked: control.revokeRefreshTokens() }));
  app.put(at('/resources-unauthorized'), async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const enabled = field(body.value, 'enabled');
    if (typeof enabled !== 'boolean') {
      return problem(c, 400, 'Send {"enabled": true} or {"enabled": false}.');
    }
    control.setResourcesUnauthorized(enabled);
    return c.json({ resourcesUnauthorized: enabled });
  });
  app.get(at('/faults'), (c) => c.json({ faults: control.faults() }));
  app.post(at('/faults'), async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    try {
      // The control validates the shape itself; JSON is as untrusted as any caller's input.
      const fault = control.injectFault(body.value as Parameters<SandboxControl['injectFault']>[0]);
      return c.json({ fault }, 201);
    } catch (error) {
      if (error instanceof FaultInputError) return problem(c, 400, error.message);
      throw error;
    }
  });
  app.delete(at('/faults'), (c) => c.json({ cleared: control.clearFaults() }));
  app.put(at('/lifetimes'), async (c) => {
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
  });
  app.put(at('/advertised-lifetime'), async (c) => {
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
        advertisedLifetime: control.setAdvertisedLifetime(checkAdvertisedLifetime('"mode"', mode)),
      }),
    );
  });
  app.get(at('/clock'), (c) => c.json(control.clock()));
  app.put(at('/clock'), async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    return validated(c, () => c.json(control.setClockOffset(clockOffsetOf(body.value))));
  });
  app.put(at('/cors'), async (c) => {
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
    return validated(c, () => c.json({ cors: control.setCors(checkCors('"origins"', origins)) }));
  });
  app.post(at('/reset'), (c) => {
    control.reset();
    return c.json(control.state());
  });
  app.all(at('/*'), (c) =>
    problem(
      c,
      404,
      `No such control route: ${c.req.method} ${c.req.path}. See the @tokenwire/sandbox README.`,
    ),
  );
}
