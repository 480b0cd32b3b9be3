// Types for the part of infra/lib/proc.mjs that TypeScript tests import under `strict`.
export function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  options: { timeoutMs: number; intervalMs?: number; stillAlive?: () => boolean; logFile?: string },
): Promise<T>;
