import { killServer, startServer, type ServerName } from '../../infra/stack.mjs';
import type { Recovery } from './counting';

/** What the soak kills: a service process (API and worker in one, PROCESS_ROLE=all) or a shared server. */
export type Component = 'intake' | 'dispatch' | 'spares' | 'quality' | 'kafka' | 'mongo' | 'temporal';
/** Components killed at the same moment. */
export type Fault = Component[];

export const serverComponents: readonly Component[] = ['kafka', 'mongo', 'temporal'];
export const isServer = (c: Component): c is Component & ServerName => serverComponents.includes(c);

/** Each component once, then a pair at once: the short soak's schedule. */
export const shortFaults: Fault[] = [['intake'], ['dispatch'], ['spares'], ['quality'], ['kafka'], ['mongo'], ['temporal'], ['kafka', 'intake']];
/** The long soak's schedule, repeated while it runs: each alone, then pairs of a server and a service, and of two servers. */
export const longFaults: Fault[] = [...shortFaults.slice(0, 7), ['kafka', 'intake'], ['mongo', 'dispatch'], ['temporal', 'intake'], ['spares', 'quality'], ['kafka', 'mongo'], ['temporal', 'kafka']];

export interface FaultDriver {
  killService(name: Component): Promise<void>;
  /** Starts it again; resolves once its /readyz answers 200. */
  startService(name: Component): Promise<void>;
  /** True when every service answers /readyz with 200. */
  allReady(): Promise<boolean>;
  /** The instant of the last flow step completed (0: none yet). */
  lastProgressAt(): number;
  log(line: string): void;
}

const quiet = { log: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function killComponent(driver: FaultDriver, c: Component): Promise<void> {
  if (isServer(c)) await killServer(c, quiet);
  else await driver.killService(c);
}

export async function startComponent(driver: FaultDriver, c: Component): Promise<void> {
  if (isServer(c)) await startServer(c, quiet);
  else await driver.startService(c);
}

/**
 * SIGKILLs the fault's components at once, leaves them down for `downMs`, starts them again and
 * measures, from the kill: each one healthy again, every service ready again, and the flow moving
 * (a step completed after they were all back).
 */
export async function injectFault(driver: FaultDriver, fault: Fault, downMs: number): Promise<Recovery[]> {
  const name = fault.join('+');
  const killedAt = Date.now();
  await Promise.all(fault.map((c) => killComponent(driver, c)));
  driver.log(`fault ${name}: killed`);
  await sleep(downMs);
  const healthyAt = new Map<Component, number>();
  const started = await Promise.allSettled(fault.map(async (c) => {
    await startComponent(driver, c);
    healthyAt.set(c, Date.now());
  }));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw new Error(`fault ${name}: restart failed: ${String(failed.reason)}`);
  const backAt = Math.max(...healthyAt.values());
  let allReadyAt = 0;
  const readyDeadline = Date.now() + 5 * 60_000;
  while (!allReadyAt) {
    if (await driver.allReady()) allReadyAt = Date.now();
    else if (Date.now() > readyDeadline) throw new Error(`fault ${name}: the services were not all ready 5 minutes after the restart`);
    else await sleep(250);
  }
  let flowAt: number | null = null;
  const flowDeadline = Date.now() + 3 * 60_000;
  while (flowAt === null && Date.now() < flowDeadline) {
    if (driver.lastProgressAt() > backAt) flowAt = driver.lastProgressAt();
    else await sleep(250);
  }
  const s = (t: number) => (t - killedAt) / 1000;
  driver.log(`fault ${name}: back in ${s(backAt).toFixed(1)} s, all ready in ${s(allReadyAt).toFixed(1)} s, flow moving in ${flowAt === null ? '-' : s(flowAt).toFixed(1)} s`);
  return fault.map((c) => ({ fault: name, component: c, healthySeconds: s(healthyAt.get(c)!), allReadySeconds: s(allReadyAt), flowSeconds: flowAt === null ? null : s(flowAt) }));
}

/** Whatever happened: every shared server running again. */
export async function restoreServers(): Promise<void> {
  for (const c of serverComponents) await startServer(c as ServerName, quiet).catch(() => startServer(c as ServerName, quiet));
}
