// Runs N worker processes against one sandbox and collects what each did.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ParentMessage, WorkerConfig, WorkerMessage, WorkerResult } from './protocol';

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface FleetWorker {
  readonly index: number;
  readonly process: ChildProcess;
  /** Resolves with the worker's result, or undefined when it was killed. */
  readonly result: Promise<WorkerResult | undefined>;
}

export interface Fleet {
  readonly workers: readonly FleetWorker[];
  /** Called with the worker that is about to send a token request. */
  onTokenRequest(listener: (worker: FleetWorker, path: string) => void): void;
  /** Every result, in worker order (killed workers omitted). */
  results(): Promise<WorkerResult[]>;
  /** Asks every worker still running to stop after its current call. */
  stop(): void;
  /** Kills every worker still running. */
  kill(): void;
}

/** Starts `size` workers, waits until each is ready, then starts them all at once. */
export async function startFleet(size: number, config: WorkerConfig): Promise<Fleet> {
  const listeners: Array<(worker: FleetWorker, path: string) => void> = [];
  const ready: Promise<void>[] = [];
  const workers = Array.from({ length: size }, (_unused, index): FleetWorker => {
    const child = fork(workerPath, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, FLEET_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let markReady: () => void = () => {};
    ready.push(new Promise<void>((resolve) => (markReady = resolve)));
    const result = new Promise<WorkerResult | undefined>((resolve) => {
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') markReady();
        if (message.type === 'done') resolve(message.result);
        if (message.type === 'token-request') {
          for (const listener of listeners) listener(worker, message.path);
        }
      });
      child.once('exit', () => resolve(undefined));
    });
    const worker = { index, process: child, result };
    return worker;
  });
  const tell = (message: ParentMessage) => {
    for (const { process: child } of workers) {
      if (child.connected) child.send(message);
    }
  };
  await Promise.all(ready);
  tell({ type: 'start' });
  return {
    workers,
    onTokenRequest: (listener) => listeners.push(listener),
    results: async () =>
      (await Promise.all(workers.map((worker) => worker.result))).filter(
        (result): result is WorkerResult => result !== undefined,
      ),
    stop: () => tell({ type: 'stop' }),
    kill: () => {
      for (const { process: child } of workers) if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
