import { timingSafeEqual } from 'node:crypto';

/** Compares a presented secret with the expected one in time independent of where they differ. */
export function secretEquals(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}
