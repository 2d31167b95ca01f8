import type { Vendor } from './options';

/**
 * Which requests a fault hits: `token` the token endpoints (CloudLX access-token and
 * refresh-token, CloudCX `/oauth/token`, Sensu `GET /auth` and `POST /auth/token`), `api`
 * every other vendor operation, `all` both. The `/__sandbox/` routes are never hit.
 */
export type FaultRoutes = 'token' | 'api' | 'all';

export type RouteClass = 'token' | 'api';

/** Which requests a fault hits, and how many of them. */
export interface FaultScope {
  /** How many matching requests the fault affects; omit it to keep it until cleared. */
  count?: number;
  /** Default `token` (`api` for `business-error`). */
  routes?: FaultRoutes;
}

/**
 * How a 503 or 429 asks the client to wait. `Retry-After` always goes out; `retry-after-ms`
 * (a header some SDKs prefer, e.g. OpenAI's) only when `retryAfterMs` is given.
 */
export interface RetryAfterInput {
  /** Seconds in `Retry-After` (0 to 86400; default 1, or `retryAfterMs` rounded up). */
  retryAfterSeconds?: number;
  /** Also send `retry-after-ms: <this>` (0 to 86400000). */
  retryAfterMs?: number;
  /**
   * `seconds` (default): `Retry-After: 7`. `http-date`: the instant on the SERVER's clock,
   * `Retry-After: Thu, 01 Jan 2026 00:00:07 GMT`, which a client must read against the
   * `Date` header rather than its own clock when the clocks disagree.
   */
  retryAfterFormat?: RetryAfterFormat;
}

/** How `Retry-After` is written: a number of seconds, or an HTTP date on the server's clock. */
export type RetryAfterFormat = 'seconds' | 'http-date';

/**
 * A fault to queue (see the README's table): its `kind`, the fields that kind takes, and
 * its {@link FaultScope}. JSON sent to `POST /__sandbox/faults` has the same shape.
 */
export type FaultInput = FaultScope &
  (
    | {
        /** A 500 in the vendor's error format. */
        kind: 'server-error';
      }
    | ({
        /** A 503 with `Retry-After` (Sensu: its start-up message). */
        kind: 'unavailable';
      } & RetryAfterInput)
    | ({
        /** A 429 with `Retry-After`, in the route's error format. */
        kind: 'rate-limited';
      } & RetryAfterInput)
    | {
        /** The normal answer, later (real time; cut short by `close()`). */
        kind: 'delay';
        /** How long to wait first, in ms (0 to 600000). */
        delayMs: number;
      }
    | {
        /** Reads the request and never answers. */
        kind: 'hang';
      }
    | {
        /** HTTP 200 `application/json` with a body cut off mid-way. */
        kind: 'malformed-json';
      }
    | {
        /** An nginx HTML error page. */
        kind: 'html-error';
        /** Its status (400 to 599; default 502). */
        status?: number;
      }
    | {
        /** Closes the connection unanswered (in-process: `fetch` rejects). */
        kind: 'drop-connection';
      }
    | {
        /** CloudCX only: after authentication, HTTP 200 with a non-`0000` code. */
        kind: 'business-error';
        /** The envelope's `code` (default `1001`). */
        code?: string;
        /** The envelope's `message` (default `Invalid request parameter`). */
        message?: string;
      }
  );

/** The kinds of fault. */
export type FaultKind = FaultInput['kind'];

/** Every {@link FaultKind}. */
export const faultKinds: readonly FaultKind[] = [
  'server-error',
  'unavailable',
  'rate-limited',
  'delay',
  'hang',
  'malformed-json',
  'html-error',
  'drop-connection',
  'business-error',
];

/** The retry advice of a queued 503 or 429, defaults filled in. */
export interface RetryAfter {
  /** Seconds in `Retry-After`. */
  retryAfterSeconds: number;
  /** The `retry-after-ms` header, when one goes out. */
  retryAfterMs?: number;
  /** How `Retry-After` is written. */
  retryAfterFormat: RetryAfterFormat;
}

/** A fault's kind and its fields, defaults filled in (see {@link FaultInput}). */
export type FaultDetails =
  | {
      /** A 500 in the vendor's error format. */
      kind: 'server-error';
    }
  | ({
      /** A 503 with `Retry-After`. */
      kind: 'unavailable';
    } & RetryAfter)
  | ({
      /** A 429 with `Retry-After`. */
      kind: 'rate-limited';
    } & RetryAfter)
  | {
      /** The normal answer, later. */
      kind: 'delay';
      /** How long to wait first, in ms. */
      delayMs: number;
    }
  | {
      /** Reads the request and never answers. */
      kind: 'hang';
    }
  | {
      /** HTTP 200 with a body cut off mid-way. */
      kind: 'malformed-json';
    }
  | {
      /** An nginx HTML error page. */
      kind: 'html-error';
      /** Its status. */
      status: number;
    }
  | {
      /** Closes the connection unanswered. */
      kind: 'drop-connection';
    }
  | {
      /** CloudCX: HTTP 200 with a non-`0000` code. */
      kind: 'business-error';
      /** The envelope's `code`. */
      code: string;
      /** The envelope's `message`. */
      message: string;
    };

/** A queued fault; `remaining` is null for one that lasts until cleared. */
export type ActiveFault = FaultDetails & {
  /** Numbers faults in the order they were queued, from 1. */
  id: number;
  /** Which requests it hits. */
  routes: FaultRoutes;
  /** How many more requests it hits; null until cleared. */
  remaining: number | null;
};

/** A fault description that cannot be queued; the message says why. */
export class FaultInputError extends Error {
  /** `FaultInputError`. */
  override name = 'FaultInputError';
}

const maxDelayMs = 600_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function integerIn(
  value: unknown,
  name: string,
  min: number,
  max: number,
  fallback?: number,
): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FaultInputError(`"${name}" must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function shortText(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new FaultInputError(`"${name}" must be a string of 1 to 200 characters.`);
  }
  return value;
}

function retryAfter(input: Record<string, unknown>): RetryAfter {
  const ms =
    input.retryAfterMs === undefined
      ? undefined
      : integerIn(input.retryAfterMs, 'retryAfterMs', 0, 86_400_000);
  const fallbackSeconds = ms === undefined ? 1 : Math.ceil(ms / 1000);
  const format = input.retryAfterFormat ?? 'seconds';
  if (format !== 'seconds' && format !== 'http-date') {
    throw new FaultInputError('"retryAfterFormat" must be "seconds" or "http-date".');
  }
  return {
    retryAfterSeconds: integerIn(
      input.retryAfterSeconds,
      'retryAfterSeconds',
      0,
      86_400,
      fallbackSeconds,
    ),
    ...(ms === undefined ? {} : { retryAfterMs: ms }),
    retryAfterFormat: format,
  };
}

function details(input: Record<string, unknown>, vendor: Vendor): FaultDetails {
  switch (input.kind) {
    case 'server-error':
    case 'malformed-json':
    case 'drop-connection':
    case 'hang':
      return { kind: input.kind };
    case 'unavailable':
    case 'rate-limited':
      return { kind: input.kind, ...retryAfter(input) };
    case 'delay':
      return { kind: 'delay', delayMs: integerIn(input.delayMs, 'delayMs', 0, maxDelayMs) };
    case 'html-error':
      return { kind: 'html-error', status: integerIn(input.status, 'status', 400, 599, 502) };
    case 'business-error':
      if (vendor !== 'cloudcx') {
        throw new FaultInputError(
          'A "business-error" (HTTP 200 with a non-"0000" code) exists only on CloudCX.',
        );
      }
      return {
        kind: 'business-error',
        code: shortText(input.code, 'code', '1001'),
        message: shortText(input.message, 'message', 'Invalid request parameter'),
      };
    default:
      throw new FaultInputError(`"kind" must be one of: ${faultKinds.join(', ')}.`);
  }
}

/** Checks a fault description (from TypeScript or from JSON) and fills in the defaults. */
export function parseFault(input: unknown, vendor: Vendor, id: number): ActiveFault {
  if (!isRecord(input)) throw new FaultInputError('A fault is a JSON object with a "kind".');
  const fault = details(input, vendor);
  const fallbackRoutes: FaultRoutes = fault.kind === 'business-error' ? 'api' : 'token';
  const routes = input.routes ?? fallbackRoutes;
  if (routes !== 'token' && routes !== 'api' && routes !== 'all') {
    throw new FaultInputError('"routes" must be "token", "api" or "all".');
  }
  if (fault.kind === 'business-error' && routes !== 'api') {
    throw new FaultInputError('A "business-error" applies to API routes only ("routes": "api").');
  }
  const remaining =
    input.count === undefined ? null : integerIn(input.count, 'count', 1, 1_000_000_000);
  return { ...fault, id, routes, remaining };
}

/** Faults wait in order; each matching request takes one unit of the first that matches. */
export class FaultQueue {
  #faults: ActiveFault[] = [];
  #nextId = 1;

  constructor(private readonly vendor: Vendor) {}

  add(input: unknown): ActiveFault {
    const fault = parseFault(input, this.vendor, this.#nextId);
    this.#nextId += 1;
    this.#faults.push(fault);
    return { ...fault };
  }

  /** The fault to apply to this request, if any (and uses one unit of it). */
  take(route: RouteClass): ActiveFault | undefined {
    if (this.#faults.length === 0) return undefined;
    const index = this.#faults.findIndex((f) => f.routes === 'all' || f.routes === route);
    const fault = this.#faults[index];
    if (fault === undefined) return undefined;
    if (fault.remaining !== null) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.#faults.splice(index, 1);
    }
    return fault;
  }

  list(): ActiveFault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  clear(): number {
    const cleared = this.#faults.length;
    this.#faults = [];
    return cleared;
  }
}
