// Types for infra/stack.mjs, so TypeScript tests can import it under `strict`.
export type ServerName = 'temporal' | 'kafka' | 'mongo' | 'mailpit';
export type Log = (line: string) => void;

export interface StackInfo {
  temporal: {
    address: string;
    namespace: string;
    uiUrl: string;
    version: string;
    cliVersion: string;
    uiVersion: string;
    /** absolute path of the Temporal CLI */
    cli: string;
    dbFilename: string;
  };
  temporalTestServer: { path: string; version: string };
  kafka: { brokers: string[]; version: string };
  mongo: { url: string; version?: string; ferretdbVersion: string; engine: 'ferretdb' };
  /** pdftotext from Debian's poppler-utils (a wrapper script), null before it was unpacked */
  pdftotext: { path: string; version: string } | null;
  /** Mailpit: SMTP in, its REST API (GET /api/v1/messages) and web UI out */
  mailpit: { smtp: { host: string; port: number }; uiUrl: string; apiUrl: string; version: string };
}

export interface ServerStatus {
  name: ServerName;
  running: boolean;
  healthy: boolean;
  pid: number | null;
  address: string;
  log: string;
}

export const SERVER_NAMES: ServerName[];
export function up(opts?: { log?: Log }): Promise<StackInfo>;
export function down(opts?: { log?: Log }): Promise<void>;
export function status(opts?: { log?: Log }): Promise<{ healthy: boolean; servers: ServerStatus[] }>;
export function readStackInfo(): StackInfo;
export function startServer(name: ServerName, opts?: { log?: Log }): Promise<{ name: ServerName; pid: number | null; started: boolean }>;
export function killServer(name: ServerName, opts?: { log?: Log }): Promise<boolean>;
export function stopServer(name: ServerName, opts?: { log?: Log }): Promise<boolean>;
