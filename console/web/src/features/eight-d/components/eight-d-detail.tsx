import { useEffect, useState } from 'react';
import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { useEightD, type Discipline } from '../api/eight-ds';
import { isOverdue } from '../board';
import { disciplineTitles, eightDMessages } from '../messages';
import { DisciplinePanel, type Outcome } from './discipline-panel';
import { RecordsTable } from './records-table';
import { ReportLinks } from './report-links';

interface Props {
  id: string;
  person: string;
  decides: boolean;
  onBack: () => void;
  /** The board is read again after a step, so it moves without waiting for its own refresh. */
  onChanged: () => void;
}

/** One 8D opened: its problem and team, every discipline, the chosen one's form or decision, its report and records. */
export function EightDDetail({ id, person, decides, onBack, onChanged }: Props) {
  const t = useMessages(eightDMessages);
  const titles = useMessages(disciplineTitles);
  const when = useFormatInstant();
  // Read again every few seconds while open: others submit and approve, and a new 8D's process starts
  // shortly after opening. A closed 8D no longer changes.
  const [closed, setClosed] = useState(false);
  const eightD = useEightD(id, closed ? undefined : 4_000);
  const [chosen, setChosen] = useState<Discipline | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const body = eightD.data?.status === 200 ? eightD.data.body : null;
  const state = body?.state ?? null;
  const current = state?.disciplines.find((x) => x.status !== 'approved' && x.status !== 'waiting') ?? null;
  const shown = chosen ?? current?.discipline ?? 'D8';
  const step = state?.disciplines.find((x) => x.discipline === shown) ?? null;
  const now = Date.now();
  useEffect(() => setClosed(body?.status === 'closed'), [body?.status]);
  const onOutcome = (next: Outcome) => {
    setOutcome(next);
    if (next.ok) {
      eightD.reload();
      onChanged();
    }
  };

  return (
    <section aria-labelledby="eight-d-detail-title" className="eight-d-detail" data-testid="eight-d-detail" data-eight-d={id}>
      <button type="button" onClick={onBack}>{t.back}</button>
      <h2 id="eight-d-detail-title">{id}</h2>
      {!eightD.data && <p>{t.loading}</p>}
      {eightD.data && !body && <p role="alert">{t.loadFailed}: {eightD.data.body?.error?.message ?? eightD.data.status}</p>}
      {body && (
        <>
          <dl className="eight-d-facts">
            <dt>{t.problem}</dt>
            <dd>{body.problem.productLine} · {body.problem.model} · {body.problem.failureMode}</dd>
            <dt>{t.reason}</dt>
            <dd>{body.reason}</dd>
            <dt>{body.openedBy ? t.openedBy : t.rules}</dt>
            <dd>{body.openedBy ?? body.rules.join(', ')}</dd>
            <dt>{t.opened}</dt>
            <dd>{when(body.openedAt)}{body.closedAt && ` · ${t.closed}: ${when(body.closedAt)}`}</dd>
            {state && (
              <>
                <dt>{t.champion}</dt>
                <dd>{state.champion}</dd>
                <dt>{t.team}</dt>
                <dd>{state.team.map((m) => `${m.name} (${m.id}), ${m.role}`).join('; ')}</dd>
              </>
            )}
          </dl>
          {body.source === 'record' && <p className="eight-d-note">{t.fromRecord}</p>}
          {!state && <p role="status">{t.starting}</p>}
        </>
      )}
      {state && (
        <table className="eight-d-table" data-testid="eight-d-disciplines">
          <thead>
            <tr>
              <th scope="col">{t.discipline}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.owner}</th>
              <th scope="col">{t.due}</th>
              <th scope="col">{t.submitted}</th>
              <th scope="col">{t.approved}</th>
            </tr>
          </thead>
          <tbody>
            {state.disciplines.map((x) => (
              <tr key={x.discipline} data-discipline={x.discipline} data-status={x.status} aria-current={x.discipline === shown ? 'step' : undefined}>
                <th scope="row">
                  <button type="button" onClick={() => { setChosen(x.discipline); setOutcome(null); }} aria-pressed={x.discipline === shown}>
                    {x.discipline} {titles[x.discipline]}
                  </button>
                </th>
                <td>
                  {t[`st.${x.status}`]}
                  {isOverdue(x, now) && <strong className="eight-d-overdue"> · {t.overdue}</strong>}
                  {x.escalations.length > 0 && ` · ${x.escalations.map((e) => e.to).join(' → ')}`}
                </td>
                <td>{x.owner}</td>
                <td>{when(x.dueAt)}</td>
                <td>{x.submittedBy ? `${x.submittedBy} ${when(x.submittedAt)}` : '—'}</td>
                <td>{x.approvedBy ? `${x.approvedBy} ${when(x.approvedAt)}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {state && step && <DisciplinePanel key={`${step.discipline}:${step.status}`} eightDId={id} state={state} step={step} person={person} decides={decides} outcome={outcome} onOutcome={onOutcome} />}
      {state && <ReportLinks eightDId={id} />}
      {body && <RecordsTable records={body.failureRecords} caption={t.failureRecords} />}
    </section>
  );
}
