import { useState } from 'react';
import { useFormatInstant } from '../../../lib/i18n';
import type { Engineer } from '../api/engineers';
import { assign, useCandidates, type Candidate, type RequestFacts, type WorkOrder } from '../api/work-orders';
import { ineligibilityShown, partShown, routeShown, statusShown, type DeskMessages } from '../messages';
import { isAssignable, minutesShown, neededSkill, scoreSegments } from '../work-orders';

interface Props {
  t: DeskMessages;
  workOrder: WorkOrder;
  request: RequestFacts | undefined;
  engineers: Map<string, Engineer>;
  onAssigned: (after: WorkOrder) => void;
  onClose: () => void;
}

/** A candidate's score as one bar: each part's share of the best possible score, with its points. */
function ScoreBar({ t, candidate }: { t: DeskMessages; candidate: Candidate }) {
  const best = candidate.parts.reduce((sum, p) => sum + p.weight, 0);
  return (
    <div className="dispatch-desk-score">
      <strong>{candidate.score.toFixed(2)}</strong> <span className="dispatch-desk-note">{t.of} {best.toFixed(1)}</span>
      <svg className="dispatch-desk-bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
        <rect x="0" y="0" width="100" height="8" className="dispatch-desk-bar-track" />
        {scoreSegments(candidate.parts).map((s, i, all) => {
          const x = all.slice(0, i).reduce((sum, before) => sum + before.widthPct, 0);
          return <rect key={s.key} x={x} y="0" width={s.widthPct} height="8" className={`dispatch-desk-bar-${s.key}`} />;
        })}
      </svg>
    </div>
  );
}

/** The ranked, explained engineers for one work order, each assigned in one click. */
export function CandidatesPanel({ t, workOrder, request, engineers, onAssigned, onClose }: Props) {
  const when = useFormatInstant();
  const candidates = useCandidates(workOrder.id);
  const [busy, setBusy] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const body = candidates.data?.status === 200 ? candidates.data.body : null;
  const skill = neededSkill(request?.machine?.productLine, workOrder.tier);
  const assignable = isAssignable(workOrder);
  const nameOf = (id: string) => engineers.get(id)?.name ?? id;
  const units = { hour: t.hour, minute: t.minute };

  const choose = async (engineerId: string) => {
    setBusy(engineerId);
    setRefusal(null);
    try {
      const answer = await assign(workOrder.id, engineerId);
      if (answer.status === 200) onAssigned(answer.body);
      else setRefusal(`${t.failed} (${answer.status}): ${answer.body.error?.message ?? ''}`);
      candidates.reload();
    } catch (error) {
      setRefusal(`${t.failed}: ${String(error)}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section id="dispatch-desk-candidates" className="dispatch-desk-panel" aria-labelledby="dispatch-desk-candidates-title" data-testid="candidates">
      <div className="dispatch-desk-panel-head">
        <h3 id="dispatch-desk-candidates-title">{t.candidatesFor} {workOrder.id}</h3>
        <button type="button" className="dispatch-desk-secondary" onClick={onClose}>{t.close}</button>
      </div>
      <p className="dispatch-desk-note">
        {workOrder.tier} · {request?.machine ? `${request.machine.model} (${request.machine.productLine})` : workOrder.serialNumber} · {request?.site?.city ?? '—'}
        {skill && ` · ${t.skill}: ${skill.productLine} ${skill.skill}, ${t.levelAtLeast} ${skill.minimumLevel}`}
      </p>
      {!assignable && <p className="dispatch-desk-hint">{t.notAssignable.replace('{status}', statusShown(t, workOrder.status)).replace('{route}', routeShown(t, workOrder.route))}</p>}
      {refusal && <p role="alert" className="dispatch-desk-error">{refusal}</p>}
      {candidates.data && candidates.data.status !== 200 && <p role="alert" className="dispatch-desk-error">{candidates.data.status} {candidates.data.body.error?.message}</p>}
      {!body && candidates.loading && <p>{t.loading}</p>}
      {body?.problem && <p className="dispatch-desk-error">{t.cannotRank}: {body.problem.reason}</p>}
      {body && body.neededParts.length > 0 && <p>{t.neededParts}: {body.neededParts.join(', ')}</p>}
      {body && body.excluded.length > 0 && <p>{t.excluded}: {body.excluded.map(nameOf).join(', ')}</p>}
      {body && !body.problem && body.ranked.length === 0 && <p>{t.noneEligible}</p>}
      {body && body.ranked.length > 0 && (
        <div className="dispatch-desk-scroll">
          <table className="dispatch-desk-table" data-testid="ranked">
            <thead>
              <tr>
                <th scope="col">{t.rank}</th>
                <th scope="col">{t.engineer}</th>
                <th scope="col">{t.score}</th>
                <th scope="col">{t.earliestArrival}</th>
                <th scope="col">{t.travel}</th>
                <th scope="col">{t.why}</th>
                <th scope="col">{t.actions}</th>
              </tr>
            </thead>
            <tbody>
              {body.ranked.map((c, i) => (
                <tr key={c.engineerId} data-engineer={c.engineerId}>
                  <td data-testid="rank">{i + 1}</td>
                  <th scope="row">{nameOf(c.engineerId)}<div className="dispatch-desk-note">{c.engineerId}</div></th>
                  <td data-testid="score" data-score={c.score}><ScoreBar t={t} candidate={c} /></td>
                  <td>{when(c.slot?.start)}</td>
                  <td>{c.distanceKm !== null ? `${c.distanceKm.toFixed(1)} ${t.km}` : '—'}<div className="dispatch-desk-note">{minutesShown(c.travelMinutes, units)}</div></td>
                  <td>
                    <ul className="dispatch-desk-reasons">
                      {c.parts.map((p) => (
                        <li key={p.key} data-part={p.key}>
                          <span className={`dispatch-desk-swatch dispatch-desk-bar-${p.key}`} aria-hidden="true" />
                          <strong>{partShown(t, p.key)}</strong> {p.points.toFixed(2)}/{p.weight} {t.points}: {p.explanation}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <button type="button" disabled={!assignable || busy !== null} onClick={() => void choose(c.engineerId)}>
                      {busy === c.engineerId ? t.assigning : t.assign}<span className="dispatch-desk-hidden"> {nameOf(c.engineerId)}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {body && body.ineligible.length > 0 && (
        <>
          <h4>{t.ineligibleTitle}</h4>
          <table className="dispatch-desk-table" data-testid="ineligible">
            <thead>
              <tr>
                <th scope="col">{t.engineer}</th>
                <th scope="col">{t.reason}</th>
                <th scope="col">{t.detail}</th>
              </tr>
            </thead>
            <tbody>
              {body.ineligible.map((c) => (
                <tr key={c.engineerId} data-engineer={c.engineerId} data-code={c.ineligibility?.code}>
                  <th scope="row">{nameOf(c.engineerId)} <span className="dispatch-desk-note">{c.engineerId}</span></th>
                  <td>{c.ineligibility ? ineligibilityShown(t, c.ineligibility.code) : '—'}</td>
                  <td>{c.ineligibility?.explanation}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
