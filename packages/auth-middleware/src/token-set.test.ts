import { describe, expect, it } from 'vitest';
import { expiresAtFromEpochSeconds, expiresAtFromExpiresIn } from './token-set';

describe('expiry helpers', () => {
  it('turn a relative expires_in and an absolute expires_at into the same instant', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    const relative = expiresAtFromExpiresIn(300, now);
    const absolute = expiresAtFromEpochSeconds(now / 1000 + 300);
    expect(relative).toBe(absolute);
    expect(relative).toBe(now + 300_000);
  });

  it('accept a zero lifetime and fractional seconds', () => {
    expect(expiresAtFromExpiresIn(0, 1000)).toBe(1000);
    expect(expiresAtFromExpiresIn(1.5, 0)).toBe(1500);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuse %s', (value) => {
    expect(() => expiresAtFromExpiresIn(value, 0)).toThrow(RangeError);
    expect(() => expiresAtFromEpochSeconds(value)).toThrow(RangeError);
  });
});
