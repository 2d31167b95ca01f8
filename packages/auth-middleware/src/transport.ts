import { InsecureTransportError } from './errors';

/**
 * Refuses to send credentials over plain `http:` to anything but loopback (localhost,
 * 127.0.0.0/8, ::1), unless the user opted in with `allowInsecureHttp: true`.
 */
export function assertSecureUrl(url: string | URL, allowInsecureHttp: boolean, what: string): void {
  // Hot path: every API request passes here, and parsing a URL costs more than the rest.
  if (typeof url === 'string' && url.startsWith('https:')) return;
  const { protocol, hostname, origin } = new URL(url);
  // http: hostnames come lowercased and normalised (127.1 is 127.0.0.1, IPv6 in brackets).
  if (
    protocol === 'http:' &&
    !allowInsecureHttp &&
    !/^((.*\.)?localhost|127(\.\d+){3}|\[::1\])$/.test(hostname)
  ) {
    throw new InsecureTransportError(
      `Refused to send credentials to ${what} ${origin} over plain http (nothing was sent); use https, or allowInsecureHttp: true on a trusted network.`,
    );
  }
}
