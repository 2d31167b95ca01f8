/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
// Test-only code lives in test-support/, which readdirSync of this folder does not list.
const shipped = readdirSync(here).filter(
  (file) => file.endsWith('.ts') && !file.endsWith('.test.ts'),
);

describe('runs wherever fetch runs', () => {
  it('finds the package sources', () => {
    expect(shipped).toContain('token-manager.ts');
  });

  it.each(shipped)('%s uses no Node-only API', (file) => {
    // Comments may name Node APIs ("without Node's Buffer"); code may not.
    const source = readFileSync(join(here, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    expect(source).not.toMatch(/\bBuffer\b/);
    expect(source).not.toMatch(/from ['"]node:/);
    expect(source).not.toMatch(/\bprocess\./);
    expect(source).not.toMatch(/\brequire\(/);
    expect(source).not.toMatch(/\bsetImmediate\b|\b__dirname\b/);
  });

  it.each(shipped)('%s does not import the test fixtures', (file) => {
    expect(readFileSync(join(here, file), 'utf8')).not.toMatch(/test-support/);
  });
});
