import { useEffect, useState } from 'react';
import { fill, useFormatInstant, useMessages } from '../../../lib/i18n';
import type { EightDSummary } from '../api/eight-ds';
import { boardCounts, columns, groupByColumn, isOverdue } from '../board';
import { disciplineTitles, eightDMessages } from '../messages';

/** The clock the overdue marks are judged by, moved on every half minute. */
function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Every 8D in the column of the discipline it is at: owner, due date, whether it waits on approval or is late. */
export function BoardView({ items, onOpen }: { items: EightDSummary[]; onOpen: (id: string) => void }) {
  const t = useMessages(eightDMessages);
  const titles = useMessages(disciplineTitles);
  const when = useFormatInstant();
  const now = useNow();
  const board = groupByColumn(items, now);
  const counts = boardCounts(items, now);
  return (
    <>
      <p data-testid="eight-d-counts">{fill(t.counts, { open: counts.open, awaiting: counts.awaitingApproval, overdue: counts.overdue })}</p>
      <div className="eight-d-board">
        {columns.map((column) => (
          <section key={column} className="eight-d-column" data-column={column} aria-labelledby={`eight-d-col-${column}`}>
            <h3 id={`eight-d-col-${column}`}>
              {column === 'closed' ? t.closed : <><abbr title={titles[column]}>{column}</abbr> <span className="eight-d-column-title">{titles[column]}</span></>}
              <span className="eight-d-column-count"> ({board[column].length})</span>
            </h3>
            <ul>
              {board[column].map((item) => {
                const late = item.current ? isOverdue(item.current, now) : false;
                const state = item.current?.status;
                return (
                  <li key={item.id} data-eight-d={item.id} className={`eight-d-card${late ? ' eight-d-late' : ''}${state === 'submitted' ? ' eight-d-awaiting' : ''}`}>
                    <button type="button" onClick={() => onOpen(item.id)}>
                      <strong>{item.id}</strong>
                    </button>
                    <span>{item.problem.model} · {item.problem.failureMode}</span>
                    {item.current ? (
                      <>
                        <span data-testid="eight-d-step" className="eight-d-step">{t[`st.${item.current.status}`]}</span>
                        <span>{t.owner}: {item.current.owner}</span>
                        <span>{t.due}: <time dateTime={item.current.dueAt ?? undefined}>{when(item.current.dueAt)}</time></span>
                        {late && <strong className="eight-d-overdue">{t.overdue}</strong>}
                        {item.current.escalations > 0 && <span className="eight-d-overdue">{fill(t.escalated, { n: item.current.escalations })}</span>}
                      </>
                    ) : item.status === 'closed' ? (
                      <span>{t.closed}: {when(item.closedAt)}</span>
                    ) : (
                      <span>{t.starting}</span>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}
