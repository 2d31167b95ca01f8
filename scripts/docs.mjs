#!/usr/bin/env node
// `pnpm run docs`: static API reference docs into site/ (not committed):
//   site/<api>/index.html       one Redocly reference page per spec (redocly build-docs)
//   site/packages/<name>.html   each package's README
//   site/index.html             an introduction linking to all of them
// `node scripts/docs.mjs --serve [--port N]` builds, then serves site/ on 127.0.0.1
// (default port 4030) until Ctrl-C.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { marked } from 'marked';
import { vendors } from './vendors.mjs';

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const siteDir = join(repoRoot, 'site');
const redocly = join(repoRoot, 'node_modules/.bin/redocly');

/**
 * Every public package (no `"private": true`), read from packages/*: the vendor clients in
 * vendors.mjs order, then the others by name. A new package gets its page without edits here.
 */
export const packagePages = readdirSync(join(repoRoot, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) => {
    const file = join(repoRoot, 'packages', entry.name, 'package.json');
    if (!existsSync(file)) return [];
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    return manifest.private ? [] : [{ name: String(manifest.name), dir: entry.name }];
  })
  .sort((a, b) => {
    const rank = (p) => {
      const index = vendors.findIndex((v) => v.api === p.dir);
      return index < 0 ? vendors.length : index;
    };
    return rank(a) - rank(b) || a.name.localeCompare(b.name);
  });

const escapeHtml = (text) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

const style = `
  body { font: 16px/1.55 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d2430; }
  h1, h2 { line-height: 1.2; } a { color: #2557c4; }
  code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
  pre { background: #f4f6f9; padding: 0.8rem; overflow-x: auto; border-radius: 6px; }
  table { border-collapse: collapse; } td, th { border: 1px solid #d9dee5; padding: 0.3rem 0.6rem; text-align: left; }
  nav { margin-bottom: 1.5rem; }`;

function page(title, body) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${style}</style></head>
<body>${body}</body></html>
`;
}

/** Renders a package README; its links into the repository (../../specs, ../../examples) point at the copies under site/. */
function readmeHtml(markdown) {
  return marked
    .parse(markdown, { async: false, gfm: true })
    .replace(
      /href="\.\.\/\.\.\/(specs|examples)(\/[^"]*)?"/g,
      (_, dir, rest) => `href="../${dir}${rest ?? '/'}"`,
    );
}

/** Copies the specs and the examples next to the pages, with an index of each folder. */
async function copySources() {
  for (const [dir, pattern] of [
    ['specs', /\.yaml$/],
    ['examples', /^(cloudlx|cloudcx|sensu|demo)\.ts$/],
  ]) {
    const files = (await readdir(join(repoRoot, dir))).filter((f) => pattern.test(f)).sort();
    await mkdir(join(siteDir, dir), { recursive: true });
    for (const file of files) await copyFile(join(repoRoot, dir, file), join(siteDir, dir, file));
    const items = files.map((f) => `<li><a href="${f}">${escapeHtml(f)}</a></li>`).join('\n');
    const nav = '<nav><a href="../index.html">&larr; tokenwire docs</a></nav>';
    await writeFile(
      join(siteDir, dir, 'index.html'),
      page(`tokenwire ${dir}`, `${nav}<h1>${dir}/</h1><ul>${items}</ul>`),
    );
  }
}

// Redoc's sidebar credit loads Redocly's logo from their CDN; the docs must work offline
// (and without a console error), so the credit keeps its text and link with a local image.
const redoclyCredit = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="14"><text x="0" y="11" font-family="sans-serif" font-size="11" fill="#0044d4">Redocly</text></svg>',
)}`;

async function buildReference(vendor) {
  const output = join(siteDir, vendor.api, 'index.html');
  await run(
    redocly,
    [
      'build-docs',
      vendor.api,
      '--output',
      output,
      '--title',
      `${vendor.title} API reference (tokenwire)`,
      '--inlineBundle',
      '--openapi.disableGoogleFont=true',
      '--lint-config',
      'off',
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    },
  );
  const html = await readFile(output, 'utf8');
  await writeFile(
    output,
    html.replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg/g, redoclyCredit),
  );
  return output;
}

function indexHtml() {
  const apis = vendors
    .map(
      (v) =>
        `<li><a href="${v.api}/index.html">${escapeHtml(v.title)} API reference</a>: mock on 127.0.0.1:${v.mockPort}, sandbox on 127.0.0.1:${v.sandboxPort}</li>`,
    )
    .join('\n');
  const packages = packagePages
    .map((p) => `<li><a href="packages/${p.dir}.html">${escapeHtml(p.name)}</a></li>`)
    .join('\n');
  return page(
    'tokenwire: API docs',
    `<h1>tokenwire</h1>
<p>Typed TypeScript clients for three vendor APIs whose authentication is fiddly, with the tokens handled for you:
lazy acquisition, refresh ahead of expiry, one refresh and one replay after a 401, one token request however many calls wait, and errors that never contain a secret.</p>
<ul>
<li><strong>CloudLX</strong> (Epsilon): OAuth2 client credentials, a separate refresh endpoint and the vendor media type <code>application/vnd.cloudlx.v1+json</code>.</li>
<li><strong>CloudCX</strong> (Cloudfon): OAuth2 password grant or an API key, results in a <code>code</code> envelope.</li>
<li><strong>Sensu Go</strong>: HTTP Basic exchanged for a 5-minute JWT, refreshed with the expired token plus a rotating refresh token.</li>
</ul>
<h2>API reference</h2>
<p>Rendered from the hand-written OpenAPI 3.1 specs, which record what the real servers do where the vendors' pages are wrong.</p>
<ul>
${apis}
</ul>
<p>The Prism mocks (<code>pnpm mock</code>) answer from the spec examples and validate requests; the sandboxes (<code>pnpm sandbox</code>) have real token lifecycles.</p>
<h2>Packages</h2>
<ul>
${packages}
</ul>`,
  );
}

/** Builds site/ from scratch. Resolves with the pages written, relative to site/. */
export async function buildDocs() {
  await rm(siteDir, { recursive: true, force: true });
  await mkdir(join(siteDir, 'packages'), { recursive: true });
  await Promise.all(vendors.map(buildReference));
  for (const p of packagePages) {
    const markdown = await readFile(join(repoRoot, 'packages', p.dir, 'README.md'), 'utf8');
    const nav = '<nav><a href="../index.html">&larr; tokenwire docs</a></nav>';
    await writeFile(
      join(siteDir, 'packages', `${p.dir}.html`),
      page(p.name, nav + readmeHtml(markdown)),
    );
  }
  await copySources();
  await writeFile(join(siteDir, 'index.html'), indexHtml());
  return [
    'index.html',
    ...vendors.map((v) => `${v.api}/index.html`),
    ...packagePages.map((p) => `packages/${p.dir}.html`),
  ];
}

const types = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.png': 'image/png',
  '.yaml': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/** Serves site/ on 127.0.0.1. Resolves once listening. */
export function serveDocs({ port = 4030 } = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    let file = normalize(join(siteDir, path));
    if (file !== siteDir && !file.startsWith(siteDir + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path.endsWith('/')) file = join(file, 'index.html');
    try {
      const body = await readFile(file);
      res
        .writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
        .end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      done({
        url: `http://127.0.0.1:${actual}`,
        close: () => new Promise((closed) => server.close(() => closed())),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const pages = await buildDocs();
  console.log(
    `Built ${pages.length} pages into site/ in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  if (process.argv.includes('--serve')) {
    const at = process.argv.indexOf('--port');
    const docs = await serveDocs({ port: at > 0 ? Number(process.argv[at + 1]) : 4030 });
    console.log(`Serving the docs on ${docs.url} (Ctrl-C to stop).`);
    const stop = async () => {
      await docs.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
}
