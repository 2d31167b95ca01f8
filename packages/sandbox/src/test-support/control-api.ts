// The /__sandbox/ control API as another process would call it: JSON over HTTP.

/** Sends `body` (an object as JSON, or a string as is) to `<url>/__sandbox<path>`. */
export function controlApi(
  sandbox: { url: string },
  path: string,
  method = 'GET',
  body?: unknown,
): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/** Like {@link controlApi}, then the JSON answer, failing unless the status is `expected`. */
export async function controlJson<T = Record<string, unknown>>(
  sandbox: { url: string },
  path: string,
  method = 'GET',
  body?: unknown,
  expected = 200,
): Promise<T> {
  const res = await controlApi(sandbox, path, method, body);
  const text = await res.text();
  if (res.status !== expected) {
    throw new Error(`${method} /__sandbox${path} answered ${res.status}, not ${expected}: ${text}`);
  }
  return JSON.parse(text) as T;
}
