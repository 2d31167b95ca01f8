import { createServer } from 'node:http';
import createClient from 'openapi-fetch';
import { createTokenAuth } from './dist/index.js';
import { processOAuth2TokenResponse } from './dist/vendor-kit.js';
const BASE='https://api.example.test', TOKEN_URL=`${BASE}/oauth/token`;
const strategy = () => { const g = { async request() { return new Response(JSON.stringify({access_token:'a',token_type:'Bearer',expires_in:3600}), {headers:{'content-type':'application/json'}}); }, process: (r,_i,c)=>processOAuth2TokenResponse(r,c) }; return { name:'b', identity:[BASE,'c'], secrets:['s'], tokenUrls:[TOKEN_URL], acquire:g, refresh:g }; };
const server = createServer((_q, s) => { s.writeHead(200, { 'content-type': 'application/json' }); s.end('{"ok":true}'); });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const send = (request, init) => fetch(request, init);
const make = (o) => createClient({ baseUrl: base, fetch: createTokenAuth({ strategy: strategy(), ...o }).wrapFetch(send) });
const bare = createClient({ baseUrl: base });
const clients = { bare, retryOff: make({ retry: false }), off: make({ retry: false, requestTimeoutMs: false }) };
for (const c of Object.values(clients)) for (let i = 0; i < 500; i++) await c.GET('/x');
const res = {}; for (const n in clients) res[n] = []; const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
for (let round = 0; round < 10; round++) for (const [n, c] of Object.entries(clients)) {
  const t = performance.now(); for (let i = 0; i < 1500; i++) await c.GET('/x'); res[n].push((performance.now() - t) * 1000 / 2000);
}
for (const n in res) console.log(n.padEnd(12), med(res[n]).toFixed(1), "µs median");
server.close();
