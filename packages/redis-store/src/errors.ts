/** Stable codes of the store's failures; match on them rather than on messages. */
export type RedisStoreErrorCode =
  /** No connection to Redis: refused, dropped, or node-redis is reconnecting. */
  | 'REDIS_UNAVAILABLE'
  /** Redis did not answer within `commandTimeoutMs`. */
  | 'REDIS_TIMEOUT'
  /** Redis answered with an error: an ACL `NOPERM`, a read-only replica, `OOM`... */
  | 'REDIS_COMMAND_FAILED'
  /** A stored value could not be read: another `encryptionKey`, or not written by this store. */
  | 'UNREADABLE_VALUE'
  /** The store was closed with `close()`. */
  | 'STORE_CLOSED';

/** What the store was doing when Redis failed. */
export type RedisStoreOperation =
  | 'get'
  | 'set'
  | 'delete'
  | 'lease'
  | 'refuse'
  | 'connect'
  | 'subscribe';

/**
 * Passed to `onError` when Redis fails and the store fails open (goes on with this
 * process's own tokens). Carries a code, the operation, the store key (a hash, never a
 * secret) and a message; never a stored value, token or Redis password.
 */
export interface RedisStoreErrorEvent {
  /** Why Redis could not be used. */
  readonly code: RedisStoreErrorCode;
  /** What the store was doing. */
  readonly operation: RedisStoreOperation;
  /** The store key involved, when there was one. */
  readonly key: string | undefined;
  /** What happened and what the store does about it (secret-free). */
  readonly message: string;
}

/**
 * Thrown (as a rejection) only by `coordination.lease()`, so the token manager falls back to
 * its in-process coordination; `get`, `set`, `delete` and `refuse` never reject on a Redis
 * failure. The message never contains a stored value or a token.
 */
export class RedisStoreError extends Error {
  // A literal, so minified bundles keep the name.
  /** `'RedisStoreError'`. */
  override name = 'RedisStoreError';
  /** Why Redis could not be used. */
  readonly code: RedisStoreErrorCode;
  /** What the store was doing. */
  readonly operation: RedisStoreOperation;

  constructor(code: RedisStoreErrorCode, operation: RedisStoreOperation, message: string) {
    super(message);
    this.code = code;
    this.operation = operation;
  }
}

/** Our own deadline on a command fired (whatever the client's own timeout did). */
export class CommandDeadline extends Error {
  override name = 'CommandDeadline';
}

const REPLY_ERRORS = new Set(['ErrorReply', 'SimpleError', 'BlobError', 'MultiErrorReply']);

function constructorName(error: unknown): string {
  const name = (error as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' ? name : 'Error';
}

/** The operating system's reason in the error's cause chain (`ECONNREFUSED`...), if any. */
function systemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Object; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns whatever a Redis command threw into a code and a message that is safe to log: only
 * error class names, system codes and the leading word of a Redis error reply (`NOPERM`,
 * `READONLY`...) are kept, never the rest of a message, which could quote an argument.
 */
export function describeFailure(
  error: unknown,
  operation: RedisStoreOperation,
  timeoutMs: number,
): { code: RedisStoreErrorCode; reason: string; message: string } {
  const name = constructorName(error);
  const fallback = "going on with this process's own tokens";
  if (error instanceof CommandDeadline || name.includes('Timeout')) {
    return {
      code: 'REDIS_TIMEOUT',
      reason: 'timeout',
      message: `Redis did not answer the store's ${operation} within ${timeoutMs} ms; ${fallback} until it answers again (raise commandTimeoutMs if Redis is just slow).`,
    };
  }
  if (REPLY_ERRORS.has(name)) {
    const message = error instanceof Error ? error.message : '';
    const prefix = /^[A-Z][A-Z_]{1,30}\b/.exec(message)?.[0] ?? 'ERR';
    return {
      code: 'REDIS_COMMAND_FAILED',
      reason: prefix,
      message: `Redis refused the store's ${operation} (${prefix}); ${fallback}. Check that the Redis user may run GET, SET, PTTL, ZADD, ZRANGE, EVAL, EVALSHA, PUBLISH and SUBSCRIBE on the store's keys and channel, and that this is a writable primary.`,
    };
  }
  const reason = systemCode(error) ?? name;
  return {
    code: 'REDIS_UNAVAILABLE',
    reason,
    message: `Redis is unreachable (${reason}) for the store's ${operation}; ${fallback} until it is back (node-redis reconnects by itself).`,
  };
}
