import type { components } from '@tokenwire/cloudcx';

type User = components['schemas']['User'];

const firstNames = [
  'Simone',
  'Silas',
  'Priya',
  'Mateo',
  'Aisha',
  'Jonas',
  'Elsie',
  'Kenji',
  'Fatima',
  'Oliver',
  'Sienna',
  'Tomasz',
  'Grace',
  'Rafael',
  'Ingrid',
];
const lastNames = [
  'Sinclair',
  'Okafor',
  'Larsen',
  'Moreau',
  'Basilio',
  'Nakamura',
  'Quinn',
  'Weiss',
];

/** The deterministic id of the `n`th seeded user (1-based): a fixed, valid v4-style UUID. */
export function cloudcxUserId(n: number): string {
  return `3f1c2a9e-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/**
 * 60 deterministic CloudCX users (enough for three pages of the default 25). The first is
 * the user the sandbox's password grant logs in as, so its login code is that username.
 * Several match the vendor's example filter `keywords=si`.
 */
export function cloudcxUsers(loginUsername: string): User[] {
  return Array.from({ length: 60 }, (_, i): User => {
    const first = firstNames[i % firstNames.length] ?? 'User';
    const last = lastNames[i % lastNames.length] ?? 'Example';
    const n = i + 1;
    const loginCode = i === 0 ? loginUsername : `${first}.${last}${n}`.toLowerCase();
    return {
      id: cloudcxUserId(n),
      loginCode,
      roles: i === 0 ? ['Admin', 'Agents'] : i % 10 === 0 ? ['Admin'] : ['Agents'],
      firstName: first,
      lastName: last,
      email: `${loginCode}@example.com`,
      phoneNumber: i % 4 === 3 ? null : `+1 555 01${String(n).padStart(2, '0')}`,
      uniqueCode: i % 5 === 0 ? `SB-${String(n).padStart(4, '0')}` : null,
    };
  });
}
