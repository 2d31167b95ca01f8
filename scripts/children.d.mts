export const shutdownSignals: readonly NodeJS.Signals[];
export function endWithThisProcess(stopNow: () => void): () => void;
export function signalExitCode(signal: NodeJS.Signals): number;
export function exitOnSignals(
  shutdown: (signal: NodeJS.Signals) => Promise<number | undefined> | number | undefined,
  options?: { graceMs?: number },
): void;
