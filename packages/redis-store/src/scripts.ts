import { createHash } from 'node:crypto';

/** A Lua script, run by its SHA-1 (EVALSHA) and sent whole only when Redis lacks it. */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

// Every change is written and announced in one script, so no process can see the new value
// without the message having been published (or the message without the value).

/** KEYS: value, refusals. ARGV: payload, px, channel, message, fingerprint to un-refuse. */
export const WRITE = script(
  'write',
  `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[5] ~= '' then redis.call('ZREM', KEYS[2], ARGV[5]) end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`,
);

/**
 * The fenced write: only while the lease key still holds this owner.
 * KEYS: lease, value, refusals. ARGV: owner, payload, px, channel, message, fingerprint.
 */
export const FENCED_WRITE = script(
  'fenced-write',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
if ARGV[6] ~= '' then redis.call('ZREM', KEYS[3], ARGV[6]) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`,
);

/** KEYS: value. ARGV: channel, message. */
export const DELETE = script(
  'delete',
  `redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1`,
);

/**
 * Records a refusal, keeping the newest `keep` and the set alive `ttl` ms from now.
 * KEYS: refusals. ARGV: fingerprint, now (score), ttl, keep, channel, message.
 */
export const REFUSE = script(
  'refuse',
  `redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[4]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1`,
);

/** The value, its PTTL and the refusals, in one round trip. KEYS: value, refusals. */
export const READ = script(
  'read',
  `local value = redis.call('GET', KEYS[1])
return {value, redis.call('PTTL', KEYS[1]), redis.call('ZRANGE', KEYS[2], 0, -1)}`,
);

/** Keeps a held lease alive. KEYS: lease. ARGV: owner, ttl. */
export const RENEW = script(
  'renew',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
);

/** Compare-and-delete, then wakes the waiters. KEYS: lease. ARGV: owner, channel, message. */
export const RELEASE = script(
  'release',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1`,
);

/** Whether Redis said it does not have the script cached (EVALSHA before any EVAL). */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
