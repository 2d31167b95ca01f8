export const apiEntryPoints: ReadonlyArray<{
  name: string;
  packageName: string;
  packageDir: string;
  file: string;
}>;
export function buildApiReference(options: {
  out: string;
  header: (toSiteRoot: string) => string;
}): Promise<{
  pages: string[];
  modules: Array<{ name: string; packageDir: string; url: string }>;
}>;
export function checkApiReference(options?: {
  entries?: ReadonlyArray<{ name: string; packageName: string; packageDir: string; file: string }>;
  tsconfig?: string;
  quiet?: boolean;
}): Promise<{ warnings: number; errors: number; messages: string[] }>;
