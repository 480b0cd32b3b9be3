import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls until `probe` returns a value (not undefined) or the deadline passes; the error names
 * what was awaited and the last failure, so a red test says what did not arrive.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, { timeoutMs = 60_000, intervalMs = 250 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

export function uniqueNamespace(prefix: string): string {
  return `t-${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
