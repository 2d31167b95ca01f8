// Messages between a fleet test and its worker processes (over the IPC channel of fork).
import type { Vendor } from '@tokenwire/sandbox';

/** What a worker is told to do, as JSON in its FLEET_CONFIG environment variable. */
export interface WorkerConfig {
  vendor: Vendor;
  /** The sandbox's loopback URL. */
  url: string;
  credentials: Record<string, string>;
  /** The shared Redis; absent for a fleet on memory stores (one per process). */
  redisUrl?: string | undefined;
  prefix?: string;
  encryptionKey?: string;
  /** How long to send traffic once started. */
  durationMs: number;
  /** The pause between two calls of the worker's loop. */
  pauseMs: number;
  /** Token request attempt timeout (bounds the lease TTL). */
  timeoutMs?: number;
}

export interface WorkerResult {
  ok: number;
  failed: number;
  /** Error codes of the failed calls, with their counts. */
  errors: Record<string, number>;
  /** 401 answers the worker's fetch saw (each followed by the one replay). */
  unauthorized: number;
  /** The traffic window, in ms. */
  elapsedMs: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'token-request'; path: string }
  | { type: 'done'; result: WorkerResult };

export type ParentMessage = { type: 'start' } | { type: 'stop' };
