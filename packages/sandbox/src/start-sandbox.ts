import { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAdaptorServer, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import type { SandboxControl } from './core';
import { buildSandbox } from './create-sandbox';
import type { CredentialsByVendor, SandboxOptions, Vendor } from './options';
import { bodilessResponses } from './typed-response';

/** The options of {@link startSandbox}: a vendor's {@link SandboxOptions}, plus where to listen. */
export type StartSandboxOptions = SandboxOptions & {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** A loopback address (default `127.0.0.1`): the sandbox refuses to listen anywhere else. */
  host?: string;
};

/** A sandbox listening on a loopback port. */
export interface RunningSandbox<V extends Vendor = Vendor> {
  /** Which vendor it stands in for. */
  readonly vendor: V;
  /** e.g. `http://127.0.0.1:4020`, no trailing slash. */
  readonly url: string;
  /** The port it listens on (the one picked, when asked for port 0). */
  readonly port: number;
  /** Inspection and control, the same operations as its `/__sandbox/` routes. */
  readonly control: SandboxControl;
  /** The credentials it accepts (defaults merged with `options.credentials`). */
  readonly credentials: Readonly<CredentialsByVendor[V]>;
  /**
   * Stops listening, closes every connection and ends pending delays; hung requests (the
   * `hang` fault) have their sockets destroyed rather than waited for.
   */
  close(): Promise<void>;
}

const loopback = /^(127(?:\.\d{1,3}){3}|::1|localhost)$/;

/** Go's net/http answers for a request it cannot parse (Sensu has no say in these). */
function goClientError(status: 400 | 431 | 408): string {
  const reason = {
    400: 'Bad Request',
    408: 'Request Timeout',
    431: 'Request Header Fields Too Large',
  }[status];
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status} ${reason}`;
}

/** nginx's answer in front of CloudLX and CloudCX (inferred): an HTML 400 page. */
function nginxClientError(status: 400 | 408, title: string, date: string): string {
  const body = `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return `HTTP/1.1 ${status} ${title}\r\nDate: ${date}\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

function clientErrorResponse(vendor: Vendor, code: string | undefined, date: string): string {
  const timeout = code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const tooLarge = code === 'HPE_HEADER_OVERFLOW';
  if (vendor === 'sensu') return goClientError(timeout ? 408 : tooLarge ? 431 : 400);
  if (timeout) return nginxClientError(408, 'Request Time-out', date);
  return nginxClientError(
    400,
    tooLarge ? 'Request Header Or Cookie Too Large' : 'Bad Request',
    date,
  );
}

/**
 * Starts one vendor sandbox on a loopback port. Resolves once it is listening.
 *
 * ```ts
 * const sandbox = await startSandbox({ vendor: 'cloudlx', port: 0, accessTokenTtlSeconds: 2 });
 * // ... point a client at sandbox.url ...
 * await sandbox.close();
 * ```
 */
export async function startSandbox<O extends StartSandboxOptions>(
  options: O,
): Promise<RunningSandbox<O['vendor']>> {
  const host = options.host ?? '127.0.0.1';
  if (!loopback.test(host)) {
    throw new Error(
      `The sandbox listens on loopback only; "${host}" is not a loopback address. Use 127.0.0.1.`,
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`port must be an integer from 0 to 65535; got ${String(port)}.`);
  }
  const built = buildSandbox(options);
  const server = createAdaptorServer({
    // Synchronous when the route is: node-server then writes a cached response at once.
    fetch: (request: Request, env: HttpBindings | Http2Bindings) => {
      // Only HTTP/1.1 is served; these checks narrow the adapter's HTTP/2-capable types.
      const incoming = env.incoming instanceof IncomingMessage ? env.incoming : undefined;
      const outgoing = env.outgoing instanceof ServerResponse ? env.outgoing : undefined;
      const bindings = incoming && outgoing ? { incoming, outgoing } : {};
      const finish = (response: Response): Response => {
        // Node would stamp the real time; the Date header must show the server's clock,
        // the only way a client can learn that it differs from its own.
        if (outgoing && !outgoing.headersSent) outgoing.setHeader('date', built.server.httpDate());
        if (outgoing && bodilessResponses.has(response)) {
          // Written here so that no Content-Type is added (see typed-response.ts).
          outgoing.writeHead(response.status, Object.fromEntries(response.headers));
          outgoing.end();
          return new Response(null, { headers: { 'x-hono-already-sent': 'true' } });
        }
        return response;
      };
      const result = built.handle(request, bindings);
      return result instanceof Promise ? result.then(finish) : finish(result);
    },
    serverOptions: {
      // Go's http.Server takes 1 MB of headers; Node's default is 16 KiB.
      maxHeaderSize: options.vendor === 'sensu' ? 1024 * 1024 : 16 * 1024,
      requestTimeout: 30_000,
      headersTimeout: 10_000,
    },
  });
  // A malformed request (bad header bytes, CR/LF injection, oversized headers) never reaches
  // the app: answer like the vendor's front server and close the connection.
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(options.vendor, error.code, built.server.httpDate()));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // After start-up, a server error (rare: e.g. EMFILE) is logged, never thrown.
  server.on('error', (error: Error) =>
    built.server.log(`[sandbox ${options.vendor}] ${error.message}`),
  );

  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    vendor: built.vendor,
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    control: built.control,
    credentials: built.credentials,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        built.core.close();
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      return closed;
    },
  };
}
