import { CaseLink } from '../../audit/components/case-record';
import { useFormatInstant, useMessages } from '../../../lib/i18n';
import { useDrillDown } from '../api/insight';
import { kpiMessages } from '../messages';
import { CASE_COLUMNS, caseRows } from '../report';
import { saveBlob } from './downloads';
import type { DrillTarget } from './figure-table';

/** The cases behind one figure (or a slice of it), each linking to its record, and the list as CSV. */
export function DrillDown({ target, params, fileStem, onOpen, onClose }: { target: DrillTarget; params: URLSearchParams | null; fileStem: string; onOpen: (id: string) => void; onClose: () => void }) {
  const t = useMessages(kpiMessages);
  const when = useFormatInstant();
  const drill = useDrillDown(target.kpiId, params);
  const answer = drill.data?.status === 200 ? drill.data.body : null;
  const yesNo = (b: boolean | null) => (b === null ? '—' : b ? t.yes : t.no);
  // The CSV writer (its browser build: the default one needs Node's Buffer) loads when first asked for.
  const saveCsv = async () => {
    if (!answer) return;
    const { stringify } = await import('csv-stringify/browser/esm/sync');
    const csv = stringify(caseRows(answer.cases), { header: true, columns: [...CASE_COLUMNS] });
    saveBlob(new Blob([csv], { type: 'text/csv;charset=utf-8' }), `${fileStem}_${target.kpiId}${target.slice ? `_${target.slice}` : ''}_cases.csv`);
  };
  return (
    <section className="kpis-drilldown" aria-labelledby="kpis-drill-title" data-testid="drill-down" data-kpi={target.kpiId} data-group={target.group} data-slice={target.slice ?? ''} data-ready={answer ? 'true' : 'false'}>
      <div className="kpis-head">
        <h3 id="kpis-drill-title">{t.drillTitle} {target.label}{target.group !== 'all' ? ` (${target.group})` : ''}</h3>
        <button type="button" disabled={!answer || answer.cases.length === 0} onClick={() => void saveCsv()}>{t.drillCsv}</button>
        <button type="button" onClick={onClose}>{t.drillClose}</button>
      </div>
      {drill.data && drill.data.status !== 200 && <p role="alert" className="kpis-problem">{t.refused} {drill.data.status} {drill.data.body.error?.message}</p>}
      {answer && answer.cases.length === 0 && <p>{t.noCases}</p>}
      {answer && answer.cases.length > 0 && (
        <table className="kpis-table">
          <thead>
            <tr>
              <th scope="col">{t.request}</th><th scope="col">{t.tier}</th><th scope="col">{t.machine}</th><th scope="col">{t.region}</th><th scope="col">{t.engineer}</th>
              <th scope="col">{t.registered}</th><th scope="col">{t.closed}</th><th scope="col">{t.firstTimeFix}</th><th scope="col">{t.slaMet}</th>
            </tr>
          </thead>
          <tbody>
            {answer.cases.map((c) => (
              <tr key={c.requestId} data-case={c.requestId}>
                <th scope="row"><CaseLink id={c.requestId} onOpen={onOpen} /></th>
                <td>{c.tier ?? '—'}</td>
                <td>{c.serialNumber}{c.model ? ` · ${c.model}` : ''}</td>
                <td>{c.region ?? '—'}</td>
                <td>{c.engineerId ?? '—'}</td>
                <td><time dateTime={c.registeredAt}>{when(c.registeredAt)}</time></td>
                <td>{c.closedAt ? <time dateTime={c.closedAt}>{when(c.closedAt)}</time> : '—'}</td>
                <td>{yesNo(c.firstTimeFix)}</td>
                <td>{yesNo(c.slaMet)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
