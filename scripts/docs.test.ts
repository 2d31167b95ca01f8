import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isObject, type JsonObject, loadSpec } from '../specs/openapi-document';
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

  it('serves an index whose links all resolve to rendered pages', async () => {
    const { page, problems } = await open(browser, `${docs.url}/index.html`);
    const hrefs = await page
      .locator('a')
      .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    // Every public package on disk has a page linked from the index (found independently of
    // docs.mjs's own list).
    const publicPackages = readdirSync(join(repoRoot, 'packages')).filter((dir) => {
      const file = join(repoRoot, 'packages', dir, 'package.json');
      return existsSync(file) && !JSON.parse(readFileSync(file, 'utf8')).private;
    });
    expect(publicPackages.length).toBeGreaterThan(3);
    expect(packagePages.map((p) => p.dir).sort()).toEqual([...publicPackages].sort());
    expect(hrefs).toHaveLength(vendors.length + publicPackages.length);
    for (const dir of publicPackages) {
      expect(hrefs, `index links ${dir}`).toContain(`${docs.url}/packages/${dir}.html`);
    }
    await shoot(page, 'index');
    for (const href of hrefs) {
      const target = await open(browser, href);
      expect((await target.page.locator('body').innerText()).length, href).toBeGreaterThan(200);
      if (href.includes('/packages/')) {
        // Every same-site link on a package page resolves (READMEs link to specs and examples).
        const inner = await target.page
          .locator('a[href]')
          .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
        for (const link of inner.filter((l) => l.startsWith(docs.url))) {
          const res = await fetch(link.split('#')[0] ?? link);
          expect(res.status, `${href} -> ${link}`).toBe(200);
        }
        await shoot(target.page, `package-${href.split('/').pop()?.replace('.html', '')}`);
      }
      expect(target.problems, href).toEqual([]);
      await target.page.close();
    }
    expect(problems).toEqual([]);
    await page.close();
  });
});
