// A lock file per key, shared by every process on the machine: created with link(2), which
// fails when the file exists (an atomic "create if absent" that never shows a half-written
// lock), holding the owner's id and the instant it expires. A live holder keeps pushing the
// expiry forward; a holder that died stops, and the lock is taken over once it expired (at
// once when the holder was a process on this machine that no longer exists).
import { randomUUID } from 'node:crypto';
import { link, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { isErrno, readIfExists, writePrivateFile } from './private-files';

/** What a lock file holds. */
export interface LockRecord {
  /** A random id per lease: only its holder may renew, release or write under it. */
  readonly owner: string;
  readonly pid: number;
  readonly host: string;
  /** Epoch ms after which another process may take the lock over. */
  readonly expiresAt: number;
}

/** A lock held by this process. */
export interface HeldLock {
  readonly owner: string;
  /** Whether the lock file still names this holder and has not expired. */
  stillHeld(): Promise<boolean>;
  /** Stops renewing and removes the lock file if it is still this holder's. */
  release(): Promise<void>;
}

/** How {@link acquireLock} waits and what it reads the time from. */
export interface AcquireLockOptions {
  /** How long the lock lives if its holder stops renewing it. */
  readonly ttlMs: number;
  /** Stops the wait (the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Pause between two looks at a lock held by someone else (jittered ±50%). Default 25 ms. */
  readonly pollIntervalMs?: number;
  /** The clock (default `Date.now`). */
  readonly now?: () => number;
}

/** A takeover guard older than this was left by a process that died mid-takeover. */
const GUARD_STALE_MS = 10_000;

function parseRecord(text: string | undefined): LockRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (
      typeof value === 'object' &&
      value !== null &&
      'owner' in value &&
      typeof value.owner === 'string' &&
      'expiresAt' in value &&
      typeof value.expiresAt === 'number'
    ) {
      const pid = 'pid' in value && typeof value.pid === 'number' ? value.pid : 0;
      const host = 'host' in value && typeof value.host === 'string' ? value.host : '';
      return { owner: value.owner, expiresAt: value.expiresAt, pid, host };
    }
  } catch {}
  return undefined;
}

/** Reads the lock file at `path`: undefined when absent or unreadable. */
export async function readLock(path: string): Promise<LockRecord | undefined> {
  return parseRecord(await readIfExists(path));
}

function processGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return isErrno(error, 'ESRCH');
  }
}

/** Whether `record` may be taken over now: expired, or its holder's process is gone. */
export function isStale(record: LockRecord, now: number): boolean {
  return record.expiresAt <= now || (record.host === hostname() && processGone(record.pid));
}

/** Creates `path` holding `text`, failing with EEXIST when it exists (never half-written). */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const draft = join(dirname(path), `.${basename(path)}.${randomUUID()}.draft`);
  await writePrivateFile(draft, text);
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await rm(draft, { force: true });
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
    };
    const aborted = () => {
      done();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

async function removeIfOlder(path: string, ageMs: number, now: () => number): Promise<void> {
  try {
    const { mtimeMs } = await stat(path);
    if (now() - mtimeMs > ageMs) await rm(path, { force: true });
  } catch {}
}

/**
 * Removes the stale lock `seen` under a guard file, so that two processes that both found it
 * stale cannot each remove it after the other one already created a fresh lock.
 */
async function takeOver(path: string, seen: LockRecord, now: () => number): Promise<void> {
  const guard = `${path}.takeover`;
  const record = JSON.stringify({ pid: process.pid, at: now() });
  if (!(await createExclusive(guard, record))) {
    await removeIfOlder(guard, GUARD_STALE_MS, now);
    return;
  }
  try {
    const current = await readLock(path);
    if (current?.owner === seen.owner) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

/**
 * Takes the lock file at `path` (its directory must exist), waiting while another live
 * holder has it. The lock renews itself every third of `ttlMs` until released.
 */
export async function acquireLock(path: string, options: AcquireLockOptions): Promise<HeldLock> {
  const now = options.now ?? Date.now;
  const poll = options.pollIntervalMs ?? 25;
  const owner = randomUUID();
  const recordText = () =>
    JSON.stringify({
      owner,
      pid: process.pid,
      host: hostname(),
      expiresAt: now() + options.ttlMs,
    } satisfies LockRecord);

  for (;;) {
    options.signal?.throwIfAborted();
    if (await createExclusive(path, recordText())) break;
    const text = await readIfExists(path);
    if (text === undefined) continue; // Released meanwhile: try again at once.
    const current = parseRecord(text);
    if (current === undefined) {
      // Not a lock this code wrote (they are never half-written): once it is older than a
      // lease could be, remove it; until then, wait like for any other holder.
      await removeIfOlder(path, options.ttlMs, now);
      await sleep(poll * (0.5 + Math.random()), options.signal);
      continue;
    }
    if (isStale(current, now())) {
      await takeOver(path, current, now);
      continue;
    }
    await sleep(poll * (0.5 + Math.random()), options.signal);
  }

  const mine = async () => (await readLock(path))?.owner === owner;
  let released = false;
  // Release waits for a renewal in progress, which would otherwise re-create the file.
  let beat: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(
    () => {
      beat = (async () => {
        if (released || !(await mine())) return;
        await writePrivateFile(path, recordText());
      })().catch(() => {});
    },
    Math.max(1, Math.floor(options.ttlMs / 3)),
  );
  // The renewal must not keep a finished CLI run alive.
  heartbeat.unref();

  return {
    owner,
    stillHeld: async () => {
      if (released) return false;
      const current = await readLock(path);
      return current?.owner === owner && current.expiresAt > now();
    },
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      await beat;
      if (await mine()) await rm(path, { force: true });
    },
  };
}
