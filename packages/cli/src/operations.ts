// The spec's operations (specs/operations.json, written by the build from the YAML specs),
// and the check of a `tokenwire call` path against them.
import { readFileSync } from 'node:fs';
import { UsageError } from './cli-errors';
import type { Vendor } from './vendors';

/** One operation of a spec. */
export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operationId?: string;
  readonly summary?: string;
}

type OperationsFile = Record<Vendor, { title: string; operations: Operation[] }>;

let loaded: OperationsFile | undefined;

/** The directory of the shipped specs (`specs/` beside `dist/`). */
export const specsDir = new URL('../specs/', import.meta.url);

/** The operations of `vendor`'s spec. */
export function operationsOf(vendor: Vendor): readonly Operation[] {
  loaded ??= JSON.parse(
    readFileSync(new URL('operations.json', specsDir), 'utf8'),
  ) as OperationsFile;
  return loaded[vendor].operations;
}

function templateRegExp(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

/** The `{name}` parameters of a path template, in order. */
function templateNames(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(
        current + 1,
        (row[j - 1] ?? 0) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** A path matched to its operation, with the values of the template's parameters. */
export interface MatchedOperation {
  readonly operation: Operation;
  readonly pathParams: Record<string, string>;
}

/**
 * The operation `method path` names in `vendor`'s spec. A path the spec lacks is refused
 * with the nearest operations; a known path with another method, with the methods it has.
 */
export function matchOperation(vendor: Vendor, method: string, path: string): MatchedOperation {
  const operations = operationsOf(vendor);
  const onPath = operations.filter((operation) => templateRegExp(operation.path).test(path));
  const operation = onPath.find((candidate) => candidate.method === method);
  if (operation) {
    const values = templateRegExp(operation.path).exec(path)?.slice(1) ?? [];
    const names = templateNames(operation.path);
    const pathParams = Object.fromEntries(
      names.map((name, index) => [name, decodeURIComponent(values[index] ?? '')]),
    );
    return { operation, pathParams };
  }
  const line = (candidate: Operation) =>
    `  ${candidate.method} ${candidate.path}${candidate.summary ? `   (${candidate.summary})` : ''}`;
  if (onPath.length) {
    throw new UsageError(
      `The ${vendor} spec has no ${method} ${path}; this path takes:\n${onPath.map(line).join('\n')}`,
    );
  }
  const nearest = [...operations]
    .sort((a, b) => distance(path, a.path) - distance(path, b.path))
    .slice(0, 3);
  throw new UsageError(
    `The ${vendor} spec has no operation at ${path}. The nearest ones:\n${nearest.map(line).join('\n')}`,
  );
}

/** Whether `pathname` is an instance of the path `template`. */
export function pathMatches(template: string, pathname: string): boolean {
  return templateRegExp(template).test(pathname);
}
