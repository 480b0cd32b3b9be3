import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';

let runtimeInstalled = false;

/** Routes the Temporal SDK's own logs (worker, core) into pino; once per process. */
export function installTemporalRuntime(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const log = logger.child({ module: 'temporal' });
  Runtime.install({
    logger: new DefaultLogger('INFO' as LogLevel, ({ level, message, meta }) => {
      const fields = { ...(meta ?? {}) };
      if (level === 'ERROR') log.error(fields, message);
      else if (level === 'WARN') log.warn(fields, message);
      else log.debug(fields, message);
    }),
  });
}

export async function connectTemporalClient(address: string, namespace: string): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address, connectTimeout: '10s' });
  return { client: new Client({ connection, namespace }), connection };
}

/** A readiness probe: describes the namespace and reports the server's version. */
export async function describeTemporal(connection: Connection, namespace: string): Promise<string> {
  const [info, ns] = await Promise.all([
    connection.workflowService.getSystemInfo({}),
    connection.workflowService.describeNamespace({ namespace }),
  ]);
  return `temporal ${info.serverVersion || 'unknown'}, namespace ${ns.namespaceInfo?.name ?? namespace}`;
}

export async function createTemporalWorker(
  options: { address: string; namespace: string } & Omit<WorkerOptions, 'connection' | 'namespace'>,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { address, ...workerOptions } = options;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, ...workerOptions });
  return { worker, connection };
}
