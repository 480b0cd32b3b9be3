import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who the work in progress is done for: the caller's user id while a route's handler runs. The
 * outbox stamps it on the events a write stores (see outbox.ts), so the audit chain can say who
 * made a change the relay appends long after the request ended. Work outside any request (a
 * consumer, a workflow activity, a periodic task) has none, and the chain names the service.
 */
const actors = new AsyncLocalStorage<string>();

export function runAsActor<T>(actor: string | undefined, fn: () => T): T {
  return actor === undefined ? fn() : actors.run(actor, fn);
}

export function currentActor(): string | undefined {
  return actors.getStore();
}
