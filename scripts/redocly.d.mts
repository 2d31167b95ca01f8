export function withoutNode20Banner(write: (line: string) => void): (line: string) => void;
export function runRedocly(
  args: string[],
  options?: { capture?: boolean },
): Promise<{ stdout: string; stderr: string }>;
