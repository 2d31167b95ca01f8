import { createHash } from 'node:crypto';
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  LeaseOptions,
  StoreCoordination,
  StoreLease,
  TokenSet,
  TokenStore,
} from '@tokenwire/auth-middleware';
import { acquireLock } from './file-lock';
import { defaultCacheDir } from './platform-dirs';
import { ensurePrivateDir, readIfExists, writePrivateFile } from './private-files';

/** How a {@link FileTokenStore} is set up. */
export interface FileTokenStoreOptions {
  /**
   * The directory of the cache files. Default: {@link defaultCacheDir} (`TOKENWIRE_CACHE_DIR`,
   * else the platform's cache directory plus `tokenwire`).
   */
  readonly dir?: string;
  /** Pause between two looks at a lock held by another process (jittered). Default 25 ms. */
  readonly pollIntervalMs?: number;
  /** The clock of the lock expiries (default `Date.now`). */
  readonly now?: () => number;
}

const FORMAT = 'tokenwire-token-cache/1';
/** A refusals file is rewritten down to its newest entries once it holds more than this. */
const REFUSALS_KEPT = 32;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function optional<T>(value: unknown, type: 'string' | 'number'): T | undefined {
  return typeof value === type ? (value as T) : undefined;
}

/** The token set in a cache file, or undefined for anything else (a foreign or torn file). */
function parseEntry(text: string | undefined, key: string): TokenSet | undefined {
  if (text === undefined) return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { format, key: storedKey, tokens } = entry as Record<string, unknown>;
  if (format !== FORMAT || storedKey !== key || typeof tokens !== 'object' || tokens === null) {
    return undefined;
  }
  const fields = tokens as Record<string, unknown>;
  if (typeof fields.accessToken !== 'string') return undefined;
  const set: { -readonly [K in keyof TokenSet]: TokenSet[K] } = {
    accessToken: fields.accessToken,
  };
  const refreshToken = optional<string>(fields.refreshToken, 'string');
  const expiresAt = optional<number>(fields.expiresAt, 'number');
  const tokenType = optional<string>(fields.tokenType, 'string');
  const obtainedAt = optional<number>(fields.obtainedAt, 'number');
  const scope = optional<string>(fields.scope, 'string');
  if (refreshToken !== undefined) set.refreshToken = refreshToken;
  if (expiresAt !== undefined) set.expiresAt = expiresAt;
  if (tokenType !== undefined) set.tokenType = tokenType;
  if (obtainedAt !== undefined) set.obtainedAt = obtainedAt;
  if (scope !== undefined) set.scope = scope;
  return set;
}

/**
 * A {@link TokenStore} in files, for the `tokenwire` CLI and for any Node program whose
 * processes on one machine should share tokens: ten runs in a minute make one token call.
 *
 * - One file per key, named by a SHA-256 of the key (no secret in a file name), mode 0600
 *   in a 0700 directory; every write goes to a temporary file renamed over the old one.
 * - `coordination` implements the cross-process contract of `StoreCoordination`: a lock
 *   file per key (created exclusively, holding its owner's id and expiry, renewed while
 *   held, taken over once expired or when its holder's process is gone), fenced writes (a
 *   holder whose lock was taken over writes nothing), and refusals recorded in a file per
 *   key so that every process stops sending a refused token.
 *
 * The files hold the tokens in clear, like `gh` and `sensuctl` do: the directory's
 * permissions are the protection. Use it on a local disk; locks on network file systems
 * are not reliable.
 *
 * ```ts
 * import { createSensuClient } from '@tokenwire/sensu';
 * import { FileTokenStore } from '@tokenwire/cli';
 *
 * const sensu = createSensuClient({ baseUrl, auth: { username, password }, store: new FileTokenStore() });
 * ```
 */
export class FileTokenStore implements TokenStore {
  /** The directory the cache files are in. */
  readonly dir: string;
  /** Cross-process leases, fenced writes and refusals, through files in {@link dir}. */
  readonly coordination: StoreCoordination;
  readonly #pollIntervalMs: number | undefined;
  readonly #now: () => number;
  /** Fingerprints of refused access tokens, by file name, as last read or written here. */
  readonly #refused = new Map<string, Set<string>>();

  /** A store in `options.dir`, or in the platform's cache directory. */
  constructor(options: FileTokenStoreOptions = {}) {
    this.dir = options.dir ?? defaultCacheDir();
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#now = options.now ?? Date.now;
    this.coordination = {
      lease: (key, leaseOptions) => this.#lease(key, leaseOptions),
      refuse: (key, accessToken) => this.#refuse(key, accessToken),
      isRefused: (key, accessToken) =>
        this.#refused.get(this.#name(key))?.has(this.#fingerprint(key, accessToken)) ?? false,
    };
  }

  /** The stored tokens of `key`, or undefined (also for a file this store did not write). */
  async get(key: string): Promise<TokenSet | undefined> {
    return this.#read(key);
  }

  /** Stores `tokens` under `key`, replacing the file in one step. */
  async set(key: string, tokens: TokenSet): Promise<void> {
    await ensurePrivateDir(this.dir);
    await this.#write(key, tokens);
  }

  /** Forgets the tokens of `key` and the refusals recorded for them. */
  async delete(key: string): Promise<void> {
    const name = this.#name(key);
    await rm(join(this.dir, `${name}.json`), { force: true });
    await rm(join(this.dir, `${name}.refused`), { force: true });
    this.#refused.delete(name);
  }

  #name(key: string): string {
    return sha256(`tokenwire-file-store\0${key}`);
  }

  #fingerprint(key: string, accessToken: string): string {
    return sha256(`${key}\0${accessToken}`);
  }

  async #read(key: string): Promise<TokenSet | undefined> {
    const name = this.#name(key);
    const [text] = await Promise.all([
      readIfExists(join(this.dir, `${name}.json`)),
      this.#loadRefusals(name),
    ]);
    return parseEntry(text, key);
  }

  async #write(key: string, tokens: TokenSet): Promise<void> {
    const entry = { format: FORMAT, key, tokens };
    await writePrivateFile(join(this.dir, `${this.#name(key)}.json`), `${JSON.stringify(entry)}\n`);
  }

  /** Reads the key's refusals file, so that `isRefused` (synchronous) sees other processes'. */
  async #loadRefusals(name: string): Promise<void> {
    const text = await readIfExists(join(this.dir, `${name}.refused`));
    const lines = (text ?? '').split('\n').filter((line) => /^[0-9a-f]{64}$/.test(line));
    const known = this.#refused.get(name) ?? new Set<string>();
    for (const line of lines) known.add(line);
    if (known.size) this.#refused.set(name, known);
  }

  async #refuse(key: string, accessToken: string): Promise<void> {
    const name = this.#name(key);
    const fingerprint = this.#fingerprint(key, accessToken);
    const known = this.#refused.get(name) ?? new Set<string>();
    known.add(fingerprint);
    this.#refused.set(name, known);
    await ensurePrivateDir(this.dir);
    const path = join(this.dir, `${name}.refused`);
    // Appends of one short line land whole, so concurrent refusals never tear each other.
    await appendFile(path, `${fingerprint}\n`, { mode: 0o600 });
    const lines = ((await readIfExists(path)) ?? '').split('\n').filter(Boolean);
    if (lines.length > REFUSALS_KEPT * 2) {
      await writePrivateFile(path, `${lines.slice(-REFUSALS_KEPT).join('\n')}\n`);
    }
  }

  async #lease(key: string, options: LeaseOptions): Promise<StoreLease> {
    await ensurePrivateDir(this.dir);
    const lock = await acquireLock(join(this.dir, `${this.#name(key)}.lock`), {
      ttlMs: options.ttlMs,
      signal: options.signal,
      now: this.#now,
      ...(this.#pollIntervalMs === undefined ? {} : { pollIntervalMs: this.#pollIntervalMs }),
    });
    return {
      read: () => this.#read(key),
      write: async (tokens) => {
        // Fenced: a holder whose lock expired and was taken over writes nothing, so it
        // cannot put back tokens (or a rotated refresh token) older than the new holder's.
        if (!(await lock.stillHeld())) return false;
        await this.#write(key, tokens);
        return true;
      },
      release: () => lock.release(),
    };
  }
}
