import { createHash } from 'node:crypto';

/** Refused access tokens remembered per key: only recent ones can still be in use. */
export const REFUSALS_KEPT = 32;
/** Keys with refusals remembered at most. */
const MAX_KEYS = 10_000;

/**
 * The fingerprint of an access token: SHA-256, hex. This is what goes to Redis and over
 * pub/sub, never the token. Synchronous (node:crypto) because `isRefused` is.
 */
export function fingerprint(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('hex');
}

/**
 * The access tokens refused by the API, per key, as fingerprints: filled by this process's own
 * refusals, by other processes' refusal messages and by what Redis holds when a key is read.
 * `has` runs on the hot path: with no refusal for the key it hashes nothing.
 */
export class RefusalSet {
  readonly #byKey = new Map<string, string[]>();
  /** The last token checked per key and its fingerprint, so a hot path hashes once. */
  readonly #memo = new Map<string, { token: string; fingerprint: string }>();

  add(key: string, refused: string): void {
    const list = (this.#byKey.get(key) ?? []).filter((f) => f !== refused);
    list.push(refused);
    this.#byKey.delete(key);
    this.#byKey.set(key, list.slice(-REFUSALS_KEPT));
    if (this.#byKey.size > MAX_KEYS) {
      const oldest = this.#byKey.keys().next();
      if (!oldest.done) this.#byKey.delete(oldest.value);
    }
  }

  /** Adds every fingerprint Redis holds for `key` (oldest first). */
  merge(key: string, refused: readonly string[]): void {
    const known = this.#byKey.get(key);
    for (const f of refused) if (!known?.includes(f)) this.add(key, f);
  }

  /** The token was stored again (a server re-issued it): it is usable again. */
  clear(key: string, refused: string): void {
    const list = this.#byKey.get(key);
    if (!list?.includes(refused)) return;
    const rest = list.filter((f) => f !== refused);
    if (rest.length) this.#byKey.set(key, rest);
    else this.#byKey.delete(key);
  }

  has(key: string, accessToken: string): boolean {
    const list = this.#byKey.get(key);
    if (!list?.length) return false;
    let memo = this.#memo.get(key);
    if (memo?.token !== accessToken) {
      memo = { token: accessToken, fingerprint: fingerprint(accessToken) };
      this.#memo.set(key, memo);
      if (this.#memo.size > MAX_KEYS) {
        const oldest = this.#memo.keys().next();
        if (!oldest.done) this.#memo.delete(oldest.value);
      }
    }
    return list.includes(memo.fingerprint);
  }
}
