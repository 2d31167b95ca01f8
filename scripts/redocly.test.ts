import { describe, expect, it } from 'vitest';
import { withoutNode20Banner } from './redocly.mjs';

const box = (title: string) => [
  '    ╔═══════════════════════╗',
  '    ║                       ║',
  `    ║  ${title}  ║`,
  '    ╚═══════════════════════╝',
];

function filter(lines: string[]) {
  const kept: string[] = [];
  const write = withoutNode20Banner((line: string) => kept.push(line));
  for (const line of lines) write(line);
  return kept;
}

describe('the Redocly output filter', () => {
  it('drops the Node 20 deprecation box and the blank line after it', () => {
    const lines = [
      ...box('\u001b[1mDeprecation warning: Node.js 20 support is ending\u001b[22m'),
      '',
      'validating specs/cloudlx.yaml...',
    ];
    expect(filter(lines)).toEqual(['validating specs/cloudlx.yaml...']);
  });

  it('keeps every other line, boxed or not', () => {
    const lines = ['before', ...box('Update available: 2.78.0'), '', 'after'];
    expect(filter(lines)).toEqual(lines);
  });
});
