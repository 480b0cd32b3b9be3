import { afterAll, beforeAll, inject } from 'vitest';
import { roles, type Role } from '@aftersales/platform';
import { deleteTopicsWithPrefix } from './kafka';
import { dropNamespaceDatabases } from './mongo';
import { ServiceProcess, tokenFor, type ServiceName } from './services';
import { terminateNamespaceWorkflows, terminateWorkflows } from './temporal';
import { uniqueNamespace } from './wait';

export interface TestBed {
  readonly ns: string;
  readonly stack: ReturnType<typeof inject<'stack'>>;
  /** Workflow ids the test started; ended after the file so the shared dev server does not collect them. */
  readonly started: string[];
  service(name: ServiceName): ServiceProcess;
  token(role: Role): string;
}

/**
 * Starts the named services as their own processes in a fresh namespace before the file's tests,
 * and afterwards stops them and removes everything the namespace left on the shared servers.
 */
export function useTestBed(label: string, services: Partial<Record<ServiceName, Record<string, string>>>): TestBed {
  const stack = inject('stack');
  const ns = uniqueNamespace(label);
  const started: string[] = [];
  const running = new Map<ServiceName, ServiceProcess>();
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    const names = Object.keys(services) as ServiceName[];
    const processes = await Promise.all(names.map((name) => ServiceProcess.start(name, ns, stack, services[name])));
    names.forEach((name, i) => running.set(name, processes[i]!));
    for (const role of roles) tokens.set(role, await tokenFor(role));
  });

  afterAll(async () => {
    await Promise.all([...running.values()].map((p) => p.stop()));
    // Clearing the namespace off the shared servers is housekeeping, not the test: each step is
    // bounded and a slow one is reported rather than failing a file whose tests passed.
    await tidy(`${label}: end its workflows`, () => terminateWorkflows(stack, started));
    // And any the services started on their own (an 8D opened by a rule, a request's workflow).
    await tidy(`${label}: end the namespace's workflows`, () => terminateNamespaceWorkflows(stack, ns));
    await tidy(`${label}: drop its databases`, () => dropNamespaceDatabases(stack.mongoUrl, ns));
    await tidy(`${label}: delete its topics`, () => deleteTopicsWithPrefix(stack.kafkaBrokers, `${ns}.`));
  });

  return {
    ns,
    stack,
    started,
    service(name) {
      const process = running.get(name);
      if (!process) throw new Error(`${name} is not part of this test bed`);
      return process;
    },
    token(role) {
      const token = tokens.get(role);
      if (!token) throw new Error(`no token for ${role} yet: use it inside a test`);
      return token;
    },
  };
}

/** Runs one clean-up step for at most `ms`; a failure or a timeout is printed with its duration. */
async function tidy(step: string, run: () => Promise<unknown>, ms = 40_000): Promise<void> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([run(), timeout]);
  } catch (error) {
    console.warn(`test bed clean-up: ${step} failed after ${Date.now() - started} ms (${(error as Error).message}); left on the shared servers`);
  } finally {
    clearTimeout(timer);
  }
}
