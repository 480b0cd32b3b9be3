/**
 * The soak's HTTP client behaves as a real client would: what the API refused for the moment
 * (503 with Retry-After, 502/504, a refused or dropped connection) is sent again after a pause,
 * with the same Idempotency-Key where the route takes one. Everything else is answered as is.
 */
export interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; field?: string } };
}

export interface ClientStats {
  /** Answers that were retried, by reason (`503`, `connection`, ...). */
  retried: Map<string, number>;
}

export function newClientStats(): ClientStats {
  return { retried: new Map() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Statuses a client waits out: the service says it cannot answer now, not that the request is wrong. */
export function retryable(status: number): boolean {
  return status === 502 || status === 503 || status === 504 || status === 429;
}

export interface CallOptions {
  token: string;
  body?: unknown;
  idempotencyKey?: string;
  /** Gives up (throws) after this long of refusals; the soak's flows wait out any outage, so long. */
  patienceMs?: number;
  stopped?: () => boolean;
}

/** One call, sent again while refused for the moment; answers the first definite answer. */
export async function call(stats: ClientStats, baseUrl: () => string, method: string, path: string, options: CallOptions): Promise<Answer> {
  const deadline = Date.now() + (options.patienceMs ?? 10 * 60_000);
  let pause = 250;
  for (;;) {
    let reason: string;
    let retryAfterMs = 0;
    try {
      const response = await fetch(`${baseUrl()}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (!retryable(response.status)) {
        let body: Answer['body'] = {};
        try {
          body = text ? (JSON.parse(text) as Answer['body']) : {};
        } catch {
          body = { text } as Answer['body'];
        }
        return { status: response.status, body };
      }
      reason = String(response.status);
      const header = Number(response.headers.get('retry-after'));
      if (Number.isFinite(header) && header > 0) retryAfterMs = Math.min(header, 5) * 1000;
    } catch {
      reason = 'connection';
    }
    stats.retried.set(reason, (stats.retried.get(reason) ?? 0) + 1);
    if (Date.now() > deadline || options.stopped?.()) throw new Error(`${method} ${path}: still refused (${reason}) after ${Math.round((options.patienceMs ?? 600_000) / 1000)} s`);
    await sleep(Math.max(retryAfterMs, pause) * (0.75 + Math.random() / 2));
    pause = Math.min(pause * 2, 3_000);
  }
}
