import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isObject, type Json, type JsonObject, loadSpec } from '../specs/openapi-document';
import { buildDocs, packagePages, serveDocs } from './docs.mjs';
import { vendors } from './vendors.mjs';

const repoRoot = resolve(import.meta.dirname, '..');
const screenshots = join(repoRoot, 'artifacts/screenshots');
const chromiumPath = '/usr/bin/chromium';

/** Opens a page, collecting console errors and failed requests; fails on a non-200. */
async function open(browser: Browser, url: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  const response = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  expect(response?.status(), url).toBe(200);
  return { page, problems };
}

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: false });
}

/** Every href of the links a selector matches, absolute. */
function linksOf(page: Page, selector = 'a[href]') {
  return page
    .locator(selector)
    .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
}

const resolved = new Map<string, number>();
/**
 * Fetches each link once, without its #fragment, and expects a 200. With `sameSiteOnly`, a
 * link off the site fails too: the reference must work offline.
 */
async function expectLinksResolve(
  from: string,
  hrefs: string[],
  { sameSiteOnly = false }: { sameSiteOnly?: boolean } = {},
) {
  const site = new URL(hrefs.find((h) => h.startsWith('http://127.0.0.1')) ?? 'http://x').origin;
  for (const href of hrefs) {
    const url = new URL(href);
    if (sameSiteOnly) expect(url.origin, `${from} links off the site: ${href}`).toBe(site);
    url.hash = '';
    if (!resolved.has(url.href)) resolved.set(url.href, (await fetch(url)).status);
    expect(resolved.get(url.href), `${from} -> ${href}`).toBe(200);
  }
}

/**
 * Every entry point of every public package, read from packages/*\/package.json `exports`
 * (independently of scripts/docs.mjs and scripts/api-reference.mjs).
 */
const publicEntries = readdirSync(join(repoRoot, 'packages')).flatMap((dir) => {
  const file = join(repoRoot, 'packages', dir, 'package.json');
  if (!existsSync(file)) return [];
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  if (manifest.private) return [];
  const exports: Record<string, Json> = manifest.exports ?? {};
  return Object.entries(exports).flatMap(([subpath, target]) => {
    const types = isObject(target) ? target.types : undefined;
    if (typeof types !== 'string' || !types.endsWith('.ts')) return [];
    const name = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    return [{ name: String(name), packageDir: dir, file: join(repoRoot, 'packages', dir, types) }];
  });
});

/** What each entry point exports, read by the TypeScript compiler: name, kind, doc comment. */
const publicExports = (() => {
  const program = ts.createProgram(
    publicEntries.filter((e) => existsSync(e.file)).map((e) => e.file),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
  );
  const checker = program.getTypeChecker();
  return publicEntries.flatMap((entry) => {
    if (!existsSync(entry.file)) return [];
    const source = program.getSourceFile(entry.file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`TypeScript cannot read ${entry.file}`);
    return checker.getExportsOfModule(module).map((exported) => {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      return {
        entry: entry.name,
        name: exported.name,
        isClass: (symbol.flags & ts.SymbolFlags.Class) !== 0,
        doc: ts.displayPartsToString(symbol.getDocumentationComment(checker)),
        // An interface's properties, each with its doc comment (which states its default).
        members:
          symbol.flags & ts.SymbolFlags.Interface
            ? checker
                .getDeclaredTypeOfSymbol(symbol)
                .getProperties()
                .map((member) => ({
                  name: member.name,
                  doc: ts.displayPartsToString(member.getDocumentationComment(checker)),
                  // Declared in this repository's packages, not inherited from a dependency.
                  own: (member.declarations ?? []).some((d) => {
                    const file = d.getSourceFile().fileName;
                    return (
                      file.startsWith(join(repoRoot, 'packages')) &&
                      !file.includes('/node_modules/')
                    );
                  }),
                  // Inherited from the platform (RequestInit's fields through openapi-fetch's
                  // options): api-reference.mjs leaves these out.
                  platform: (member.declarations ?? []).every((d) =>
                    /\/node_modules\/(typescript\/lib|@types\/node)\//.test(
                      d.getSourceFile().fileName,
                    ),
                  ),
                }))
            : [],
        page: undefined as string | undefined,
      };
    });
  });
})();

/**
 * The first words of a doc comment as a browser shows it: Markdown and {@link} rendered to
 * their text, whitespace collapsed.
 */
function summaryOf(doc: string) {
  const text = doc
    .replace(/\{@link(?:code|plain)?\s+([^\s|}]+)(?:[\s|]+([^}]*))?\}/g, (_, target, label) =>
      label ? label.trim() : target,
    )
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const first = text.split(/(?<=\.)\s/)[0] ?? text;
  return first.length <= 60 ? first : first.slice(0, first.lastIndexOf(' ', 60));
}

/** One GET with node:http, so that the Accept-Encoding sent is exactly the one given. */
function rawGet(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
    (done, fail) => {
      const req = request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end();
    },
  );
}

describe('API docs in a real browser', () => {
  let browser: Browser;
  let docs: Awaited<ReturnType<typeof serveDocs>>;
  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `${chromiumPath} is missing: apt-get install chromium (.ci/run does this in CI).`,
      );
    }
    mkdirSync(screenshots, { recursive: true });
    await buildDocs();
    docs = await serveDocs({ port: 0 });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      timeout: 30_000,
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await docs?.close();
  });

  it.each(vendors)('renders every operation and security scheme of $title', async (vendor) => {
    const spec = loadSpec(join(repoRoot, vendor.spec));
    const operations: Array<{
      id: string;
      path: string;
      tag: string;
      summary: string;
      security: string[];
    }> = [];
    const globalSecurity = Array.isArray(spec.security) ? spec.security : [];
    const paths = isObject(spec.paths) ? spec.paths : {};
    for (const [path, item] of Object.entries(paths)) {
      if (!isObject(item)) continue;
      for (const op of Object.values(item)) {
        if (!isObject(op) || typeof op.operationId !== 'string') continue;
        const tags = Array.isArray(op.tags) ? op.tags : [];
        const security = Array.isArray(op.security) ? op.security : globalSecurity;
        operations.push({
          id: op.operationId,
          path,
          tag: String(tags[0]),
          summary: String(op.summary),
          security: security.filter(isObject).flatMap((requirement) => Object.keys(requirement)),
        });
      }
    }
    const components = isObject(spec.components) ? spec.components : {};
    const schemeDefs = isObject(components.securitySchemes) ? components.securitySchemes : {};
    const schemes = Object.keys(schemeDefs);
    expect(operations.length).toBeGreaterThan(1);

    const { page, problems } = await open(browser, `${docs.url}/${vendor.api}/index.html`);
    const title = isObject(spec.info) ? String(spec.info.title) : vendor.title;
    await expect.poll(() => page.locator('body').innerText(), { timeout: 15_000 }).toContain(title);
    await shoot(page, vendor.api);
    const seenSchemes = new Set<string>();

    /** Opens an operation afresh, clicks "View security details" and checks one scheme. */
    const expectSchemeDetails = async (
      op: { id: string; tag: string },
      scheme: string,
      definition: JsonObject,
    ) => {
      const details = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const slug = op.tag.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      await details.goto(`${docs.url}/${vendor.api}/index.html#/${slug}/${op.id.toLowerCase()}`);
      // Markdown is rendered, so compare the description's first words without its markup.
      const description = String(definition.description ?? '')
        .replace(/[`*]/g, '')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 60);
      expect(description.length, `${scheme} has a description`).toBeGreaterThan(20);
      const text = () => details.locator('body').innerText();
      await details.getByText('View security details').first().waitFor({ timeout: 15_000 });
      expect((await text()).replace(/\s+/g, ' '), 'details hidden before the click').not.toContain(
        description,
      );
      // Click the button inside the operation's own section. Locators resolve lazily, so an
      // index among all the page's buttons would shift while operations above it render.
      const section = details.locator(`[data-section-id="/${slug}/${op.id.toLowerCase()}"]`);
      const button = section.getByText('View security details');
      await button.waitFor({ timeout: 15_000 });
      expect(
        await section.innerText(),
        `${op.id} lists ${scheme} beside its "View security details"`,
      ).toContain(scheme);
      // Operations above it keep rendering and push it down, so a click by coordinates may
      // land on another operation's button: dispatch the click on the element itself.
      await button.dispatchEvent('click');
      // With several schemes the panel has a tab each, rendered a moment after the click:
      // the poll below selects the scheme's tab as soon as it is there.
      const tab = details.getByRole('tab', { name: scheme, exact: true });
      const facts = [description];
      if (definition.type === 'oauth2' && isObject(definition.flows)) {
        for (const [flow, settings] of Object.entries(definition.flows)) {
          facts.push(flow);
          if (isObject(settings)) {
            for (const url of [settings.tokenUrl, settings.refreshUrl]) {
              if (typeof url === 'string') facts.push(url);
            }
          }
        }
      } else if (definition.type === 'http') {
        facts.push('HTTP Authorization Scheme');
        if (typeof definition.bearerFormat === 'string') facts.push(definition.bearerFormat);
      } else if (definition.type === 'apiKey') {
        const where = String(definition.in);
        facts.push(
          `${where[0]?.toUpperCase()}${where.slice(1)} parameter name`,
          String(definition.name),
        );
      }
      await expect
        .poll(
          async () => {
            const shown = (await text()).replace(/\s+/g, ' ');
            const complete = facts.every((fact) => shown.includes(fact));
            if (!complete && (await tab.count())) await tab.first().click();
            return shown;
          },
          { timeout: 15_000, message: `${vendor.api} ${scheme} details` },
        )
        .toSatisfy((shown: string) => facts.every((fact) => shown.includes(fact)));
      await shoot(details, `${vendor.api}-security-${scheme}`);
      await details.close();
    };
    for (const op of operations) {
      // Redoc 3 routes each operation as #/<tag slug>/<operationId in lower case>.
      const slug = op.tag.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      await page.goto(`${docs.url}/${vendor.api}/index.html#/${slug}/${op.id.toLowerCase()}`);
      // The operation's own page: its summary and its path (the sidebar alone has no path).
      await expect
        .poll(
          async () => {
            const text = await page.locator('body').innerText();
            return text.includes(op.summary) && text.includes(op.path);
          },
          { timeout: 15_000, message: `${op.id} rendered` },
        )
        .toBe(true);
      const text = await page.locator('body').innerText();
      for (const scheme of op.security) {
        expect(text, `${op.id} shows its security scheme ${scheme}`).toContain(scheme);
        seenSchemes.add(scheme);
      }
      if (op.id === operations[0]?.id) await shoot(page, `${vendor.api}-operation`);
    }
    expect([...seenSchemes].sort()).toEqual([...schemes].sort());
    // Each scheme's details, opened from an operation that uses it: its description and the
    // facts of its type (OAuth2 flows and URLs, the HTTP scheme, the API key's header).
    for (const scheme of schemes) {
      const op = operations.find((o) => o.security.includes(scheme));
      const definition = schemeDefs[scheme];
      if (!op || !isObject(definition)) throw new Error(`${scheme} is used by no operation`);
      await expectSchemeDetails(op, scheme, definition);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('finds the source file of every public entry point', () => {
    expect(publicEntries.map((e) => e.name)).toContain('@tokenwire/auth-middleware/vendor-kit');
    for (const entry of publicEntries) {
      expect(existsSync(entry.file), `${entry.name} exports ${entry.file}`).toBe(true);
    }
  });

  it('serves an index whose links all resolve, with the mock and sandbox addresses as links', async () => {
    const { page, problems } = await open(browser, `${docs.url}/index.html`);
    const hrefs = await linksOf(page);
    // Every public package on disk has a page linked from the index (found independently of
    // docs.mjs's own list).
    const publicPackages = readdirSync(join(repoRoot, 'packages')).filter((dir) => {
      const file = join(repoRoot, 'packages', dir, 'package.json');
      return existsSync(file) && !JSON.parse(readFileSync(file, 'utf8')).private;
    });
    expect(publicPackages.length).toBeGreaterThan(3);
    expect(packagePages.map((p) => p.dir).sort()).toEqual([...publicPackages].sort());
    for (const dir of publicPackages) {
      expect(hrefs, `index links ${dir}`).toContain(`${docs.url}/packages/${dir}.html`);
    }
    for (const vendor of vendors) {
      expect(hrefs).toContain(`${docs.url}/${vendor.api}/index.html`);
      expect(hrefs).toContain(`${docs.url}/${vendor.spec}`);
      expect(hrefs, `${vendor.api} mock address`).toContain(`http://127.0.0.1:${vendor.mockPort}/`);
      expect(hrefs, `${vendor.api} sandbox address`).toContain(
        `http://127.0.0.1:${vendor.sandboxPort}/`,
      );
    }
    for (const entry of publicEntries) {
      expect(
        await page.getByRole('link', { name: entry.name, exact: true }).count(),
        `index links the reference of ${entry.name}`,
      ).toBeGreaterThan(0);
    }
    expect(hrefs).toContain(`${docs.url}/examples/index.html`);
    // The mock and sandbox addresses answer only while those servers run; every other link
    // stays on the site.
    const servers = new Set(vendors.flatMap((v) => [v.mockPort, v.sandboxPort]));
    await expectLinksResolve(
      'index',
      hrefs.filter((href) => !servers.has(Number(new URL(href).port))),
    );
    await shoot(page, 'index');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders each package guide with highlighted code and a link to its TypeScript reference', async () => {
    for (const p of packagePages) {
      const url = `${docs.url}/packages/${p.dir}.html`;
      const readme = join(repoRoot, 'packages', p.dir, 'README.md');
      // Soft, so that the other packages' guides are still checked.
      expect.soft(existsSync(readme), `${p.dir} has a README`).toBe(true);
      if (!existsSync(readme)) continue;
      const { page, problems } = await open(browser, url);
      expect((await page.locator('main').innerText()).length, url).toBeGreaterThan(200);
      const source = readFileSync(readme, 'utf8');
      const blocks = source.match(/^\s*```/gm)?.length ?? 0;
      // highlight.js marks up every code block of the README, and its theme is loaded.
      expect(await page.locator('pre code.hljs').count(), url).toBe(blocks / 2);
      if (/^```(ts|typescript)$/m.test(source)) {
        const keyword = page.locator('pre code.hljs .hljs-keyword').first();
        expect(await keyword.count(), `${url} has highlighted TypeScript`).toBe(1);
        expect(await keyword.evaluate((el) => getComputedStyle(el).color)).not.toBe(
          await page
            .locator('pre code.hljs')
            .first()
            .evaluate((el) => getComputedStyle(el).color),
        );
      }
      const hrefs = await linksOf(page);
      for (const entry of publicEntries.filter((e) => e.packageDir === p.dir)) {
        const link = page.getByRole('link', { name: entry.name, exact: true }).first();
        expect(await link.count(), `${p.dir} links the reference of ${entry.name}`).toBe(1);
        expect(await link.getAttribute('href')).toMatch(/^\.\.\/api\//);
      }
      // Same-site links resolve (READMEs link to specs and examples); others leave the site.
      await expectLinksResolve(
        url,
        hrefs.filter((href) => href.startsWith(docs.url)),
      );
      await shoot(page, `package-${p.dir}`);
      expect(problems, url).toEqual([]);
      await page.close();
    }
  });

  it('renders the "Your own vendor" guide, linked from the index, with every code block highlighted', async () => {
    const url = `${docs.url}/guides/own-vendor.html`;
    const index = await open(browser, `${docs.url}/index.html`);
    expect(await linksOf(index.page)).toContain(url);
    await index.page.close();
    const { page, problems } = await open(browser, url);
    expect(await page.locator('h1').first().innerText()).toBe('Your own vendor');
    const source = readFileSync(join(repoRoot, 'examples/own-vendor/GUIDE.md'), 'utf8');
    const blocks = source.match(/^```/gm)?.length ?? 0;
    expect(blocks).toBeGreaterThan(10);
    expect(await page.locator('pre code.hljs.language-ts').count()).toBe(blocks / 2);
    const keyword = page.locator('pre code.hljs .hljs-keyword').first();
    expect(await keyword.count()).toBe(1);
    expect(await keyword.evaluate((el) => getComputedStyle(el).color)).not.toBe(
      await page
        .locator('pre code.hljs')
        .first()
        .evaluate((el) => getComputedStyle(el).color),
    );
    expect(await page.locator('main').innerText()).toContain('TOKEN_REQUEST_BUILD_FAILED');
    await expectLinksResolve(
      url,
      (await linksOf(page)).filter((href) => href.startsWith(docs.url)),
    );
    await shoot(page, 'guide-own-vendor');
    expect(problems, url).toEqual([]);
    await page.close();
  });

  it('renders the TypeScript reference: the named symbols and every error class, with their doc comments', async () => {
    const wanted = [
      ...publicExports.filter((e) =>
        [
          'createCloudLxClient',
          'createTokenAuth',
          'TokenStore',
          'TokenAuthOptions',
          'CloudLxClientOptions',
        ].includes(e.name),
      ),
      ...publicExports.filter((e) => e.isClass && e.name.endsWith('Error')),
    ];
    for (const name of [
      'createCloudLxClient',
      'createTokenAuth',
      'TokenStore',
      'TokenAuthOptions',
      'CloudLxClientOptions',
    ]) {
      expect(
        wanted.map((w) => w.name),
        `${name} is exported`,
      ).toContain(name);
    }
    const errorClasses = new Set(wanted.filter((w) => w.isClass).map((w) => w.name));
    expect(errorClasses.size, 'error classes found').toBeGreaterThan(5);

    const { page: index, problems } = await open(browser, `${docs.url}/api/index.html`);
    await expectLinksResolve('api/index.html', await linksOf(index), { sameSiteOnly: true });
    const modulePages = new Map<string, string>();
    for (const entry of publicEntries) {
      const href = await index
        .locator('main, .col-content')
        .first()
        .getByRole('link', { name: entry.name, exact: true })
        .first()
        .evaluate((a) => (a as HTMLAnchorElement).href);
      modulePages.set(entry.name, href);
    }
    expect(problems).toEqual([]);
    await index.close();

    const symbolPages = new Map<string, string>();
    for (const entry of publicEntries) {
      const url = modulePages.get(entry.name) ?? '';
      const { page, problems } = await open(browser, url);
      expect(await page.locator('h1').innerText()).toContain(entry.name);
      for (const symbol of wanted.filter((w) => w.entry === entry.name)) {
        // The module lists the symbol, as its own or as a reference to where it is declared.
        const link = page
          .locator('.col-content')
          .getByRole('link', { name: symbol.name, exact: true })
          .first();
        expect(await link.count(), `${entry.name} lists ${symbol.name}`).toBe(1);
        const href = await link.evaluate((a) => (a as HTMLAnchorElement).href);
        symbolPages.set(href.split('#')[0] ?? href, symbol.name);
        symbol.page = href.split('#')[0] ?? href;
      }
      await expectLinksResolve(url, await linksOf(page), { sameSiteOnly: true });
      if (entry.name === '@tokenwire/cloudlx') await shoot(page, 'api-cloudlx');
      expect(problems, url).toEqual([]);
      await page.close();
    }

    const visited = new Set<string>();
    for (const symbol of wanted) {
      if (!symbol.page) throw new Error(`${symbol.name} has no page`);
      expect(symbol.doc.length, `${symbol.entry} ${symbol.name} has a doc comment`).toBeGreaterThan(
        10,
      );
      if (visited.has(`${symbol.page} ${symbol.name}`)) continue;
      visited.add(`${symbol.page} ${symbol.name}`);
      const { page, problems } = await open(browser, symbol.page);
      const heading = await page.locator('h1').innerText();
      expect(heading, symbol.page).toContain(symbol.name);
      if (symbol.isClass) expect(heading).toMatch(/^Class /);
      const text = (await page.locator('.col-content').innerText()).replace(/\s+/g, ' ');
      expect(text, `${symbol.name}'s doc comment on ${symbol.page}`).toContain(
        summaryOf(symbol.doc),
      );
      // Each property and method with its type and its doc comment (which gives a default).
      for (const member of symbol.members) {
        if (member.platform) continue;
        expect(text, `${symbol.name}.${member.name}`).toMatch(
          new RegExp(`${member.name}\\??(: |\\()`),
        );
        // A dependency's members (openapi-fetch's options) are shown, but their words are theirs.
        if (!member.own) continue;
        expect(
          member.doc.length,
          `${symbol.name}.${member.name} has a doc comment`,
        ).toBeGreaterThan(5);
        expect(text, `${symbol.name}.${member.name}'s doc comment`).toContain(
          summaryOf(member.doc),
        );
      }
      await expectLinksResolve(symbol.page, await linksOf(page), { sameSiteOnly: true });
      if (symbol.name === 'createTokenAuth') await shoot(page, 'api-createTokenAuth');
      expect(problems, symbol.page).toEqual([]);
      await page.close();
    }
  });

  it('links every page to every other page through the same navigation bar', async () => {
    const sections = [
      'index.html',
      ...vendors.map((v) => `${v.api}/index.html`),
      'api/index.html',
      'packages/index.html',
      'guides/own-vendor.html',
      'examples/index.html',
      'specs/index.html',
    ].map((path) => `${docs.url}/${path}`);
    const starts = [
      'index.html',
      `${vendors[0]?.api}/index.html`,
      'api/index.html',
      'api/modules/_tokenwire_cloudlx.html',
      `packages/${packagePages[0]?.dir}.html`,
      'packages/index.html',
      'examples/index.html',
      'examples/demo.html',
      'specs/index.html',
    ];
    // A page deeper in the TypeScript reference than the module pages.
    const deep = publicExports.find((e) => e.page?.includes('/api/classes/'))?.page;
    const startUrls = [...starts.map((s) => `${docs.url}/${s}`), ...(deep ? [deep] : [])];
    for (const start of startUrls) {
      const { page, problems } = await open(browser, start);
      const nav = page.locator('nav.tw-nav');
      await nav.waitFor({ timeout: 15_000 });
      expect(await nav.isVisible(), `${start} shows the navigation bar`).toBe(true);
      const hrefs = await linksOf(page, 'nav.tw-nav a[href]');
      expect([...hrefs].sort(), `${start} links every section`).toEqual([...sections].sort());
      await expectLinksResolve(start, hrefs);
      // And a click on it takes the user there.
      const target = start.includes('/api/') ? 'Packages' : 'TypeScript API';
      await nav.getByRole('link', { name: target, exact: true }).click();
      await page.waitForLoadState('load');
      expect(page.url()).toBe(
        `${docs.url}/${target === 'Packages' ? 'packages' : 'api'}/index.html`,
      );
      expect(problems, start).toEqual([]);
      await page.close();
    }
    // The examples and the specs are served as they are in the repository.
    for (const vendor of vendors) {
      const res = await fetch(`${docs.url}/${vendor.spec}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toBe(readFileSync(join(repoRoot, vendor.spec), 'utf8'));
    }
    const example = await fetch(`${docs.url}/examples/cloudlx.ts`);
    expect(example.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await example.text()).toBe(readFileSync(join(repoRoot, 'examples/cloudlx.ts'), 'utf8'));
  });

  it('shows each REST API title on at most three lines and server descriptions without markup', async () => {
    for (const vendor of vendors) {
      const { page, problems } = await open(browser, `${docs.url}/${vendor.api}/index.html`);
      const title = page.locator('[data-section-id="/"] h1').first();
      await title.waitFor({ timeout: 15_000 });
      const lines = await title.evaluate((h1) => {
        const style = getComputedStyle(h1);
        return Math.round(h1.getBoundingClientRect().height / Number.parseFloat(style.lineHeight));
      });
      expect(lines, `${vendor.api} title lines`).toBeLessThanOrEqual(3);
      const body = await page.locator('body').innerText();
      const spec = loadSpec(join(repoRoot, vendor.spec));
      for (const server of Array.isArray(spec.servers) ? spec.servers.filter(isObject) : []) {
        const description = String(server.description ?? '');
        expect(description, `${vendor.api} server description has no Markdown`).not.toMatch(/[`*]/);
        expect(body.replace(/\s+/g, ' ')).toContain(description.replace(/\s+/g, ' '));
      }
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('answers a malformed URL with a 404 and keeps serving', async () => {
    for (const path of [
      '/%E0%A4%A',
      '/%',
      '/%E0%A4%A/index.html',
      '/../../etc/passwd',
      '/..%2f..%2fpackage.json',
    ]) {
      const res = await rawGet(`${docs.url}${path}`);
      expect([400, 404], path).toContain(res.status);
    }
    expect((await rawGet(`${docs.url}/index.html`)).status).toBe(200);
  });

  it('sends the Redoc pages compressed, with an ETag and a cache header', async () => {
    const url = `${docs.url}/${vendors[0]?.api}/index.html`;
    const plain = await rawGet(url);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1_000_000);

    const gzipped = await rawGet(url, { 'accept-encoding': 'gzip' });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toMatch(/^text\/html/);
    expect(gzipped.headers.vary).toMatch(/accept-encoding/i);
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 3);
    expect(gunzipSync(gzipped.body).equals(plain.body)).toBe(true);

    const brotli = await rawGet(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(brotli.body).equals(plain.body)).toBe(true);

    // HTML is revalidated on each visit: its ETag turns a repeat visit into a 304.
    expect(gzipped.headers['cache-control']).toBe('no-cache');
    const etag = gzipped.headers.etag;
    expect(etag).toBeTruthy();
    const again = await rawGet(url, { 'accept-encoding': 'gzip', 'if-none-match': String(etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);

    // Scripts and styles may be cached for an hour.
    const asset = await rawGet(`${docs.url}/api/assets/main.js`, { 'accept-encoding': 'gzip' });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-encoding']).toBe('gzip');
    expect(asset.headers['cache-control']).toBe('public,max-age=3600');
    expect(asset.headers.etag).toBeTruthy();
  });
});
