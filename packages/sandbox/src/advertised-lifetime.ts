/**
 * How a token response ADVERTISES the access token's lifetime, independently of how long the
 * token really lives (`accessTokenTtlSeconds`). Real servers and proxies send odd values
 * (`"3600"`, `0`, nothing at all); a client that trusts the advertised value must still work
 * when it is wrong, by using the token until a 401 says otherwise.
 *
 * | mode       | CloudLX / CloudCX `expires_in` | Sensu `expires_at`              |
 * | ---------- | ------------------------------ | ------------------------------- |
 * | `number`   | the real lifetime, e.g. `3600` | the real expiry (unix seconds)  |
 * | `zero`     | `0`                            | now                             |
 * | `string`   | `"3600"`                       | `"1767225900"`                  |
 * | `missing`  | absent                         | absent                          |
 * | `null`     | `null`                         | `null`                          |
 * | `negative` | `-5`                           | 5 seconds ago                   |
 */
export type AdvertisedLifetime = 'number' | 'zero' | 'string' | 'missing' | 'null' | 'negative';

/** Every {@link AdvertisedLifetime} mode, in the order the README's table lists them. */
export const advertisedLifetimes: readonly AdvertisedLifetime[] = [
  'number',
  'zero',
  'string',
  'missing',
  'null',
  'negative',
];

/** What the `negative` mode advertises: a lifetime of -5 s (Sensu: an expiry 5 s ago). */
export const negativeLifetimeSeconds = -5;

/** A JSON member value; `undefined` leaves the member out (JSON.stringify drops it). */
export type AdvertisedValue = number | string | null | undefined;

/** Checks a mode from TypeScript or JSON; `name` is the field it came from, for the message. */
export function checkAdvertisedLifetime(name: string, value: unknown): AdvertisedLifetime {
  if (!advertisedLifetimes.includes(value as AdvertisedLifetime)) {
    throw new RangeError(
      `${name} must be one of: ${advertisedLifetimes.join(', ')}; got ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  return value as AdvertisedLifetime;
}

/** The `expires_in` to send for a token whose real remaining lifetime is `seconds`. */
export function advertisedExpiresIn(mode: AdvertisedLifetime, seconds: number): AdvertisedValue {
  switch (mode) {
    case 'number':
      return seconds;
    case 'zero':
      return 0;
    case 'string':
      return String(seconds);
    case 'missing':
      return undefined;
    case 'null':
      return null;
    case 'negative':
      return negativeLifetimeSeconds;
  }
}

/**
 * The `expires_at` to send for a token that really expires at `expSeconds` (unix seconds),
 * `nowSeconds` being the server's clock.
 */
export function advertisedExpiresAt(
  mode: AdvertisedLifetime,
  expSeconds: number,
  nowSeconds: number,
): AdvertisedValue {
  switch (mode) {
    case 'number':
      return expSeconds;
    case 'zero':
      return nowSeconds;
    case 'string':
      return String(expSeconds);
    case 'missing':
      return undefined;
    case 'null':
      return null;
    case 'negative':
      return nowSeconds + negativeLifetimeSeconds;
  }
}

/**
 * A 200 token response whose body deliberately breaks the spec's schema (a string, null or
 * missing lifetime), so it cannot go through the spec-typed responder.
 */
export function offSpecTokenResponse(
  body: Record<string, unknown>,
  options: { newline?: boolean } = {},
): Response {
  return new Response(JSON.stringify(body) + (options.newline ? '\n' : ''), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}
