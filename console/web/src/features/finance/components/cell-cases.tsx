import { Fragment, useMemo, useState } from 'react';
import { fill, useFormatInstant, useLang, useMessages } from '../../../lib/i18n';
import { ALLOCATION_PAGE_LIMIT, useCellAllocation } from '../api/who-pays';
import { financeMessages } from '../messages';
import { casesIn, describeLine, monthLabel, type Scope } from '../who-pays';

interface Props {
  month: string;
  scope: Scope;
  money: (cents: number) => string;
}

/**
 * The cases behind one month × cost-centre amount, read on their own (that month, that cost centre),
 * so a busy six months does not crowd them out; each opens to its lines and why each was charged so.
 * Mounted once per cell (keyed by it), so an answer for another cell is never shown under this one.
 */
export function CellCases({ month, scope, money }: Props) {
  const t = useMessages(financeMessages);
  const when = useFormatInstant();
  const locale = useLang().lang === 'zh' ? 'zh-CN' : 'en-GB';
  const allocation = useCellAllocation(month, scope);
  const answer = allocation.data?.status === 200 ? allocation.data.body : null;
  const cases = useMemo(() => (answer ? casesIn(answer.entries, month, scope) : []), [answer, month, scope]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (caseId: string) => setOpen((now) => (now.has(caseId) ? new Set([...now].filter((c) => c !== caseId)) : new Set([...now, caseId])));
  const title = fill(t.chosenCell, { centre: scope === 'all' ? t.all : t[scope], month: monthLabel(month, locale) });
  const lineName = (lineId: string) => {
    const line = describeLine(lineId);
    const what = line.partNumber ? `${t.part} ${line.partNumber}` : t[line.kind];
    if (!line.correction) return what;
    const correction = line.correction === 'analysis' ? t.analysis : line.correction.startsWith('review-') ? `${t.review} ${line.correction.slice('review-'.length)}` : t.correction;
    return `${what} · ${correction}`;
  };

  return (
    <section className="finance-cases" aria-labelledby="finance-cases-title" data-testid="finance-cases" data-month={month} data-centre={scope}>
      <h3 id="finance-cases-title" aria-live="polite">
        {title}
      </h3>
      {allocation.data && allocation.data.status !== 200 && (
        <p role="alert" className="finance-error">
          {t.failed}: {allocation.data.status} {allocation.data.body.error?.message}
        </p>
      )}
      {answer && answer.entries.length >= ALLOCATION_PAGE_LIMIT && (
        <p role="alert" className="finance-error" data-testid="finance-cases-truncated">
          {fill(t.truncated, { n: ALLOCATION_PAGE_LIMIT })}
        </p>
      )}
      {!answer ? (
        allocation.loading && <p aria-live="polite">{t.loading}</p>
      ) : cases.length === 0 ? (
        <p>{t.noCases}</p>
      ) : (
        <table className="finance-table">
          <thead>
            <tr>
              <th scope="col">{t.caseCol}</th>
              <th scope="col">{t.booked}</th>
              <th scope="col" className="finance-num">
                {t.linesCol}
              </th>
              <th scope="col" className="finance-num">
                {t.amount}
              </th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => {
              const shown = open.has(c.caseId);
              const linesId = `finance-lines-${c.caseId}`;
              return (
                <Fragment key={c.caseId}>
                  <tr data-case={c.caseId}>
                    <th scope="row">
                      <button
                        type="button"
                        className="finance-case"
                        aria-expanded={shown}
                        aria-controls={linesId}
                        aria-label={fill(shown ? t.hideLines : t.showLines, { case: c.caseId })}
                        onClick={() => toggle(c.caseId)}
                      >
                        <span aria-hidden="true">{shown ? '▾' : '▸'}</span> {c.caseId}
                      </button>
                    </th>
                    <td>{when(c.lines[0]?.closedAt)}</td>
                    <td className="finance-num">{c.lines.length}</td>
                    <td className="finance-num" data-testid="case-amount">
                      {money(c.amountCents)}
                    </td>
                  </tr>
                  {shown && (
                    <tr id={linesId} className="finance-lines-row">
                      <td colSpan={4}>
                        <table className="finance-table finance-lines" data-testid="finance-lines" data-case={c.caseId}>
                          <caption>{fill(t.linesOf, { case: c.caseId })}</caption>
                          <thead>
                            <tr>
                              <th scope="col">{t.line}</th>
                              <th scope="col">{t.costCentre}</th>
                              <th scope="col">{t.payer}</th>
                              <th scope="col">{t.booked}</th>
                              <th scope="col" className="finance-num">
                                {t.amount}
                              </th>
                              <th scope="col">{t.reason}</th>
                            </tr>
                          </thead>
                          <tbody>
                            {c.lines.map((l) => (
                              <tr key={`${l.lineId}|${l.costCentre}`} data-line={l.lineId} data-centre={l.costCentre}>
                                <th scope="row">{lineName(l.lineId)}</th>
                                <td>{t[l.costCentre]}</td>
                                <td>{l.payerId ?? '—'}</td>
                                <td>{when(l.closedAt)}</td>
                                <td className={`finance-num${l.amountCents < 0 ? ' finance-negative' : ''}`} data-testid="line-amount">
                                  {money(l.amountCents)}
                                </td>
                                <td data-testid="line-reason">{l.reason}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
