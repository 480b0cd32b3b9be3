import { Suspense, useState } from 'react';
import { Login } from '../features/auth/components/login';
import type { Session } from '../features/auth/api/session';
import { useInbox } from '../features/inbox/api/inbox';
import { InboxScreen, UnreadBadge } from '../features/inbox/components/inbox';
import { setBearer } from '../lib/api';
import { screensFor, type Screen } from '../lib/access';
import { LangProvider, useLang, useMessages } from '../lib/i18n';
import { appMessages } from './messages';
import { screenViews } from './screens';

function restore(): Session | null {
  try {
    const saved = sessionStorage.getItem('console.session');
    const session = saved ? (JSON.parse(saved) as Session) : null;
    setBearer(session?.token ?? null);
    return session;
  } catch {
    return null;
  }
}

function LanguageSwitch() {
  const { lang, setLang } = useLang();
  const t = useMessages(appMessages);
  return (
    <label className="lang">
      {t.language}
      <select name="lang" value={lang} onChange={(e) => setLang(e.target.value === 'zh' ? 'zh' : 'en')}>
        <option value="en">English</option>
        <option value="zh">中文</option>
      </select>
    </label>
  );
}

/** The signed-in person's inbox, live in the header on every screen. */
function Inbox({ personId, open, onOpen, readOnly }: { personId: string; open: boolean; onOpen: () => void; readOnly: boolean }) {
  const inbox = useInbox(personId);
  return (
    <>
      {inbox.state === 'ready' && <UnreadBadge unread={inbox.unread} onOpen={onOpen} />}
      {open && <main>{<InboxScreen items={inbox.items} state={inbox.state} act={inbox.act} readOnly={readOnly} />}</main>}
    </>
  );
}

function ScreenView({ screen, session }: { screen: Exclude<Screen, 'inbox'>; session: Session }) {
  const View = screenViews[screen];
  return (
    <Suspense fallback={<p aria-busy="true">…</p>}>
      <View session={session} />
    </Suspense>
  );
}

function Shell() {
  const t = useMessages(appMessages);
  const [session, setSession] = useState<Session | null>(restore);
  const screens = session ? screensFor(session.roles) : [];
  const [chosen, setChosen] = useState<Screen | null>(null);
  const screen = chosen && screens.includes(chosen) ? chosen : (screens[0] ?? null);

  const signIn = (next: Session) => {
    setBearer(next.token);
    sessionStorage.setItem('console.session', JSON.stringify(next));
    setSession(next);
    setChosen(null);
  };
  const signOut = () => {
    setBearer(null);
    sessionStorage.removeItem('console.session');
    setSession(null);
  };

  return (
    <>
      <header>
        <strong>{t.product}</strong>
        {session && (
          <nav aria-label={t.product}>
            {screens.map((s) => (
              <button key={s} type="button" aria-current={s === screen ? 'page' : undefined} onClick={() => setChosen(s)} data-screen={s}>
                {t[s]}
              </button>
            ))}
          </nav>
        )}
        <LanguageSwitch />
        {session && (
          <span className="who" data-testid="who">
            {session.sub} ({session.roles.join(', ')}{session.dealerId ? ` · ${session.dealerId}` : ''}) <button type="button" onClick={signOut}>{t.signOut}</button>
          </span>
        )}
      </header>
      {!session ? (
        <Login onSession={signIn} />
      ) : (
        <>
          {screens.includes('inbox') && <Inbox personId={session.sub} open={screen === 'inbox'} onOpen={() => setChosen('inbox')} readOnly={session.roles.every((r) => r === 'auditor')} />}
          {screen !== 'inbox' && <main data-screen-view={screen ?? 'none'}>{screen ? <ScreenView screen={screen} session={session} /> : <p>{t.nothing}</p>}</main>}
        </>
      )}
    </>
  );
}

export function App() {
  return (
    <LangProvider>
      <Shell />
    </LangProvider>
  );
}
