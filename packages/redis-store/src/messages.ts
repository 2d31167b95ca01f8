/**
 * The invalidation messages on `${prefix}events`, as small JSON objects. They carry the store
 * key (a hash) and at most a token fingerprint (SHA-256): never a token or a value.
 * - `set`: the key was written; drop the local copy (and `f`, the fingerprint of the access
 *   token just stored, is no longer refused);
 * - `del`: the key was deleted; drop the local copy;
 * - `ref`: the API refused the access token whose fingerprint is `f`; drop the local copy;
 * - `rel`: the key's lease was released; waiters may try again now.
 */
export interface StoreMessage {
  /** The sending store instance, so a store ignores its own messages. */
  readonly s: string;
  readonly t: 'set' | 'del' | 'ref' | 'rel';
  readonly k: string;
  readonly f?: string;
}

const TYPES = new Set(['set', 'del', 'ref', 'rel']);

export function encodeMessage(message: StoreMessage): string {
  return JSON.stringify(message);
}

/** The message, or undefined for anything malformed (the channel is shared, so be strict). */
export function decodeMessage(raw: string): StoreMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { s, t, k, f } = parsed as Record<string, unknown>;
  if (typeof s !== 'string' || typeof t !== 'string' || !TYPES.has(t) || typeof k !== 'string') {
    return undefined;
  }
  if (f !== undefined && (typeof f !== 'string' || !/^[0-9a-f]{64}$/.test(f))) return undefined;
  const message = { s, t: t as StoreMessage['t'], k };
  return f === undefined ? message : { ...message, f };
}
