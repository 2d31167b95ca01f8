#!/usr/bin/env node
// Build step before tsdown: empties dist/ (the two tsdown configs build side by side, so
// neither may clean it), copies the three vendor specs from ../../specs into ./specs (shipped in the
// tarball for `tokenwire mock` and `tokenwire docs`), and writes specs/operations.json, the
// method and path of every operation, which `tokenwire call` checks a path against. The
// YAML is parsed here, at build time, so the CLI needs no YAML parser at run time.
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const from = resolve(here, '../../../specs');
const to = resolve(here, '../specs');
const vendors = ['cloudlx', 'cloudcx', 'sensu'];
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

await rm(resolve(here, '../dist'), { recursive: true, force: true });
await rm(to, { recursive: true, force: true });
await mkdir(to, { recursive: true });
const operations = {};
for (const vendor of vendors) {
  const spec = join(from, `${vendor}.yaml`);
  await copyFile(spec, join(to, `${vendor}.yaml`));
  const document = parse(await readFile(spec, 'utf8'));
  const list = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of methods) {
      const operation = item?.[method];
      if (!operation) continue;
      list.push({
        method: method.toUpperCase(),
        path,
        ...(operation.operationId ? { operationId: operation.operationId } : {}),
        ...(operation.summary ? { summary: operation.summary } : {}),
      });
    }
  }
  operations[vendor] = { title: document.info?.title ?? vendor, operations: list };
}
await writeFile(join(to, 'operations.json'), `${JSON.stringify(operations, null, 2)}\n`);
