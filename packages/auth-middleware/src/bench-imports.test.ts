/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from './index';
import * as vendorKit from './vendor-kit';

// `pnpm bench` runs against the built entries and is not part of the test run, so a name
// it imports that an entry stopped exporting would only show when someone benchmarks.
const bench = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '../bench/index.mjs'),
  'utf8',
);
const entries: Record<string, Record<string, unknown>> = {
  '../dist/index.js': main,
  '../dist/vendor-kit.js': vendorKit,
};

function importsFrom(specifier: string): string[] {
  const pattern = /import\s*\{([^}]*)\}\s*from\s*'([^']+)'/g;
  return [...bench.matchAll(pattern)]
    .filter(([, , from]) => from === specifier)
    .flatMap(([, names = '']) => names.split(','))
    .map((name) => name.trim().replace(/^type\s+/, ''))
    .filter(Boolean);
}

describe('the benchmark', () => {
  it('imports from the built entries only', () => {
    const local = [...bench.matchAll(/from\s*'(\.[^']+)'/g)].map(([, from]) => from);
    expect(local.length).toBeGreaterThan(0);
    for (const from of local) expect(Object.keys(entries)).toContain(from);
  });

  it.each(Object.keys(entries))('imports only names that %s exports', (specifier) => {
    const exported = entries[specifier] ?? {};
    for (const name of importsFrom(specifier)) {
      expect(exported, `${name} from ${specifier}`).toHaveProperty(name);
    }
  });
});
