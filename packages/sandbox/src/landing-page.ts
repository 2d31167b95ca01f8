import { vendorTitles } from './cli-options';
import type { ControlRoute } from './control-routes';
import { controlPrefix } from './control-routes';
import type { SandboxContext } from './core';
import { type CredentialsByVendor, defaultCredentials, type Vendor } from './options';
import type { VendorRoute } from './vendor-routes';

/**
 * `GET /`: what a newcomer sees on opening a sandbox's URL. The vendors answer 404 there;
 * the sandbox answers a page naming the vendor, the credentials it accepts, its operations,
 * its control API and links. Only `/` itself changes: every vendor path stays faithful.
 */

const repository = 'https://github.com/tokenwire/tokenwire';
/** Where `pnpm docs --serve` puts the docs site (scripts/docs.mjs). */
const localDocs = 'http://127.0.0.1:4030';

interface CredentialLine {
  label: string;
  value: string;
}

const credentialLabels: { [V in Vendor]: Array<[keyof CredentialsByVendor[V] & string, string]> } =
  {
    cloudlx: [
      ['clientId', 'client_id'],
      ['clientSecret', 'client_secret'],
      ['unprivilegedClientId', 'client_id with no permissions (403)'],
      ['unprivilegedClientSecret', 'its client_secret'],
    ],
    cloudcx: [
      ['clientId', 'client_id'],
      ['clientSecret', 'client_secret'],
      ['username', 'username'],
      ['password', 'password'],
      ['apiKey', 'API key (Authorization: Bearer ...)'],
    ],
    sensu: [
      ['username', 'username (cluster admin)'],
      ['password', 'password'],
      ['apiKey', 'API key (Authorization: Key ...)'],
      ['unprivilegedUsername', 'user with no role'],
      ['unprivilegedPassword', 'its password'],
    ],
  };

const notes: Readonly<Record<Vendor, string>> = {
  cloudlx: 'Send Accept: application/vnd.cloudlx.v1+json. Tokens: POST /api/oauth2/access-token.',
  cloudcx: 'Tokens: POST /oauth/token (form-encoded password or refresh_token grant).',
  sensu: 'Log in with GET /auth and HTTP Basic; refresh with POST /auth/token.',
};

/**
 * The credentials to show: the obviously fake defaults (the CLI banner prints them too). A
 * value the caller set is never shown: it may be a real secret.
 */
function credentialLines(vendor: Vendor, credentials: object): CredentialLine[] {
  const given = new Map<string, unknown>(Object.entries(credentials));
  const defaults = new Map<string, unknown>(Object.entries(defaultCredentials[vendor]));
  return credentialLabels[vendor].map(([key, label]) => {
    const value = given.get(key);
    return typeof value === 'string' && value === defaults.get(key)
      ? { label, value }
      : { label, value: '(set at start-up; not shown)' };
  });
}

/** The landing page's content, as JSON and as the source of the HTML. */
export interface LandingPage {
  vendor: Vendor;
  title: string;
  description: string;
  note: string;
  credentials: CredentialLine[];
  operations: Array<{ method: string; path: string }>;
  control: Array<{ method: string; path: string; summary: string; body?: string }>;
  links: Array<{ text: string; href: string }>;
}

/** The content of one sandbox's landing page. */
export function landingPage(
  vendor: Vendor,
  credentials: object,
  routes: readonly VendorRoute[],
  control: readonly ControlRoute[],
): LandingPage {
  const title = vendorTitles[vendor];
  return {
    vendor,
    title: `${title} sandbox`,
    description: `A stateful local stand-in for the ${title} API (tokenwire): tokens expire, refresh, rotate and get revoked like on the real service. The real API has no page at /.`,
    note: notes[vendor],
    credentials: credentialLines(vendor, credentials),
    operations: routes.map((route) => ({ method: route.method.toUpperCase(), path: route.path })),
    control: control.map(({ method, path, summary, body }) => ({
      method,
      path,
      summary,
      ...(body === undefined ? {} : { body }),
    })),
    links: [
      { text: 'Sandbox state (JSON)', href: controlPrefix },
      {
        text: `${title} API reference (on the docs site, when pnpm docs --serve runs)`,
        href: `${localDocs}/${vendor}/index.html`,
      },
      { text: `The ${title} OpenAPI spec`, href: `${repository}/blob/main/specs/${vendor}.yaml` },
      {
        text: '@tokenwire/sandbox README',
        href: `${repository}/tree/main/packages/sandbox#readme`,
      },
    ],
  };
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** The page as HTML: no script, no external resource. */
export function landingHtml(page: LandingPage): string {
  const e = escapeHtml;
  const rows = (cells: string[][]) =>
    cells.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(page.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}code,td:first-child{font-family:ui-monospace,monospace}table{border-collapse:collapse}td{padding:.2rem .8rem .2rem 0;vertical-align:top}h2{margin-top:2rem}</style>
</head><body>
<h1>${e(page.title)}</h1>
<p>${e(page.description)}</p>
<p>${e(page.note)}</p>
<h2>Credentials</h2>
<table>
${rows(page.credentials.map((line) => [e(line.label), `<code>${e(line.value)}</code>`]))}
</table>
<h2>Operations</h2>
<table>
${rows(page.operations.map((op) => [e(op.method), `<code>${e(op.path)}</code>`]))}
</table>
<h2>Control API</h2>
<p>JSON over HTTP, for tests and for curl; never touched by faults or counters.</p>
<table>
${rows(
  page.control.map((route) => [
    e(route.method),
    route.method === 'GET'
      ? `<a href="${e(route.path)}"><code>${e(route.path)}</code></a>`
      : `<code>${e(route.path)}</code>`,
    `${e(route.summary)}${route.body === undefined ? '' : ` <code>${e(route.body)}</code>`}`,
  ]),
)}
</table>
<h2>Links</h2>
<ul>
${page.links.map((link) => `<li><a href="${e(link.href)}">${e(link.text)}</a></li>`).join('\n')}
</ul>
</body></html>
`;
}

/** True when the request prefers JSON to HTML (`Accept: application/json`, no `text/html`). */
function wantsJson(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const types = accept.toLowerCase();
  return types.includes('application/json') && !types.includes('text/html');
}

/** The `GET /` handler: JSON for `Accept: application/json`, HTML otherwise. */
export function landingRoute(page: LandingPage): (c: SandboxContext) => Response {
  const html = landingHtml(page);
  const json = `${JSON.stringify(page, null, 2)}\n`;
  return (c) =>
    wantsJson(c.req.header('accept'))
      ? new Response(json, { headers: { 'content-type': 'application/json', vary: 'Accept' } })
      : new Response(html, {
          headers: { 'content-type': 'text/html; charset=utf-8', vary: 'Accept' },
        });
}
