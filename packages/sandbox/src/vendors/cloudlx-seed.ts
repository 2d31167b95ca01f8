import type { components } from '@tokenwire/cloudlx';

type Service = components['schemas']['Service'];
type User = components['schemas']['User'];
type Customer = components['schemas']['Customer'];

/** Deterministic CloudLX data: the same on every start, so tests can assert on it. */
export const cloudlxCustomers: readonly Customer[] = [
  { id: 7, name: 'Sandbox Networks Ltd' },
  { id: 8, name: 'Example Cloud Exchange plc' },
  { id: 9, name: 'Test Carrier GmbH' },
];

const providers = ['aws', 'azure', 'gcp', 'oracle'] as const;
const cities = ['london', 'amsterdam', 'frankfurt', 'paris', 'dublin'] as const;
const bandwidths = [50, 100, 200, 500, 1000, 10_000] as const;

function pick<T>(list: readonly T[], index: number): T {
  const value = list[index % list.length];
  if (value === undefined) throw new RangeError('pick() from an empty list');
  return value;
}

function timestamp(month: number, day: number, hour: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `2025-${pad(month)}-${pad(day)} ${pad(hour)}:00:00`;
}

export const cloudlxServices: readonly Service[] = Array.from({ length: 12 }, (_, i) => {
  const cancelled = i % 5 === 4;
  return {
    id: 1001 + i,
    name: `sandbox-${pick(providers, i)}-${pick(cities, i)}-${i + 1}`,
    vlan: 100 + i,
    nni_vlan: 2100 + i,
    created: timestamp(1 + (i % 12), 1 + ((i * 7) % 28), 8 + (i % 10)),
    cancellation_date: cancelled ? timestamp(12, 1 + i, 12) : null,
    bandwidth: pick(bandwidths, i),
    paused: i % 7 === 3,
    expired: cancelled,
    type: pick(providers, i),
    port: `sandbox-port-${1 + (i % 4)}`,
  };
});

const firstNames = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
const lastNames = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
];
const timeZones = ['Europe/London', 'Europe/Amsterdam', 'America/New_York', 'Asia/Singapore'];

export const cloudlxUsers: readonly User[] = firstNames.map((first, i) => {
  const last = pick(lastNames, i);
  return {
    id: 42 + i,
    customer_id: pick(cloudlxCustomers, i).id,
    email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`,
    first_name: first,
    last_name: last,
    phone: i % 3 === 2 ? null : `+44 20 7946 0${String(100 + i).padStart(3, '0')}`,
    time_zone: pick(timeZones, i),
  };
});
