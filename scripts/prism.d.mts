export const repoRoot: string;
export function freePort(): Promise<number>;
export function canConnect(port: number): Promise<boolean>;
export interface Prism {
  url: string;
  port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  close(): Promise<void>;
}
export function startPrism(options: {
  spec: string;
  upstream?: string;
  errors?: boolean;
  port?: number;
  timeoutMs?: number;
  onLine?: (line: string) => void;
  /** Receives the child process as soon as it is spawned, before it listens. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}): Promise<Prism>;
export interface Violation {
  location: string[];
  severity: string;
  code?: string | number;
  message: string;
}
export function violationsOf(response: Response, body: string): Violation[];
