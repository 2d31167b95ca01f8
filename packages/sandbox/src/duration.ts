/**
 * Signed durations as people type them on a command line or in curl: `-5m`, `+300s`,
 * `90000` (a bare number is milliseconds), `2h`, `1d`, `250ms`. Whole numbers only.
 */

const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

type Unit = keyof typeof unitMs;

const durationPattern = /^([+-]?)(\d{1,15})(ms|s|m|h|d)?$/;

/** A one-line description of the syntax, for error messages and `--help`. */
export const durationSyntax =
  'milliseconds or a whole number with a unit (ms, s, m, h, d), signed: e.g. -5m, +300s, 90000';

/** Parses a signed duration into milliseconds; `name` is the flag or field, for the message. */
export function parseDuration(name: string, text: string): number {
  const match = durationPattern.exec(text.trim());
  if (!match) {
    throw new TypeError(`${name} takes ${durationSyntax}; got ${JSON.stringify(text)}.`);
  }
  const [, sign = '', digits = '', unit = 'ms'] = match;
  const ms = Number(digits) * unitMs[unit as Unit];
  return sign === '-' && ms !== 0 ? -ms : ms;
}

/** A duration in the largest unit that divides it exactly, signed: `-5m`, `+90s`, `0`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  const sign = ms < 0 ? '-' : '+';
  const magnitude = Math.abs(ms);
  const units: Unit[] = ['d', 'h', 'm', 's'];
  const unit = units.find((u) => magnitude % unitMs[u] === 0) ?? 'ms';
  return `${sign}${magnitude / unitMs[unit]}${unit}`;
}
