import { useEffect, useState } from 'react';
import { fill, useMessages } from '../../../lib/i18n';
import { fetchReport } from '../api/eight-ds';
import { eightDMessages } from '../messages';

/**
 * The customer report through the console's origin, with the bearer token a plain link would not
 * carry. The HTML is shown in a sandboxed frame (no scripts, no access to the console's session);
 * the PDF is fetched as a blob and offered as a download.
 */
export function ReportLinks({ eightDId }: { eightDId: string }) {
  const t = useMessages(eightDMessages);
  const [html, setHtml] = useState<string | null>(null);
  const [pdf, setPdf] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => () => {
    if (pdf) URL.revokeObjectURL(pdf);
  }, [pdf]);

  const showHtml = () => {
    if (html !== null) return setHtml(null);
    setBusy(true);
    setError(null);
    fetchReport(eightDId, 'html')
      .then((blob) => blob.text())
      .then(setHtml, (e: unknown) => setError((e as Error).message))
      .finally(() => setBusy(false));
  };
  const downloadPdf = () => {
    setBusy(true);
    setError(null);
    fetchReport(eightDId, 'pdf')
      .then((blob) => {
        const url = URL.createObjectURL(blob);
        setPdf(url);
        const a = document.createElement('a');
        a.href = url;
        a.download = `${eightDId}.pdf`;
        a.click();
      }, (e: unknown) => setError((e as Error).message))
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby="eight-d-report-title" className="eight-d-report">
      <h3 id="eight-d-report-title">{t.report}</h3>
      <button type="button" onClick={showHtml} disabled={busy} aria-expanded={html !== null}>{html !== null ? t.reportHide : t.reportHtml}</button>{' '}
      <button type="button" onClick={downloadPdf} disabled={busy}>{t.reportPdf}</button>
      {pdf && (
        <>
          {' '}
          <a href={pdf} download={`${eightDId}.pdf`} data-testid="eight-d-pdf">{eightDId}.pdf</a>
        </>
      )}
      {error && <p role="alert" className="eight-d-error">{error}</p>}
      {html !== null && <iframe className="eight-d-report-frame" title={fill(t.reportFrame, { id: eightDId })} sandbox="" srcDoc={html} />}
    </section>
  );
}
