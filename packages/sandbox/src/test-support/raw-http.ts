// A raw TCP exchange, for requests no HTTP client would send.
import { connect } from 'node:net';

/** Sends raw bytes and collects whatever comes back until the server closes (or 5 s pass). */
export function rawExchange(
  port: number,
  request: string | Buffer,
  options: { end?: boolean } = {},
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', () => undefined);
    socket.write(request);
    if (options.end ?? true) socket.end();
  });
}
