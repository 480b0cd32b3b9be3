import type { Logger } from 'pino';

/**
 * What a process knows, between requests, about the servers its writes depend on. A probe runs
 * every `everyMs` (bounded by `timeoutMs`); a request that met an outage reports it at once
 * (`markDown`), so the next write is refused without waiting for the next probe. The HTTP app reads
 * it per request: asking a server on every write would make each refusal as slow as the outage.
 */
export interface DependencyHealth {
  start(): void;
  stop(): void;
  /** The dependencies last seen unreachable, in the order they were given. */
  down(): string[];
  isDown(name: string): boolean;
  /** A request or handler met an outage of `name`: down until a probe reaches it again. */
  markDown(name: string, reason: string): void;
  /** Runs every probe once now, or joins the round already running. */
  probeAll(): Promise<void>;
}

export interface DependencyHealthOptions {
  /** Dependency name (as named in error messages, e.g. 'the database') -> a round trip that throws when it is unreachable. */
  probes: Record<string, () => Promise<unknown>>;
  logger: Pick<Logger, 'warn' | 'info'>;
  everyMs?: number;
  timeoutMs?: number;
}

function withinMs<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createDependencyHealth(options: DependencyHealthOptions): DependencyHealth {
  const everyMs = options.everyMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const names = Object.keys(options.probes);
  // Up until seen otherwise: the process connected to each before it started serving.
  const downSince = new Map<string, string>();
  let timer: NodeJS.Timeout | null = null;
  let running = false;

  function markDown(name: string, reason: string): void {
    if (downSince.has(name)) return;
    downSince.set(name, reason);
    options.logger.warn({ dependency: name, reason }, 'dependency unreachable: writes that need it are refused with 503');
  }

  function markUp(name: string): void {
    if (!downSince.delete(name)) return;
    options.logger.info({ dependency: name }, 'dependency reachable again: writes accepted');
  }

  async function probe(name: string): Promise<void> {
    try {
      await withinMs(Promise.resolve().then(options.probes[name]!), timeoutMs, name);
      markUp(name);
    } catch (error) {
      markDown(name, (error as Error).message);
    }
  }

  // One round at a time: a burst of failing requests asks for a look, not for one probe each.
  let round: Promise<void> | null = null;
  const probeAll = () => {
    round ??= Promise.all(names.map(probe)).then(() => undefined).finally(() => { round = null; });
    return round;
  };

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      void probeAll().finally(schedule);
    }, everyMs);
    timer.unref();
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule();
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
    },
    down: () => names.filter((name) => downSince.has(name)),
    isDown: (name) => downSince.has(name),
    markDown,
    probeAll,
  };
}
