/**
 * Which token request attempts went out, by their attempt signal (one per attempt):
 * `rawResponse` marks the signal when openapi-fetch calls its fetch, so the token manager
 * can tell a request that could not be built from one that failed on the way.
 */
const sent = new WeakSet<AbortSignal>();

/** Records that the request of the attempt with `signal` was handed to fetch. */
export function markSent(signal: AbortSignal | undefined): void {
  if (signal) sent.add(signal);
}

/** Whether the request of the attempt with `signal` was handed to fetch. */
export function wasSent(signal: AbortSignal): boolean {
  return sent.has(signal);
}
