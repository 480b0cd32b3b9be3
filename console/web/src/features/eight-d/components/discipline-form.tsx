import { fill, useMessages } from '../../../lib/i18n';
import type { Discipline } from '../api/eight-ds';
import { emptyAction, emptyFlag, textFields, type ActionDraft, type Draft, type FlagDraft } from '../drafts';
import { eightDMessages, fishboneNames } from '../messages';

type T = Record<keyof (typeof eightDMessages)['en'], string>;

/** Fields whose text is a list (one item a line), drawn as text areas. */
const multiLine = new Set(['actions', 'members', 'fiveWhys', 'standards', 'designRules', 'otherModels', 'statement', 'rootCause', 'implemented', 'validation', 'summary', 'recognition']);

function labelOf(t: T, fishbone: Record<string, string>, name: string): string {
  if (name.startsWith('owner.')) return fill(t['f.owner'], { d: name.slice(6) });
  if (name.startsWith('fishbone.')) return fill(t['f.fishbone'], { c: fishbone[name.slice(9)] ?? name.slice(9) });
  return t[`f.${name}` as keyof T] ?? name;
}

function hintOf(t: T, name: string): string | null {
  if (name === 'members') return t['f.membersHint'];
  if (name === 'fiveWhys') return t['f.fiveWhysHint'];
  if (name.startsWith('fishbone.') || ['standards', 'designRules', 'otherModels'].includes(name)) return t['f.listHint'];
  return null;
}

function Flags({ flags, onChange, t }: { flags: FlagDraft[]; onChange: (flags: FlagDraft[]) => void; t: T }) {
  const set = (i: number, key: keyof FlagDraft, value: string) => onChange(flags.map((f, j) => (j === i ? { ...f, [key]: value } : f)));
  const keys: [keyof FlagDraft, string][] = [['productLine', t.productLine], ['model', t.model], ['serialFrom', t['f.serialFrom']], ['serialTo', t['f.serialTo']], ['partNumber', t['f.partNumber']], ['instruction', t['f.instruction']], ['carryParts', t['f.carryParts']]];
  return (
    <fieldset className="eight-d-rows">
      <legend>{t['f.flags']}</legend>
      {flags.map((flag, i) => (
        <fieldset key={i} className="eight-d-row">
          <legend>{fill(t['f.flag'], { n: i + 1 })}</legend>
          {keys.map(([key, label]) => (
            <label key={key}>
              {label}
              <input value={flag[key]} onChange={(e) => set(i, key, e.target.value)} />
            </label>
          ))}
          <button type="button" onClick={() => onChange(flags.filter((_, j) => j !== i))}>{fill(t['f.removeFlag'], { n: i + 1 })}</button>
        </fieldset>
      ))}
      <button type="button" onClick={() => onChange([...flags, emptyFlag()])}>{t['f.addFlag']}</button>
    </fieldset>
  );
}

function Actions({ actions, onChange, t }: { actions: ActionDraft[]; onChange: (actions: ActionDraft[]) => void; t: T }) {
  const set = (i: number, key: keyof ActionDraft, value: string) => onChange(actions.map((a, j) => (j === i ? { ...a, [key]: value } : a)));
  return (
    <fieldset className="eight-d-rows">
      <legend>{t['f.actions']}</legend>
      {actions.map((a, i) => (
        <fieldset key={i} className="eight-d-row">
          <legend>{`${t['f.action']} ${i + 1}`}</legend>
          <label>
            {t['f.action']}
            <input value={a.action} onChange={(e) => set(i, 'action', e.target.value)} />
          </label>
          <label>
            {t['f.actionOwner']}
            <input value={a.owner} onChange={(e) => set(i, 'owner', e.target.value)} />
          </label>
          <label>
            {t['f.actionDue']}
            <input type="datetime-local" value={a.dueAt} onChange={(e) => set(i, 'dueAt', e.target.value)} />
          </label>
          <button type="button" onClick={() => onChange(actions.filter((_, j) => j !== i))}>{fill(t['f.removeAction'], { n: i + 1 })}</button>
        </fieldset>
      ))}
      <button type="button" onClick={() => onChange([...actions, emptyAction()])}>{t['f.addAction']}</button>
    </fieldset>
  );
}

/** The form of one discipline: the content quality expects for it, field by field. */
export function DisciplineForm({ discipline, draft, onChange }: { discipline: Discipline; draft: Draft; onChange: (draft: Draft) => void }) {
  const t = useMessages(eightDMessages);
  const fishbone = useMessages(fishboneNames);
  const setField = (name: string, value: string) => onChange({ ...draft, fields: { ...draft.fields, [name]: value } });
  // A fishbone category beyond the six (named by an earlier submission) stays editable.
  const extra = discipline === 'D4' ? Object.keys(draft.fields).filter((k) => k.startsWith('fishbone.') && !textFields.D4.includes(k)) : [];
  const fields = [...textFields[discipline], ...extra];
  const ownerFields = fields.filter((n) => n.startsWith('owner.'));
  const plain = fields.filter((n) => !n.startsWith('owner.'));
  const input = (name: string) => {
    const hint = hintOf(t, name);
    const id = `eight-d-f-${discipline}-${name.replace('.', '-')}`;
    return (
      <label key={name}>
        {labelOf(t, fishbone, name)}
        {multiLine.has(name) || name.startsWith('fishbone.') ? (
          <textarea id={id} name={name} rows={3} value={draft.fields[name] ?? ''} onChange={(e) => setField(name, e.target.value)} aria-describedby={hint ? `${id}-hint` : undefined} />
        ) : (
          <input id={id} name={name} value={draft.fields[name] ?? ''} onChange={(e) => setField(name, e.target.value)} />
        )}
        {hint && <span id={`${id}-hint`} className="eight-d-hint">{hint}</span>}
      </label>
    );
  };
  return (
    <div className="eight-d-form">
      {plain.map(input)}
      {ownerFields.length > 0 && (
        <fieldset className="eight-d-owners">
          <legend>{t['f.owners']}</legend>
          {ownerFields.map(input)}
        </fieldset>
      )}
      {discipline === 'D5' && <Actions actions={draft.actions} onChange={(actions) => onChange({ ...draft, actions })} t={t} />}
      {discipline === 'D6' && (
        <label className="eight-d-check">
          <input type="checkbox" checked={draft.effective} onChange={(e) => onChange({ ...draft, effective: e.target.checked })} />
          {t['f.effective']}
        </label>
      )}
      {(discipline === 'D3' || discipline === 'D7') && <Flags flags={draft.flags} onChange={(flags) => onChange({ ...draft, flags })} t={t} />}
    </div>
  );
}
