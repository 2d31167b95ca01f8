#!/usr/bin/env node
// `pnpm size:floor`: how small @tokenwire/auth-middleware could get by trimming messages
// alone. Bundles the built main entry (everything, then `createTokenAuth` only) the way
// size-limit does (esbuild, minified, openapi-fetch external), gzips it, then empties every
// string and template literal (error messages, log lines, header names) and measures again.
// Emptying templates also drops the code inside their `${}` parts, so the second figure is
// a lower bound on the size of the logic.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';
import ts from 'typescript';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(repoRoot, 'packages/auth-middleware/dist/index.js');
readFileSync(entry); // fails clearly when the package is not built

async function bundle(imports) {
  const result = await build({
    stdin: { contents: `export ${imports} from ${JSON.stringify(entry)};`, resolveDir: repoRoot },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    external: ['openapi-fetch'],
  });
  return result.outputFiles[0].text;
}

/** The code with every string and template literal emptied, minified again. */
async function withoutStrings(code) {
  const source = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.Latest, true);
  const empty = (context) => (root) => {
    const visit = (node) => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        return context.factory.createStringLiteral('');
      }
      if (ts.isTemplateExpression(node)) return context.factory.createStringLiteral('');
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(root, visit);
  };
  const [output] = ts.transform(source, [empty]).transformed;
  const printed = ts.createPrinter().printFile(output);
  return (await transform(printed, { minify: true, format: 'esm' })).code;
}

const gz = (text) => gzipSync(text, { level: 9 }).length;
for (const [name, imports] of [
  ['everything', '*'],
  ['createTokenAuth', '{ createTokenAuth }'],
]) {
  const code = await bundle(imports);
  const bare = await withoutStrings(code);
  console.log(
    `${name.padEnd(16)} ${String(gz(code)).padStart(5)} B min+gz; without any string: ${String(gz(bare)).padStart(5)} B`,
  );
}
