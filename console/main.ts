/**
 * The operations console: what operations watch while escalations run for days, from the
 * services' HTTP APIs (no database access of its own).
 *
 *   npm run -s console -- board [--status breached,warning] [--tier P1]
 *   npm run -s console -- request SR-...
 *   npm run -s console -- kpis --from 2026-11-01 --to 2026-12-01
 *
 * INTAKE_URL (http://127.0.0.1:8081) for the board and requests, INSIGHT_URL (http://127.0.0.1:8086)
 * for the KPIs, which insight owns; CONSOLE_TOKEN, or a manager token signed with
 * AUTH_JWT_SECRET / AUTH_ISSUER as the services verify it.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig, platformEnvSchema, signToken } from '@aftersales/platform';
import { relative, renderBoard, renderKpis, table, type BoardItem, type KpiReportView } from './render';

const consoleEnv = platformEnvSchema.extend({
  INTAKE_URL: z.url().default('http://127.0.0.1:8081'),
  INSIGHT_URL: z.url().default('http://127.0.0.1:8086'),
  CONSOLE_TOKEN: z.string().min(1).optional(),
});

const usage = 'usage: console board [--status s1,s2] [--tier P1] | request <id> | kpis --from <date> --to <date>';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { status: { type: 'string' }, tier: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, limit: { type: 'string' } },
  });
  const env = loadConfig(consoleEnv);
  const token = env.CONSOLE_TOKEN ?? (await signToken({ sub: 'console', roles: ['manager'] }, { secret: env.AUTH_JWT_SECRET, issuer: env.AUTH_ISSUER }, '1h'));

  async function get<T>(path: string, base = env.INTAKE_URL): Promise<T> {
    const response = await fetch(new URL(path, base), { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as T & { error?: { message: string } };
    if (!response.ok) throw new Error(`${response.status} ${body.error?.message ?? response.statusText}`);
    return body;
  }

  const now = new Date();
  const [command, argument] = positionals;
  switch (command) {
    case 'board': {
      const query = new URLSearchParams();
      if (values.status) query.set('status', values.status);
      if (values.tier) query.set('tier', values.tier);
      if (values.limit) query.set('limit', values.limit);
      const { items } = await get<{ items: BoardItem[] }>(`/v1/sla-board?${query}`);
      console.log(renderBoard(items, now));
      return 0;
    }
    case 'request': {
      if (!argument) break;
      const record = await get<{ id: string; status: string; tier?: string; workflow: { available: boolean; state?: { clocks: { name: string; status: string; dueAt: string; paused: boolean; stoppedAt: string | null }[]; escalations: { clock: string; action: string; step: number; at: string }[]; history: { event: string; at: string; by?: string; note?: string }[] } } | null }>(`/v1/service-requests/${encodeURIComponent(argument)}`);
      const state = record.workflow?.state;
      console.log(`${record.id}  ${record.status}  tier ${record.tier ?? '-'}${record.workflow?.available ? '' : '  (live state unavailable: showing the record)'}`);
      if (state) {
        console.log('', table(['CLOCK', 'STATUS', 'DUE'], state.clocks.map((c) => [c.name, c.paused ? `${c.status} (paused)` : c.status, c.stoppedAt ? `stopped ${c.stoppedAt}` : relative(c.dueAt, now)])));
        if (state.escalations.length > 0) console.log('', table(['ESCALATION', 'CLOCK', 'AT'], state.escalations.map((e) => [`#${e.step} ${e.action}`, e.clock, e.at])));
        console.log('', table(['EVENT', 'AT', 'BY', 'NOTE'], state.history.slice(-15).map((h) => [h.event, h.at, h.by ?? '', h.note ?? ''])));
      }
      return 0;
    }
    case 'kpis': {
      if (!values.from || !values.to) break;
      // A date alone is that day's first instant, UTC.
      const instant = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
      const period = { from: instant(values.from), to: instant(values.to) };
      console.log(renderKpis(await get<KpiReportView>(`/v1/kpis?${new URLSearchParams(period)}`, env.INSIGHT_URL), period));
      return 0;
    }
  }
  console.error(usage);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`console: ${(error as Error).message}`);
    process.exit(1);
  },
);
