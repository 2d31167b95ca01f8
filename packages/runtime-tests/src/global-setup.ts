import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { createConsumerProject } from './consumer-project';
import { ensureRuntimes } from './runtimes';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The fresh npm project holding the installed tarballs and the consumer scripts. */
    consumerDir: string;
  }
}

/** One install for every test file: the packed packages in a fresh npm project, and the runtimes. */
export default async function setup(project: TestProject): Promise<() => void> {
  const [consumerDir] = await Promise.all([createConsumerProject(), ensureRuntimes()]);
  project.provide('consumerDir', consumerDir);
  return () => rmSync(consumerDir, { recursive: true, force: true });
}
