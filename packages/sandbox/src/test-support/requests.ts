// Request builders shared by the tests: the vendor calls as a client would send them.

export const cloudlxAccept = 'application/vnd.cloudlx.v1+json';

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

export function formPost(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  };
}

export function jsonPost(value: unknown, headers: Record<string, string> = {}) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  };
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export async function cloudlxGrant(
  fetch: Fetch,
  base: string,
  clientId: string,
  clientSecret: string,
): Promise<Tokens> {
  const res = await fetch(
    `${base}/api/oauth2/access-token`,
    formPost(
      { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
      { accept: cloudlxAccept },
    ),
  );
  if (res.status !== 200) throw new Error(`CloudLX grant answered ${res.status}`);
  return (await res.json()) as Tokens;
}

export async function cloudcxGrant(
  fetch: Fetch,
  base: string,
  c: { clientId: string; clientSecret: string; username: string; password: string },
): Promise<Tokens & { expires_in: number }> {
  const res = await fetch(
    `${base}/oauth/token`,
    formPost({
      grant_type: 'password',
      client_id: c.clientId,
      client_secret: c.clientSecret,
      username: c.username,
      password: c.password,
    }),
  );
  if (res.status !== 200) throw new Error(`CloudCX grant answered ${res.status}`);
  return (await res.json()) as Tokens & { expires_in: number };
}

export async function sensuLogin(
  fetch: Fetch,
  base: string,
  username: string,
  password: string,
): Promise<Tokens & { expires_at: number }> {
  const res = await fetch(`${base}/auth`, {
    headers: { authorization: basic(username, password) },
  });
  if (res.status !== 200) throw new Error(`Sensu login answered ${res.status}`);
  return (await res.json()) as Tokens & { expires_at: number };
}

export function sensuRefresh(access: string, refresh: string): RequestInit {
  return jsonPost({ refresh_token: refresh }, { authorization: `Bearer ${access}` });
}

/** The claims of a JWT, without checking anything. */
export function jwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  const part = token.split('.')[index] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** True when a body looks like it carries a stack trace. */
export function hasStackTrace(body: string): boolean {
  return /\bat .+:\d+:\d+\)?/.test(body) || /Error: .*\n\s+at /.test(body);
}
