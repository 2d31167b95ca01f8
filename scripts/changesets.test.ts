import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..');
const folder = join(repoRoot, '.changeset');

interface Changeset {
  id: string;
  summary: string;
  releases: { name: string; type: string }[];
}

// The reader `changeset version` itself uses, reached through the CLI the workspace installs.
const fromCli = createRequire(
  realpathSync(join(repoRoot, 'node_modules/@changesets/cli/package.json')),
);
const readChangesets = (
  fromCli('@changesets/read') as { default: (cwd: string) => Promise<Changeset[]> }
).default;

const files = readdirSync(folder).filter((file) => file.endsWith('.md') && file !== 'README.md');
const packages = readdirSync(join(repoRoot, 'packages')).map(
  (dir) =>
    (
      JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')) as {
        name: string;
      }
    ).name,
);

describe('changesets', () => {
  it('every pending changeset parses, so a release can be cut', async () => {
    // A malformed front matter (e.g. a formatter turning it into a heading) throws here.
    const changesets = await readChangesets(repoRoot);
    expect(changesets.map(({ id }) => `${id}.md`).sort()).toEqual([...files].sort());
    for (const { id, summary, releases } of changesets) {
      expect(releases.length, `${id}.md names no package`).toBeGreaterThan(0);
      expect(summary.trim(), `${id}.md has no summary`).not.toBe('');
      for (const { name, type } of releases) {
        expect(packages, `${id}.md names ${name}`).toContain(name);
        expect(['patch', 'minor', 'major']).toContain(type);
      }
    }
  });
});
