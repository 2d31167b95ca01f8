import { InsecureTransportError } from './errors';

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Refuses to send credentials over plain `http:` to anything but loopback (localhost,
 * 127.0.0.0/8, ::1), unless the user opted in with `allowInsecureHttp: true`.
 */
export function assertSecureUrl(url: string | URL, allowInsecureHttp: boolean, what: string): void {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  if (parsed.protocol !== 'http:' || allowInsecureHttp || isLoopback(parsed.hostname)) return;
  throw new InsecureTransportError(
    `Refusing to send credentials to ${what} ${parsed.origin} over plain http: nothing was sent. ` +
      'Use https, or pass allowInsecureHttp: true if this network is trusted.',
  );
}
