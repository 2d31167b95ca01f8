import type { TokenSet } from '@tokenwire/auth-middleware';

/** Keys remembered at most; past that the oldest entries go (a process has few keys). */
const MAX_ENTRIES = 10_000;

/** When a read or write started, to tell whether anything changed the key meanwhile. */
export interface Stamp {
  readonly key: string;
  readonly generation: number;
  readonly epoch: number;
  /** Whether invalidation messages were being received when it started. */
  readonly subscribed: boolean;
}

interface Entry {
  readonly tokens: TokenSet | undefined;
  /** Whether `get` may answer from it (while `epoch` is current and before `until`). */
  readonly trusted: boolean;
  readonly epoch: number;
  readonly until: number;
}

/** What the local copy says about a key: a trusted answer, or nothing (ask Redis). */
export type LocalAnswer = { readonly hit: true; readonly tokens: TokenSet | undefined } | undefined;

/**
 * This process's copy of the tokens, so `get` (on the hot path of every request) does not
 * touch Redis. An entry is trusted only while the invalidation channel is subscribed and
 * nothing invalidated the key since the read or write that filled it began:
 * - every invalidation (a message from another process, or this process's own write or
 *   delete) bumps the key's generation, and a read that started under an older generation
 *   does not make a trusted entry (its answer may predate the change);
 * - every (re)subscription bumps the epoch: messages may have been missed meanwhile, so
 *   every older entry stops being trusted.
 * Untrusted entries stay as the fall-back answer while Redis is unreachable.
 */
export class LocalCopy {
  readonly #entries = new Map<string, Entry>();
  readonly #generations = new Map<string, number>();
  #epoch = 0;

  /** The state of `key` before a read-through. */
  stamp(key: string, subscribed: boolean): Stamp {
    return { key, generation: this.#generations.get(key) ?? 0, epoch: this.#epoch, subscribed };
  }

  /** Marks a change of `key` (a write, delete or refusal) and returns the stamp after it. */
  bump(key: string, subscribed: boolean): Stamp {
    this.#generations.set(key, (this.#generations.get(key) ?? 0) + 1);
    if (this.#generations.size > MAX_ENTRIES) {
      // A forgotten generation reads as 0 again: no stamp taken before may be trusted.
      this.#evict(this.#generations);
      this.#epoch += 1;
    }
    const entry = this.#entries.get(key);
    if (entry?.trusted) this.#entries.set(key, { ...entry, trusted: false });
    return this.stamp(key, subscribed);
  }

  /** A trusted answer for `key` now, if there is one. */
  answer(key: string, now: number, subscribed: boolean): LocalAnswer {
    const entry = this.#entries.get(key);
    if (!entry?.trusted || !subscribed) return undefined;
    if (entry.epoch !== this.#epoch || now >= entry.until) return undefined;
    return { hit: true, tokens: entry.tokens };
  }

  /** The last tokens known for `key`, trusted or not: the answer while Redis is down. */
  fallback(key: string): TokenSet | undefined {
    return this.#entries.get(key)?.tokens;
  }

  /**
   * Records what Redis holds (or was just given) for `key`; trusted until `until` only if
   * nothing changed the key since `stamp` and messages were being received throughout.
   */
  fill(stamp: Stamp, tokens: TokenSet | undefined, until: number, subscribed: boolean): void {
    const trusted =
      stamp.subscribed &&
      subscribed &&
      stamp.epoch === this.#epoch &&
      stamp.generation === (this.#generations.get(stamp.key) ?? 0);
    this.#set(stamp.key, { tokens, trusted, epoch: this.#epoch, until });
  }

  /** Keeps `tokens` as the fall-back for `key` without trusting it (Redis did not take them). */
  remember(key: string, tokens: TokenSet | undefined): void {
    this.#set(key, { tokens, trusted: false, epoch: this.#epoch, until: 0 });
  }

  /** Another process changed every key, maybe: nothing from before is trusted any more. */
  newEpoch(): void {
    this.#epoch += 1;
  }

  #set(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > MAX_ENTRIES) this.#evict(this.#entries);
  }

  #evict(map: Map<string, unknown>): void {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}
