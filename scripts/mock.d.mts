export interface Mocks {
  urls: { cloudlx: string; cloudcx: string; sensu: string };
  close(): Promise<void>;
  exited: Promise<{ vendor: string; code: number | null; signal: NodeJS.Signals | null }>;
}
export function startMocks(options?: {
  ports?: Partial<Record<'cloudlx' | 'cloudcx' | 'sensu', number>>;
  timeoutMs?: number;
  log?: (line: string) => void;
}): Promise<Mocks>;
