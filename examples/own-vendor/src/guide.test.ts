import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const guide = readFileSync(join(root, 'GUIDE.md'), 'utf8');

/** A whole file, or the lines between `// #region <name>` and `// #endregion <name>`, dedented. */
function snippet(spec: string): string {
  const [path = '', name] = spec.split('#');
  const lines = readFileSync(join(root, path), 'utf8').trimEnd().split('\n');
  if (!name) return lines.join('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  const end = lines.findIndex((line) => line.trim() === `// #endregion ${name}`);
  if (start < 0 || end < start) throw new Error(`${path} has no region "${name}".`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length),
  );
  return body.map((line) => line.slice(indent)).join('\n');
}

/** Every fenced block of the guide, with the include marker just above it (if any). */
const blocks = [...guide.matchAll(/(?:<!-- include: (\S+) -->\n)?```(\w*)\n([\s\S]*?)\n?```/g)].map(
  (match) => ({ include: match[1], lang: match[2], code: match[3] ?? '' }),
);

describe('GUIDE.md', () => {
  it('has TypeScript blocks, each included from a file of the example', () => {
    const ts = blocks.filter((block) => block.lang === 'ts' || block.lang === 'typescript');
    expect(ts.length).toBeGreaterThan(5);
    for (const block of ts) {
      expect(block.include, `a ts block without an include marker:\n${block.code}`).toBeDefined();
    }
  });

  it('shows each included file or region exactly as it is in the source', () => {
    const included = blocks.filter((block) => block.include);
    for (const block of included) {
      expect(
        block.code,
        `GUIDE.md's block for ${block.include} differs from the source: copy it again`,
      ).toBe(snippet(block.include ?? ''));
    }
    // The whole client is in the guide, region by region.
    expect(included.map((block) => block.include)).toEqual(
      expect.arrayContaining([
        'src/acme-client.ts',
        'src/usage.ts',
        ...['imports', 'options', 'assertion', 'setup', 'strategy', 'client'].map(
          (region) => `src/forge-client.ts#${region}`,
        ),
      ]),
    );
  });
});
