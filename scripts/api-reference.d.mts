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
export function checkApiReference(): Promise<{ warnings: number; errors: number }>;
