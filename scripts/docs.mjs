#!/usr/bin/env node
// `pnpm run docs`: the static docs site into site/ (not committed):
//   site/index.html              an introduction with the navigation to everything below
//   site/<api>/index.html        one Redoc reference page per spec (redocly build-docs)
//   site/api/                    the TypeScript API reference (TypeDoc, scripts/api-reference.mjs)
//   site/packages/<name>.html    each package's README, code highlighted
//   site/examples/<name>.html    each example, highlighted, beside its .ts file
//   site/specs/<api>.yaml        the specs themselves
// Every page carries the same navigation bar. Text files get a .gz and a .br copy beside them,
// which the server sends to clients that accept them.
// `node scripts/docs.mjs --serve [--port N]` builds, then serves site/ on 127.0.0.1
// (default port 4030) until Ctrl-C.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';
import hljs from 'highlight.js';
import { Marked } from 'marked';
import { markedHighlight } from 'marked-highlight';
import sirv from 'sirv';
import { buildApiReference } from './api-reference.mjs';
import { runRedocly } from './redocly.mjs';
import { vendors } from './vendors.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const siteDir = join(repoRoot, 'site');
const require = createRequire(import.meta.url);

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
    return manifest.private
      ? []
      : [{ name: String(manifest.name), dir: entry.name, description: manifest.description }];
  })
  .sort((a, b) => {
    const rank = (p) => {
      const index = vendors.findIndex((v) => v.api === p.dir);
      return index < 0 ? vendors.length : index;
    };
    return rank(a) - rank(b) || a.name.localeCompare(b.name);
  });

/** The runnable examples: one per vendor and the main command's demo. */
const examplePattern = /^(cloudlx|cloudcx|sensu|demo)\.ts$/;

const escapeHtml = (text) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

// The navigation bar is the same markup and style on every page: the site's own pages, the
// Redoc pages and the TypeDoc pages. Its classes are prefixed so that neither Redoc's nor
// TypeDoc's styles reach it, and it carries its own <style> for the pages we do not template.
const navStyle = `
  .tw-nav { display: flex; flex-wrap: wrap; align-items: center; gap: 0.2rem 1rem; box-sizing: border-box;
    margin: 0; padding: 0.55rem 1rem; background: #1d2430; color: #c9d1dc;
    font: 14px/1.4 system-ui, sans-serif; position: relative; z-index: 1000; }
  .tw-nav a { color: #fff; text-decoration: none; }
  .tw-nav a:hover, .tw-nav a:focus { text-decoration: underline; }
  .tw-nav a[aria-current="page"] { text-decoration: underline; text-underline-offset: 0.25em; }
  .tw-nav .tw-home { font-weight: 700; margin-right: 0.5rem; }
  .tw-nav .tw-group { display: inline-flex; gap: 0.6rem; align-items: center; }
  .tw-nav .tw-label { color: #9aa6b6; }`;

/** The sections every page links to, as paths from the site's root. */
const sections = [
  { href: 'index.html', text: 'tokenwire docs', home: true },
  ...vendors.map((v) => ({ href: `${v.api}/index.html`, text: v.title, group: 'REST API' })),
  { href: 'api/index.html', text: 'TypeScript API' },
  { href: 'packages/index.html', text: 'Packages' },
  { href: 'guides/own-vendor.html', text: 'Your own vendor' },
  { href: 'examples/index.html', text: 'Examples' },
  { href: 'specs/index.html', text: 'Specs' },
];

/**
 * The navigation bar, for a page at `toRoot` from the site's root (`''`, `'../'`, ...);
 * `current` is the section's path from the root, marked as the current page.
 */
export function siteNav(toRoot, current = '') {
  const link = (s) =>
    `<a href="${toRoot}${s.href}"${s.home ? ' class="tw-home"' : ''}${s.href === current ? ' aria-current="page"' : ''}>${escapeHtml(s.text)}</a>`;
  const rest = sections.filter((s) => s.group);
  const items = [
    link(sections[0]),
    `<span class="tw-group"><span class="tw-label">REST API:</span>${rest.map(link).join('')}</span>`,
    ...sections.filter((s) => !s.home && !s.group).map(link),
  ];
  return `<style>${navStyle}</style><nav class="tw-nav" aria-label="tokenwire docs">${items.join('')}</nav>`;
}

const style = `
  body { font: 16px/1.55 system-ui, sans-serif; margin: 0; color: #1d2430; }
  main { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
  h1, h2 { line-height: 1.2; } main a { color: #2557c4; }
  code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
  pre { background: #f6f8fa; padding: 0.8rem; overflow-x: auto; border-radius: 6px; }
  pre code.hljs { padding: 0; background: transparent; }
  table { border-collapse: collapse; } td, th { border: 1px solid #d9dee5; padding: 0.3rem 0.6rem; text-align: left; }
  .tw-servers td:first-child { white-space: nowrap; }`;

/** A page of the site at `path` (from the site's root), with the navigation bar. */
function page(path, title, body) {
  const toRoot = '../'.repeat(path.split('/').length - 1);
  const current = sections.find((s) => s.href === path)?.href ?? '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="${toRoot}assets/highlight.css"><style>${style}</style></head>
<body>${siteNav(toRoot, current)}<main>${body}</main></body></html>
`;
}

const markdown = new Marked(
  markedHighlight({
    emptyLangClass: 'hljs',
    langPrefix: 'hljs language-',
    highlight: (code, lang) =>
      hljs.highlight(code, { language: hljs.getLanguage(lang) ? lang : 'plaintext' }).value,
  }),
);

/**
 * Renders a package README. Its links into the repository point at the site's copies:
 * ../../examples/own-vendor/GUIDE.md at the guide's page, ../../examples/<name>.ts at the
 * example's page, ../../specs at the specs, ../<package> at
 * that package's page.
 */
function readmeHtml(text) {
  const packageDirs = new Set(packagePages.map((p) => p.dir));
  return markdown
    .parse(text, { async: false, gfm: true })
    .replace(
      /href="\.\.\/\.\.\/examples\/own-vendor\/GUIDE\.md"/g,
      'href="../guides/own-vendor.html"',
    )
    .replace(
      /href="\.\.\/\.\.\/examples\/([\w-]+)\.ts"/g,
      (_, name) => `href="../examples/${name}.html"`,
    )
    .replace(
      /href="\.\.\/\.\.\/(specs|examples)(\/[^"]*)?"/g,
      (_, dir, rest) => `href="../${dir}${rest && rest !== '/' ? rest : '/index.html'}"`,
    )
    .replace(/href="\.\.\/([\w-]+)(\/README\.md|\/)?"/g, (whole, dir) =>
      packageDirs.has(dir) ? `href="${dir}.html"` : whole,
    );
}

/** The first comment lines of an example: what it shows and how to run it. */
function leadingComment(source) {
  const lines = [];
  for (const line of source.split('\n')) {
    if (!line.startsWith('//')) break;
    lines.push(line.replace(/^\/\/ ?/, ''));
  }
  return lines.join(' ');
}

/** Copies the specs and the examples next to the pages, with an index of each folder. */
async function writeSources() {
  const specs = vendors.map((v) => ({ vendor: v, file: v.spec.replace(/^specs\//, '') }));
  await mkdir(join(siteDir, 'specs'), { recursive: true });
  for (const { vendor } of specs) {
    await copyFile(join(repoRoot, vendor.spec), join(siteDir, vendor.spec));
  }
  const specItems = specs
    .map(
      ({ vendor, file }) =>
        `<li><a href="${file}">${escapeHtml(file)}</a>: ${escapeHtml(vendor.title)}, rendered as the <a href="../${vendor.api}/index.html">${escapeHtml(vendor.title)} API reference</a></li>`,
    )
    .join('\n');
  await writeFile(
    join(siteDir, 'specs/index.html'),
    page(
      'specs/index.html',
      'tokenwire: OpenAPI specs',
      `<h1>OpenAPI specs</h1>
<p>The hand-written OpenAPI 3.1 descriptions of the three vendor APIs, linted by Redocly and Spectral. The clients' types are generated from them (<code>pnpm generate</code>).</p>
<ul>${specItems}</ul>`,
    ),
  );

  const examples = (await readdir(join(repoRoot, 'examples')))
    .filter((f) => examplePattern.test(f))
    .sort();
  await mkdir(join(siteDir, 'examples'), { recursive: true });
  const exampleItems = [];
  for (const file of examples) {
    const source = await readFile(join(repoRoot, 'examples', file), 'utf8');
    const name = file.replace(/\.ts$/, '');
    await copyFile(join(repoRoot, 'examples', file), join(siteDir, 'examples', file));
    const code = hljs.highlight(source, { language: 'typescript' }).value;
    await writeFile(
      join(siteDir, 'examples', `${name}.html`),
      page(
        `examples/${name}.html`,
        `tokenwire example: ${file}`,
        `<h1>examples/${escapeHtml(file)}</h1>
<p>${markdown.parseInline(leadingComment(source), { async: false })}</p>
<p><a href="${file}">The file as plain text</a> · <a href="index.html">All examples</a></p>
<pre><code class="hljs language-typescript">${code}</code></pre>`,
      ),
    );
    exampleItems.push(
      `<li><a href="${name}.html">${escapeHtml(file)}</a>: ${markdown.parseInline(leadingComment(source), { async: false })}</li>`,
    );
  }
  await writeFile(
    join(siteDir, 'examples/index.html'),
    page(
      'examples/index.html',
      'tokenwire: examples',
      `<h1>Examples</h1>
<p>Runnable programs in <code>examples/</code> of the repository. Start the sandboxes first (<code>pnpm sandbox</code>, or <code>npx tokenwire-sandbox</code> from npm).</p>
<ul>${exampleItems.join('\n')}</ul>`,
    ),
  );
  return examples.map((f) => `examples/${f.replace(/\.ts$/, '')}.html`);
}

// Redoc's sidebar credit loads Redocly's logo from their CDN; the docs must work offline
// (and without a console error), so the credit keeps its text and link with a local image.
const redoclyCredit = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="14"><text x="0" y="11" font-family="sans-serif" font-size="11" fill="#0044d4">Redocly</text></svg>',
)}`;

// The API title sits in the middle panel, a third of the page wide, beside Redoc's "Copy"
// button: at Redoc's 36px a long title ("Sensu Go backend API (authentication, health and
// core resources)") broke across five lines, inside words. The button moves to a row of its
// own above the title, which gets the panel's full width, a smaller size and breaks between
// words only.
const redocTitle = '#api-content [data-section-id="/"] h1[data-component-name="Typography/H1"]';
const redocStyle = `<style>
  ${redocTitle} {
    font-size: 24px; line-height: 1.3; overflow-wrap: normal; word-break: normal; hyphens: manual;
  }
  #api-content [data-section-id="/"] div:has(> div > h1[data-component-name="Typography/H1"]) {
    flex-wrap: wrap;
  }
  #api-content [data-section-id="/"] div:has(> ${redocTitle}) { flex: 1 1 100%; }
  #api-content [data-section-id="/"] div:has(> div > h1[data-component-name="Typography/H1"]) > div:has([data-testid="page-actions"]) {
    order: -1; margin-left: auto;
  }
</style>`;

async function buildReference(vendor) {
  const path = `${vendor.api}/index.html`;
  const output = join(siteDir, path);
  await runRedocly(
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
    { capture: true },
  );
  const html = await readFile(output, 'utf8');
  await writeFile(
    output,
    html
      .replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(-full)?\.svg/g, redoclyCredit)
      .replace('</head>', `${redocStyle}</head>`)
      // The first <body> is the page's; later ones are inside Redoc's script.
      .replace('<body>', `<body>${siteNav('../', path)}`),
  );
  return output;
}

function indexHtml(apiModules) {
  const link = (port) => `<a href="http://127.0.0.1:${port}/">127.0.0.1:${port}</a>`;
  const servers = vendors
    .map(
      (v) =>
        `<tr><td><a href="${v.api}/index.html">${escapeHtml(v.title)} API reference</a></td><td>${link(v.mockPort)}</td><td>${link(v.sandboxPort)}</td><td><a href="${v.spec}">${escapeHtml(v.spec)}</a></td></tr>`,
    )
    .join('\n');
  const packages = packagePages
    .map(
      (p) =>
        `<li><a href="packages/${p.dir}.html">${escapeHtml(p.name)}</a>${p.description ? `: ${escapeHtml(p.description)}` : ''}</li>`,
    )
    .join('\n');
  const modules = apiModules
    .map((m) => `<li><a href="api/${m.url}"><code>${escapeHtml(m.name)}</code></a></li>`)
    .join('\n');
  return page(
    'index.html',
    'tokenwire: API docs',
    `<h1>tokenwire</h1>
<p>Typed TypeScript clients for three vendor APIs whose authentication is fiddly, with the tokens handled for you:
lazy acquisition, refresh ahead of expiry, one refresh and one replay after a 401, one token request however many calls wait, and errors that never contain a secret.</p>
<ul>
<li><strong>CloudLX</strong> (Epsilon): OAuth2 client credentials, a separate refresh endpoint and the vendor media type <code>application/vnd.cloudlx.v1+json</code>.</li>
<li><strong>CloudCX</strong> (Cloudfon): OAuth2 password grant or an API key, results in a <code>code</code> envelope.</li>
<li><strong>Sensu Go</strong>: HTTP Basic exchanged for a 5-minute JWT, refreshed with the expired token plus a rotating refresh token.</li>
</ul>
<h2>REST API references</h2>
<p>Rendered from the hand-written OpenAPI 3.1 specs, which record what the real servers do where the vendors' pages are wrong.
The Prism mocks (<code>pnpm mock</code>) answer from the spec examples and validate requests; the sandboxes (<code>pnpm sandbox</code>) have real token lifecycles.
Their addresses answer only while they run.</p>
<table class="tw-servers">
<thead><tr><th>Reference</th><th>Mock</th><th>Sandbox</th><th>Spec</th></tr></thead>
<tbody>
${servers}
</tbody>
</table>
<p>All the specs: <a href="specs/index.html">specs/</a>.</p>
<h2>TypeScript API reference</h2>
<p>Every exported function, class, interface and type of the packages, with its documentation, its type and its defaults: <a href="api/index.html">the TypeScript API reference</a>. By entry point:</p>
<ul>
${modules}
</ul>
<h2>Package guides</h2>
<ul>
${packages}
</ul>
<h2>Your own vendor</h2>
<p>A client for an API tokenwire does not ship, on the published packages: <a href="guides/own-vendor.html">the guide</a>, from a client-credentials client to a signed-assertion one.</p>
<h2>Examples</h2>
<p>Runnable programs, one per vendor and the main command's demo: <a href="examples/index.html">examples/</a>.</p>`,
  );
}

/** Writes a gzip and a brotli copy beside every text file of site/ worth compressing. */
async function precompress(dir = siteDir) {
  const gzipAsync = promisify(gzip);
  const brotliAsync = promisify(brotliCompress);
  const work = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const file = join(entry.parentPath ?? entry.path, entry.name);
    if (!entry.isFile() || !/\.(html|js|css|json|svg|yaml)$/.test(entry.name)) continue;
    if ((await stat(file)).size < 1024) continue;
    work.push(
      readFile(file).then(async (body) => {
        const [gz, br] = await Promise.all([
          gzipAsync(body, { level: 9 }),
          brotliAsync(body, {
            params: {
              [zlib.BROTLI_PARAM_QUALITY]: 9,
              [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
            },
          }),
        ]);
        await Promise.all([writeFile(`${file}.gz`, gz), writeFile(`${file}.br`, br)]);
      }),
    );
  }
  await Promise.all(work);
}

/** Builds site/ from scratch. Resolves with the pages written, relative to site/. */
export async function buildDocs() {
  await rm(siteDir, { recursive: true, force: true });
  await mkdir(join(siteDir, 'packages'), { recursive: true });
  await mkdir(join(siteDir, 'assets'), { recursive: true });
  await copyFile(
    require.resolve('highlight.js/styles/github.css'),
    join(siteDir, 'assets/highlight.css'),
  );
  const [api] = await Promise.all([
    buildApiReference({
      out: join(siteDir, 'api'),
      header: (toRoot) => siteNav(toRoot, 'api/index.html'),
    }),
    ...vendors.map(buildReference),
  ]);
  const packageList = [];
  for (const p of packagePages) {
    const readme = join(repoRoot, 'packages', p.dir, 'README.md');
    const text = existsSync(readme)
      ? await readFile(readme, 'utf8')
      : `# ${p.name}\n\n${p.description ?? ''}\n\nThis package has no README yet.\n`;
    const modules = api.modules.filter((m) => m.packageDir === p.dir);
    const reference = modules
      .map((m) => `<a href="../api/${m.url}"><code>${escapeHtml(m.name)}</code></a>`)
      .join(', ');
    const path = `packages/${p.dir}.html`;
    await writeFile(
      join(siteDir, path),
      page(
        path,
        p.name,
        `<p class="tw-reference">TypeScript API reference: ${reference}</p>${readmeHtml(text)}`,
      ),
    );
    packageList.push(
      `<li><a href="${p.dir}.html">${escapeHtml(p.name)}</a>${p.description ? `: ${escapeHtml(p.description)}` : ''} (API: ${reference})</li>`,
    );
  }
  await writeFile(
    join(siteDir, 'packages/index.html'),
    page(
      'packages/index.html',
      'tokenwire: packages',
      `<h1>Packages</h1><p>Each package's guide, from its README, and its TypeScript API reference.</p><ul>${packageList.join('\n')}</ul>`,
    ),
  );
  // The guide to writing a client of one's own; its code blocks are the example's source
  // (examples/own-vendor/src/guide.test.ts keeps them identical).
  await mkdir(join(siteDir, 'guides'), { recursive: true });
  await writeFile(
    join(siteDir, 'guides/own-vendor.html'),
    page(
      'guides/own-vendor.html',
      'tokenwire: your own vendor',
      readmeHtml(await readFile(join(repoRoot, 'examples/own-vendor/GUIDE.md'), 'utf8')),
    ),
  );
  const examples = await writeSources();
  await writeFile(join(siteDir, 'index.html'), indexHtml(api.modules));
  await precompress();
  return [
    'index.html',
    ...vendors.map((v) => `${v.api}/index.html`),
    ...api.pages.map((p) => `api/${p}`),
    'packages/index.html',
    ...packagePages.map((p) => `packages/${p.dir}.html`),
    'guides/own-vendor.html',
    'examples/index.html',
    ...examples,
    'specs/index.html',
  ];
}

// mrmime calls .ts "video/mp2t" and .yaml "text/yaml", which a browser downloads instead of
// showing: both are sent as plain text.
const plainText = new Set(['.ts', '.yaml']);

/**
 * Serves site/ on 127.0.0.1 with sirv: the precompressed .br/.gz copies to clients that accept
 * them, an ETag on every file, HTML revalidated on each visit (`no-cache`) and the rest cached
 * for an hour. A malformed URL is a 404, never a crash. Resolves once listening.
 */
export function serveDocs({ port = 4030 } = {}) {
  if (!existsSync(join(siteDir, 'index.html'))) {
    return Promise.reject(
      new Error(`${siteDir} has no built site to serve: run \`pnpm run docs\` first.`),
    );
  }
  // sirv reads the file list once, here: a rebuilt site/ needs a new server.
  const assets = sirv(siteDir, {
    dev: false,
    etag: true,
    gzip: true,
    brotli: true,
    maxAge: 3600,
    setHeaders: (res, pathname) => {
      const ext = extname(pathname);
      if (ext === '' || ext === '.html') res.setHeader('Cache-Control', 'no-cache');
      if (plainText.has(ext)) res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    },
  });
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    assets(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    });
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      done({
        url: `http://127.0.0.1:${actual}`,
        close: () =>
          new Promise((closed) => {
            server.close(() => closed());
            server.closeAllConnections();
          }),
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
