import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiEntryPoints, checkApiReference } from './api-reference.mjs';

const fixture = resolve(import.meta.dirname, 'fixtures/api-reference');

describe('pnpm lint:api', () => {
  it('reads every public package entry point, the vendor-kit subpath included', () => {
    const names = apiEntryPoints.map((e) => e.name);
    expect(names).toContain('@tokenwire/auth-middleware');
    expect(names).toContain('@tokenwire/auth-middleware/vendor-kit');
    expect(names).toContain('@tokenwire/cloudlx');
    expect(names).not.toContain('@tokenwire/client-tests');
  });

  it('reports undocumented exports and properties and broken links, and skips generated code', async () => {
    const result = await checkApiReference({
      entries: [
        {
          name: '@tokenwire-fixture/api-reference',
          packageName: '@tokenwire-fixture/api-reference',
          packageDir: 'api-reference',
          file: join(fixture, 'src/index.ts'),
        },
      ],
      tsconfig: join(fixture, 'tsconfig.json'),
      quiet: true,
    });
    const text = result.messages.join('\n');
    const undocumented = [
      ...text.matchAll(
        /^\[warning\] (\S+) \(\w+\), defined in .* does not have any documentation/gm,
      ),
    ].map((m) => m[1]);
    expect(undocumented.sort()).toEqual([
      'UndocumentedInterface',
      'UndocumentedProperty.bare',
      'undocumentedFunction',
    ]);
    expect(text).toContain('NoSuchSymbol');
    expect(text).not.toMatch(/Generated/);
    // Each finding fails the check (lint:api exits 1 on any).
    expect(result.errors + result.warnings).toBe(4);
  }, 60_000);
});
