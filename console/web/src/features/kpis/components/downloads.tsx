import { useEffect, useState } from 'react';
import { useMessages } from '../../../lib/i18n';
import { fetchExport } from '../api/insight';
import { kpiMessages } from '../messages';

/** Hands a blob to the browser as a download, and keeps its link on screen to save it again. */
export function saveBlob(blob: Blob, name: string): string {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  return url;
}

/** The same report as insight's CSV and XLSX, fetched with the bearer token a plain link would not carry. */
export function Downloads({ params, fileStem }: { params: URLSearchParams | null; fileStem: string }) {
  const t = useMessages(kpiMessages);
  const [saved, setSaved] = useState<{ url: string; name: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => () => {
    if (saved) URL.revokeObjectURL(saved.url);
  }, [saved]);
  const download = (ext: 'csv' | 'xlsx') => {
    if (!params) return;
    setBusy(true);
    setError(null);
    const name = `${fileStem}.${ext}`;
    fetchExport(ext, params)
      .then((blob) => setSaved({ url: saveBlob(blob, name), name }), (e: unknown) => setError((e as Error).message))
      .finally(() => setBusy(false));
  };
  return (
    <div className="kpis-downloads" data-testid="kpi-downloads">
      <span>{t.downloads}:</span>
      <button type="button" disabled={busy || !params} onClick={() => download('csv')}>{t.csv}</button>
      <button type="button" disabled={busy || !params} onClick={() => download('xlsx')}>{t.xlsx}</button>
      {busy && <span role="status">{t.preparing}</span>}
      {saved && <span>{t.saved} <a href={saved.url} download={saved.name} data-testid="saved-file">{saved.name}</a></span>}
      {error && <span role="alert" className="kpis-problem">{t.refused} {error}</span>}
    </div>
  );
}
