import type { Logger } from '@aftersales/platform';

export interface Rounds {
  /** Runs a round now, or right after the one in progress. */
  nudge(): void;
  start(): void;
  stop(): void;
}

/**
 * A sender's rounds: one at a time, every `pollMs` and on a nudge; a nudge during a round runs one
 * more right after it, so nothing queued meanwhile waits for the next poll. A failed round is
 * logged; the next one retries what it left.
 */
export function pollRounds(runOnce: () => Promise<unknown>, pollMs: number, log: Logger, what: string): Rounds {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let again = false;
  function nudge(): void {
    if (running) {
      again = true;
      return;
    }
    running = runOnce()
      .catch((err: unknown) => log.warn({ err }, `${what} round failed; the next one retries`))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          nudge();
        }
      });
  }
  return {
    nudge,
    start() {
      timer = setInterval(nudge, pollMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
