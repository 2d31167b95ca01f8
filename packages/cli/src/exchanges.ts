// `tokenwire call --include`: the request and response headers of the API calls, with the
// credentials in them redacted.
import type { SendFetch } from './vendors';

/** One request sent and the response it got. */
export interface Exchange {
  readonly request: Request;
  readonly response: Response;
}

const hidden = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** A fetch that sends with `globalThis.fetch` and keeps the exchanges `keep` accepts. */
export function recordingFetch(keep: (request: Request) => boolean): {
  fetch: SendFetch;
  exchanges: Exchange[];
} {
  const exchanges: Exchange[] = [];
  return {
    exchanges,
    fetch: async (request, init) => {
      const response = await globalThis.fetch(request, init);
      if (keep(request)) exchanges.push({ request, response });
      return response;
    },
  };
}

function headerLines(prefix: string, headers: Headers): string[] {
  return [...headers].map(([name, value]) => {
    if (!hidden.has(name)) return `${prefix} ${name}: ${value}`;
    const scheme = /^(\w+)\s/.exec(value)?.[1];
    return `${prefix} ${name}: ${scheme ? `${scheme} ` : ''}[redacted]`;
  });
}

/** The exchange as curl -v shows it: `>` request lines, `<` response lines. */
export function formatExchange({ request, response }: Exchange): string {
  const url = new URL(request.url);
  return [
    `> ${request.method} ${url.pathname}${url.search} (${url.origin})`,
    ...headerLines('>', request.headers),
    `< HTTP ${response.status} ${response.statusText}`.trimEnd(),
    ...headerLines('<', response.headers),
    '',
  ].join('\n');
}
