import { InvalidOptionsError, type TokenSet } from '@tokenwire/auth-middleware';

/** How token sets are turned into the string kept in Redis, and back. */
export interface ValueCodec {
  /** Whether values are encrypted (AES-GCM) rather than plain JSON. */
  readonly encrypted: boolean;
  encode(key: string, tokens: TokenSet): Promise<string>;
  /** The tokens, or an {@link UnreadableValue} saying why the value cannot be read. */
  decode(key: string, raw: string): Promise<TokenSet | UnreadableValue>;
}

/** A stored value this store cannot read; `reason` names why, never the value. */
export class UnreadableValue {
  constructor(readonly reason: string) {}
}

/** Encrypted values start with this, then base64url(IV) `.` base64url(ciphertext + tag). */
const ENCRYPTED_PREFIX = 'tw1.';
const MIN_KEY_BYTES = 16;
const IV_BYTES = 12;
// Fixed, public HKDF parameters: the secret is the key material; these only separate uses.
const HKDF_SALT = new TextEncoder().encode('tokenwire/redis-store');
const HKDF_INFO = new TextEncoder().encode('tokenwire/redis-store AES-256-GCM v1');

const text = new TextEncoder();

/** A TokenSet built only from the known fields with the right types (a value may be foreign). */
function toTokenSet(parsed: unknown): TokenSet | UnreadableValue {
  if (typeof parsed !== 'object' || parsed === null) {
    return new UnreadableValue('it is not a JSON object');
  }
  const value = parsed as Record<string, unknown>;
  if (typeof value.accessToken !== 'string' || value.accessToken === '') {
    return new UnreadableValue('it has no accessToken string');
  }
  const tokens: {
    accessToken: string;
    refreshToken?: string;
    expiresAt?: number;
    tokenType?: string;
    obtainedAt?: number;
    scope?: string;
  } = { accessToken: value.accessToken };
  if (typeof value.refreshToken === 'string') tokens.refreshToken = value.refreshToken;
  if (typeof value.expiresAt === 'number' && Number.isFinite(value.expiresAt)) {
    tokens.expiresAt = value.expiresAt;
  }
  if (typeof value.tokenType === 'string') tokens.tokenType = value.tokenType;
  if (typeof value.obtainedAt === 'number' && Number.isFinite(value.obtainedAt)) {
    tokens.obtainedAt = value.obtainedAt;
  }
  if (typeof value.scope === 'string') tokens.scope = value.scope;
  return tokens;
}

function parseJson(raw: string): TokenSet | UnreadableValue {
  try {
    return toTokenSet(JSON.parse(raw));
  } catch {
    return new UnreadableValue('it is not JSON');
  }
}

/** Plain JSON: anyone who can read Redis can read the tokens. */
export const plainCodec: ValueCodec = {
  encrypted: false,
  encode: async (_key, tokens) => JSON.stringify(tokens),
  decode: async (_key, raw) =>
    raw.startsWith(ENCRYPTED_PREFIX)
      ? new UnreadableValue('it is encrypted and this store has no encryptionKey')
      : parseJson(raw),
};

/** The key material as bytes; refuses what is too short to be a key. */
function keyBytes(encryptionKey: string | Uint8Array): Uint8Array {
  const bytes = typeof encryptionKey === 'string' ? text.encode(encryptionKey) : encryptionKey;
  if (!(bytes instanceof Uint8Array) || bytes.length < MIN_KEY_BYTES) {
    throw new InvalidOptionsError(
      'encryptionKey',
      `encryptionKey must be at least ${MIN_KEY_BYTES} bytes (a string or a Uint8Array); use 32 random bytes, e.g. \`openssl rand -base64 32\`, kept as a secret.`,
    );
  }
  return bytes;
}

/**
 * AES-256-GCM with a random 96-bit IV per write; the key is derived from `encryptionKey` with
 * HKDF-SHA-256. The store key is the additional authenticated data, so a value copied under
 * another key does not decrypt. Neither token appears in the value kept in Redis.
 */
export function aesGcmCodec(encryptionKey: string | Uint8Array): ValueCodec {
  const material = keyBytes(encryptionKey);
  let derived: Promise<CryptoKey> | undefined;
  const aesKey = () => {
    derived ??= crypto.subtle
      .importKey('raw', material as BufferSource, 'HKDF', false, ['deriveKey'])
      .then((hkdf) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: HKDF_SALT, info: HKDF_INFO },
          hkdf,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt'],
        ),
      );
    return derived;
  };
  return {
    encrypted: true,
    async encode(key, tokens) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: text.encode(key) },
        await aesKey(),
        text.encode(JSON.stringify(tokens)),
      );
      const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
      return `${ENCRYPTED_PREFIX}${b64(iv)}.${b64(new Uint8Array(sealed))}`;
    },
    async decode(key, raw) {
      if (!raw.startsWith(ENCRYPTED_PREFIX)) {
        // A plain value where encrypted ones are expected: written by a store without the
        // key, or by someone with write access to Redis. Either way it is not trusted.
        return new UnreadableValue('it is not encrypted and this store expects encrypted values');
      }
      const [iv, sealed, extra] = raw.slice(ENCRYPTED_PREFIX.length).split('.');
      if (!iv || !sealed || extra !== undefined) {
        return new UnreadableValue('it is not an encrypted value of this store');
      }
      let plain: ArrayBuffer;
      try {
        plain = await crypto.subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: Buffer.from(iv, 'base64url'),
            additionalData: text.encode(key),
          },
          await aesKey(),
          Buffer.from(sealed, 'base64url'),
        );
      } catch {
        return new UnreadableValue('it does not decrypt with this encryptionKey');
      }
      return parseJson(new TextDecoder().decode(plain));
    },
  };
}
