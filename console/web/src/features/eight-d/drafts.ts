import { disciplines, type ContainmentScope, type Discipline, type DisciplineContent, type FlagRequest } from './api/eight-ds';

/** The fishbone's categories (Ishikawa's six); each becomes a key of the submitted fishbone. */
export const fishboneCategories = ['man', 'machine', 'method', 'material', 'measurement', 'environment'] as const;

export interface FlagDraft {
  productLine: string;
  model: string;
  serialFrom: string;
  serialTo: string;
  partNumber: string;
  instruction: string;
  /** Part numbers the engineer carries, one per line or comma-separated. */
  carryParts: string;
}
export interface ActionDraft {
  action: string;
  owner: string;
  /** A datetime-local value, in the user's own time zone. */
  dueAt: string;
}

/** A discipline's form as typed: text fields by name, plus the repeated rows (D5 actions, D3/D7 flags). */
export interface Draft {
  fields: Record<string, string>;
  effective: boolean;
  actions: ActionDraft[];
  flags: FlagDraft[];
}

/** The text fields each discipline's form shows, in order; multi-line ones are lists (one item a line). */
export const textFields: Record<Discipline, readonly string[]> = {
  D0: ['actions'],
  // D0 and D1 are decided by the time D1's owners apply.
  D1: ['members', ...disciplines.slice(2).map((d) => `owner.${d}`)],
  D2: ['statement', 'what', 'where', 'when', 'howMany', 'isNot'],
  D3: ['actions'],
  D4: ['rootCause', 'fiveWhys', ...fishboneCategories.map((c) => `fishbone.${c}`), 'escapePoint'],
  D5: [],
  D6: ['implemented', 'validation'],
  D7: ['standards', 'designRules', 'otherModels'],
  D8: ['summary', 'recognition'],
};

export const emptyFlag = (): FlagDraft => ({ productLine: '', model: '', serialFrom: '', serialTo: '', partNumber: '', instruction: '', carryParts: '' });
export const emptyAction = (): ActionDraft => ({ action: '', owner: '', dueAt: '' });
export const emptyDraft = (): Draft => ({ fields: {}, effective: false, actions: [emptyAction()], flags: [] });

/** One item a line, blank lines dropped. */
export const lines = (text: string | undefined): string[] => (text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
const items = (text: string): string[] => text.split(/[\n,]/).map((l) => l.trim()).filter(Boolean);

/** A datetime-local value (the user's wall clock) as an instant, and back. */
export function instantOf(local: string): string {
  const t = new Date(local).getTime();
  return Number.isNaN(t) ? local : new Date(t).toISOString();
}
export function localOf(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A team member typed as "id | name | role". */
function memberOf(line: string) {
  const [id = '', name = '', role = ''] = line.split('|').map((p) => p.trim());
  return { id, name, role };
}

function flagOf(f: FlagDraft): FlagRequest {
  const scope: ContainmentScope = {};
  for (const key of ['productLine', 'model', 'serialFrom', 'serialTo', 'partNumber'] as const) if (f[key].trim()) scope[key] = f[key].trim();
  return { scope, instruction: f.instruction.trim(), carryParts: items(f.carryParts) };
}
function flagDraftOf(f: FlagRequest): FlagDraft {
  const s = f.scope;
  return { productLine: s.productLine ?? '', model: s.model ?? '', serialFrom: s.serialFrom ?? '', serialTo: s.serialTo ?? '', partNumber: s.partNumber ?? '', instruction: f.instruction, carryParts: f.carryParts.join(', ') };
}
const anyFlag = (f: FlagDraft) => Object.values(f).some((v) => v.trim() !== '');

/**
 * The content quality expects for a discipline, built from its form. It does not judge the content
 * (an owner not on the team, a date in the past): quality does, and the screen shows its answer.
 */
export function contentOf(discipline: Discipline, draft: Draft): DisciplineContent {
  const f = (name: string) => (draft.fields[name] ?? '').trim();
  const flags = draft.flags.filter(anyFlag).map(flagOf);
  switch (discipline) {
    case 'D0':
      return { discipline, actions: f('actions') };
    case 'D1': {
      const owners: Partial<Record<Discipline, string>> = {};
      for (const d of disciplines) if (f(`owner.${d}`)) owners[d] = f(`owner.${d}`);
      return { discipline, members: lines(draft.fields.members).map(memberOf), owners };
    }
    case 'D2':
      return { discipline, statement: f('statement'), what: f('what'), where: f('where'), when: f('when'), howMany: f('howMany'), isNot: f('isNot') };
    case 'D3':
      return { discipline, actions: f('actions'), flags };
    case 'D4': {
      const fishbone: Record<string, string[]> = {};
      // The six categories first, then any other an earlier submission named.
      const keys = [...new Set([...fishboneCategories.map((c) => `fishbone.${c}`), ...Object.keys(draft.fields).filter((k) => k.startsWith('fishbone.'))])];
      for (const key of keys) if (lines(draft.fields[key]).length) fishbone[key.slice(9)] = lines(draft.fields[key]);
      return { discipline, rootCause: f('rootCause'), fiveWhys: lines(draft.fields.fiveWhys), fishbone, escapePoint: f('escapePoint') };
    }
    case 'D5':
      return { discipline, actions: draft.actions.filter((a) => a.action.trim() || a.owner.trim() || a.dueAt).map((a) => ({ action: a.action.trim(), owner: a.owner.trim(), dueAt: instantOf(a.dueAt) })) };
    case 'D6':
      return { discipline, implemented: f('implemented'), validation: f('validation'), effective: draft.effective };
    case 'D7':
      return { discipline, standards: lines(draft.fields.standards), designRules: lines(draft.fields.designRules), otherModels: lines(draft.fields.otherModels), flags };
    case 'D8':
      return { discipline, summary: f('summary'), recognition: f('recognition') };
  }
}

/** The form again from what was submitted: a discipline sent back is edited, not typed anew. */
export function draftOf(content: DisciplineContent): Draft {
  const draft = emptyDraft();
  const set = (name: string, value: string) => (draft.fields[name] = value);
  switch (content.discipline) {
    case 'D1':
      set('members', content.members.map((m) => `${m.id} | ${m.name} | ${m.role}`).join('\n'));
      for (const [d, owner] of Object.entries(content.owners)) if (owner) set(`owner.${d}`, owner);
      break;
    case 'D4':
      set('rootCause', content.rootCause);
      set('fiveWhys', content.fiveWhys.join('\n'));
      for (const [c, causes] of Object.entries(content.fishbone)) set(`fishbone.${c}`, causes.join('\n'));
      set('escapePoint', content.escapePoint);
      break;
    case 'D5':
      draft.actions = content.actions.map((a) => ({ action: a.action, owner: a.owner, dueAt: localOf(a.dueAt) }));
      break;
    case 'D6':
      set('implemented', content.implemented);
      set('validation', content.validation);
      draft.effective = content.effective;
      break;
    case 'D7':
      set('standards', content.standards.join('\n'));
      set('designRules', content.designRules.join('\n'));
      set('otherModels', content.otherModels.join('\n'));
      break;
    default:
      for (const [key, value] of Object.entries(content)) if (typeof value === 'string' && key !== 'discipline') set(key, value);
  }
  if (content.discipline === 'D3' || content.discipline === 'D7') draft.flags = content.flags.map(flagDraftOf);
  return draft;
}

/** What was submitted, as label key and text pairs for reading (lists one item a line). */
export function contentLines(content: DisciplineContent, when: (iso: string) => string): [string, string][] {
  const out: [string, string][] = [];
  const flagText = (f: FlagRequest) => `${Object.entries(f.scope).map(([k, v]) => `${k}=${v}`).join(', ')}: ${f.instruction}${f.carryParts.length ? ` (${f.carryParts.join(', ')})` : ''}`;
  for (const [key, value] of Object.entries(content)) {
    if (key === 'discipline') continue;
    if (key === 'flags') {
      if ((value as FlagRequest[]).length) out.push(['flags', (value as FlagRequest[]).map(flagText).join('\n')]);
    } else if (key === 'members') out.push([key, (value as { id: string; name: string; role: string }[]).map((m) => `${m.name} (${m.id}), ${m.role}`).join('\n')]);
    else if (key === 'owners' || key === 'fishbone') {
      for (const [k, v] of Object.entries(value as Record<string, string | string[]>)) out.push([`${key === 'owners' ? 'owner' : 'fishbone'}.${k}`, Array.isArray(v) ? v.join('\n') : v]);
    } else if (content.discipline === 'D5' && key === 'actions') out.push(['actions', content.actions.map((a) => `${a.action} · ${a.owner} · ${when(a.dueAt)}`).join('\n')]);
    else if (Array.isArray(value)) out.push([key, value.join('\n')]);
    else out.push([key, String(value)]);
  }
  return out;
}
