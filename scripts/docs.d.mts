export const siteDir: string;
export const packagePages: ReadonlyArray<{ name: string; dir: string; description?: string }>;
export function siteNav(toRoot: string, current?: string): string;
export function buildDocs(): Promise<string[]>;
export function serveDocs(options?: {
  port?: number;
}): Promise<{ url: string; close(): Promise<void> }>;
