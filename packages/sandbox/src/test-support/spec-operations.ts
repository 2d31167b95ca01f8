import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './prism';

const methods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  statuses: string[];
}

/** Every operation of a spec with its documented response statuses. */
export function specOperations(spec: string): SpecOperation[] {
  const doc: unknown = parse(readFileSync(resolve(repoRoot, spec), 'utf8'));
  const paths = isRecord(doc) && isRecord(doc.paths) ? doc.paths : {};
  const operations: SpecOperation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue;
    for (const method of methods) {
      const operation = item[method];
      if (!isRecord(operation) || typeof operation.operationId !== 'string') continue;
      const responses = isRecord(operation.responses) ? Object.keys(operation.responses) : [];
      operations.push({ operationId: operation.operationId, method, path, statuses: responses });
    }
  }
  return operations;
}
