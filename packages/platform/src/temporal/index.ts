import { Client, Connection } from '@temporalio/client';
// the client part only: the package's root also loads its worker part, and with it the SDK's worker
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client/index.js';
import type { TemporalSecurity } from '../security';

export async function connectTemporalClient(address: string, namespace: string, security: TemporalSecurity = {}): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address, connectTimeout: '10s', ...security });
  // starts and signals carry the caller's trace context into the workflow
  return { client: new Client({ connection, namespace, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } }), connection };
}

/** A readiness probe: describes the namespace and reports the server's version. */
export async function describeTemporal(connection: Connection, namespace: string): Promise<string> {
  const [info, ns] = await Promise.all([
    connection.workflowService.getSystemInfo({}),
    connection.workflowService.describeNamespace({ namespace }),
  ]);
  return `temporal ${info.serverVersion || 'unknown'}, namespace ${ns.namespaceInfo?.name ?? namespace}`;
}
