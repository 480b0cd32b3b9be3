/**
 * The customer's 8D report, built from the workflow's state and nothing typed by hand: one
 * document model, rendered as HTML here and as PDF in pdf.ts, so both always say the same.
 */
import type { Discipline, DisciplineContent, DisciplineState, EightDState } from '@aftersales/workflows';

export type ReportBlock = { kind: 'text'; text: string } | { kind: 'field'; label: string; value: string } | { kind: 'list'; items: string[] };

export interface ReportSection {
  heading: string;
  blocks: ReportBlock[];
}

export interface Report {
  title: string;
  subtitle: string;
  sections: ReportSection[];
}

export interface ReportFailureRecord {
  id: string;
  occurredAt: string;
  model: string | null;
  serialNumber: string;
  customerId: string;
  failureMode: string;
  cause: string;
}

// 'not set' rather than a dash: text extractors join a line ending in '-' with the next one.
const day = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'not set');

function ownerName(state: EightDState, id: string): string {
  const member = state.team.find((m) => m.id === id);
  return member ? `${member.name} (${id})` : id;
}

function statusLine(state: EightDState, d: DisciplineState): string {
  switch (d.status) {
    case 'approved':
      return `approved ${day(d.approvedAt)} by ${d.approvedBy ?? '-'}`;
    case 'submitted':
      return `submitted ${day(d.submittedAt)}, awaiting approval`;
    case 'returned':
      return `sent back ${day(d.returns.at(-1)?.at ?? null)}: ${d.returns.at(-1)?.reason ?? ''}`;
    case 'open':
      return d.escalations.length > 0 ? `open, overdue, escalated to level ${d.escalations.length}` : 'open';
    case 'waiting':
      return 'not started';
    default: {
      const never: never = d.status;
      return `${String(never)} ${state.eightDId}`;
    }
  }
}

const field = (label: string, value: string): ReportBlock => ({ kind: 'field', label, value });
const text = (value: string): ReportBlock => ({ kind: 'text', text: value });
const list = (items: string[]): ReportBlock => ({ kind: 'list', items: items.length > 0 ? items : ['none'] });

function contentOf<D extends Discipline>(state: EightDState, d: D): Extract<DisciplineContent, { discipline: D }> | null {
  const found = state.disciplines.find((x) => x.discipline === d);
  return (found?.content as Extract<DisciplineContent, { discipline: D }> | null | undefined) ?? null;
}

/** A discipline's header lines: who owns it, when it is due, where it stands. */
function ownership(state: EightDState, d: Discipline): ReportBlock[] {
  const x = state.disciplines.find((y) => y.discipline === d)!;
  return [field('Owner', ownerName(state, x.owner)), field('Due', day(x.dueAt)), field('State', statusLine(state, x))];
}

function flagLines(state: EightDState, discipline: 'D3' | 'D7'): string[] {
  return state.flags
    .filter((f) => f.discipline === discipline)
    .map((f) => {
      const scope = Object.entries(f.scope).map(([k, v]) => `${k} ${String(v)}`).join(', ');
      const lifted = f.liftedAt ? `; lifted ${day(f.liftedAt)}` : '; in force';
      return `${f.flagId}: machines with ${scope}. ${f.instruction}. Carry: ${f.carryParts.join(', ') || 'nothing extra'}${lifted}`;
    });
}

const pending = (state: EightDState, d: Discipline) => text(`Not yet submitted (${statusLine(state, state.disciplines.find((x) => x.discipline === d)!)}).`);

export function reportOf(state: EightDState, records: ReportFailureRecord[]): Report {
  const p = state.problem;
  const d0 = contentOf(state, 'D0');
  const d2 = contentOf(state, 'D2');
  const d3 = contentOf(state, 'D3');
  const d4 = contentOf(state, 'D4');
  const d5 = contentOf(state, 'D5');
  const d6 = contentOf(state, 'D6');
  const d7 = contentOf(state, 'D7');
  const d8 = contentOf(state, 'D8');
  const escalations = state.disciplines.flatMap((d) => d.escalations.map((e) => `${d.discipline} overdue since ${day(e.dueAt)}: level ${e.level} to ${e.to} at ${day(e.at)}`));

  const sections: ReportSection[] = [
    {
      heading: 'Problem',
      blocks: [
        field('Product line', p.productLine),
        field('Model', p.model),
        field('Failure mode', p.failureMode),
        field('Opened', `${day(state.openedAt)} because ${state.reason} (rule ${state.rule})`),
        ...(state.linkedTo ? [field('Follows', `8D ${state.linkedTo}, closed on an older model`)] : []),
        field('Status', state.status === 'closed' ? `closed ${day(state.closedAt)}` : 'open'),
        ...(d2 ? [field('Statement', d2.statement), field('What', d2.what), field('Where', d2.where), field('When', d2.when), field('How many', d2.howMany), field('Is not', d2.isNot)] : [pending(state, 'D2')]),
      ],
    },
    {
      heading: 'Disciplines, owners and due dates',
      blocks: [list(state.disciplines.map((d) => `${d.discipline} ${d.title}: owner ${ownerName(state, d.owner)}, due ${day(d.dueAt)}, ${statusLine(state, d)}`))],
    },
    { heading: 'Team (D1)', blocks: [list(state.team.map((m) => `${m.name} (${m.id}), ${m.role}${m.id === state.champion ? ', champion' : ''}`))] },
    { heading: 'D0 Emergency response', blocks: [...ownership(state, 'D0'), d0 ? text(d0.actions) : pending(state, 'D0')] },
    { heading: 'D3 Interim containment', blocks: [...ownership(state, 'D3'), ...(d3 ? [text(d3.actions), field('Machines flagged', ''), list(flagLines(state, 'D3'))] : [pending(state, 'D3')])] },
    {
      heading: 'D4 Root cause',
      blocks: [
        ...ownership(state, 'D4'),
        ...(d4
          ? [
              field('Root cause', d4.rootCause),
              field('5-Why', ''),
              list(d4.fiveWhys.map((w, i) => `Why ${i + 1}: ${w}`)),
              field('Fishbone', ''),
              list(Object.entries(d4.fishbone).filter(([, causes]) => causes.length > 0).map(([category, causes]) => `${category}: ${causes.join('; ')}`)),
              field('Escape point', d4.escapePoint),
            ]
          : [pending(state, 'D4')]),
      ],
    },
    { heading: 'D5 Permanent corrective actions', blocks: [...ownership(state, 'D5'), d5 ? list(d5.actions.map((a) => `${a.action}: owner ${ownerName(state, a.owner)}, due ${day(a.dueAt)}`)) : pending(state, 'D5')] },
    {
      heading: 'D6 Implementation and validation',
      blocks: [...ownership(state, 'D6'), ...(d6 ? [field('Implemented', d6.implemented), field('Validation', d6.validation), field('Effective', d6.effective ? 'yes' : 'no')] : [pending(state, 'D6')])],
    },
    {
      heading: 'D7 Prevention',
      blocks: [
        ...ownership(state, 'D7'),
        ...(d7
          ? [field('Standards', d7.standards.join('; ') || 'none'), field('Design rules', d7.designRules.join('; ') || 'none'), field('Other models', d7.otherModels.join(', ') || 'none'), field('Machines flagged', ''), list(flagLines(state, 'D7'))]
          : [pending(state, 'D7')]),
      ],
    },
    { heading: 'D8 Closure and recognition', blocks: [...ownership(state, 'D8'), ...(d8 ? [text(d8.summary), field('Recognition', d8.recognition)] : [pending(state, 'D8')])] },
    { heading: 'Escalations', blocks: [list(escalations)] },
    { heading: 'Failure records', blocks: [list(records.map((r) => `${r.id}: ${day(r.occurredAt)}, ${r.model ?? '-'} ${r.serialNumber}, customer ${r.customerId}, ${r.failureMode}: ${r.cause}`))] },
  ];
  return {
    title: `8D report ${state.eightDId}`,
    subtitle: `${p.failureMode} on ${p.model} (${p.productLine}), ${state.status}, as of revision ${state.revision}`,
    sections,
  };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderReportHtml(report: Report): string {
  const block = (b: ReportBlock) => {
    switch (b.kind) {
      case 'text':
        return `<p>${escapeHtml(b.text)}</p>`;
      case 'field':
        return `<p><strong>${escapeHtml(b.label)}</strong>${b.value ? `: ${escapeHtml(b.value)}` : ''}</p>`;
      case 'list':
        return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
      default: {
        const never: never = b;
        return String(never);
      }
    }
  };
  const body = report.sections.map((s) => `<section><h2>${escapeHtml(s.heading)}</h2>${s.blocks.map(block).join('\n')}</section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(report.title)}</title>
<style>body{font-family:Helvetica,Arial,sans-serif;max-width:52rem;margin:2rem auto;line-height:1.4}h2{border-bottom:1px solid #999}</style>
</head><body><h1>${escapeHtml(report.title)}</h1><p>${escapeHtml(report.subtitle)}</p>
${body}
</body></html>
`;
}
