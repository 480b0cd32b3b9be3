import { useState } from 'react';
import type { ScreenProps } from '../../../app/screen-props';
import { useMessages } from '../../../lib/i18n';
import { useEightDs } from '../api/eight-ds';
import { decides } from '../board';
import { eightDMessages } from '../messages';
import { BoardView } from './board-view';
import { EightDDetail } from './eight-d-detail';
import { FailureRecordList, RecurrenceList } from './lists';
import { OpenForm } from './open-form';
import '../eight-d.css';

type Tab = 'board' | 'recurrences' | 'records' | 'open';

/** Quality's 8D board: where each 8D stands, one opened to work its disciplines, recurrences and failure records. */
export function EightDScreen({ session }: ScreenProps) {
  const t = useMessages(eightDMessages);
  const mayDecide = decides(session.roles);
  const [tab, setTab] = useState<Tab>('board');
  const [opened, setOpened] = useState<string | null>(null);
  const board = useEightDs();
  const items = board.data?.status === 200 ? board.data.body.items : null;
  const tabs: [Tab, string][] = [['board', t.tabBoard], ['recurrences', t.tabRecurrences], ['records', t.tabRecords], ...(mayDecide ? [['open', t.tabOpen] as [Tab, string]] : [])];
  const open = (id: string) => {
    setOpened(id);
    setTab('board');
  };

  return (
    <section aria-labelledby="eight-d-title" className="eight-d">
      <h1 id="eight-d-title">{t.title}</h1>
      <nav className="eight-d-tabs" aria-label={t.title}>
        {tabs.map(([key, label]) => (
          <button key={key} type="button" aria-current={tab === key && !(key === 'board' && opened) ? 'page' : undefined} onClick={() => { setTab(key); setOpened(null); }}>
            {label}
          </button>
        ))}
      </nav>
      {tab === 'board' && opened && <EightDDetail id={opened} person={session.sub} decides={mayDecide} onBack={() => setOpened(null)} onChanged={board.reload} />}
      {tab === 'board' && !opened && (
        <>
          {!board.data && <p>{t.loading}</p>}
          {board.data && !items && <p role="alert">{t.loadFailed}: {board.data.body?.error?.message ?? board.data.status}</p>}
          {items && <BoardView items={items} onOpen={setOpened} />}
        </>
      )}
      {tab === 'recurrences' && <RecurrenceList onOpen={open} />}
      {tab === 'records' && <FailureRecordList />}
      {tab === 'open' && mayDecide && <OpenForm onOpened={(id) => { board.reload(); open(id); }} />}
    </section>
  );
}
