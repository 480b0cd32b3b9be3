import { useEffect, useState, type FormEvent } from 'react';
import { useMessages } from '../../../lib/i18n';
import { devLogin, fetchConfig, openSession, type ConsoleConfig, type Session } from '../api/session';
import { authMessages, roleNames } from '../messages';

export function Login({ onSession }: { onSession: (session: Session) => void }) {
  const t = useMessages(authMessages);
  const names = useMessages(roleNames);
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [role, setRole] = useState('agent');
  const [dealerId, setDealerId] = useState('DLR-0001');
  const [person, setPerson] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetchConfig().then(setConfig, (e: unknown) => setError(String(e)));
  }, []);

  const attempt = (work: Promise<Session>) => {
    setError(null);
    work.then(onSession, (e: unknown) => setError(`${t.failed}: ${(e as Error).message}`));
  };
  const onDev = (event: FormEvent) => {
    event.preventDefault();
    attempt(devLogin(role, role === 'dealer' ? dealerId : undefined, person.trim() || undefined));
  };
  const onToken = (event: FormEvent) => {
    event.preventDefault();
    attempt(openSession(token.trim()));
  };

  return (
    <main className="login">
      <h1>{t.title}</h1>
      {config?.devLogin && (
        <form onSubmit={onDev} aria-label={t.signIn}>
          <label>
            {t.role}
            <select name="role" value={role} onChange={(e) => setRole(e.target.value)}>
              {config.roles.map((r) => (
                <option key={r} value={r}>
                  {names[r as keyof typeof names] ?? r}
                </option>
              ))}
            </select>
          </label>
          {role === 'dealer' && (
            <label>
              {t.dealerId}
              <input name="dealerId" value={dealerId} onChange={(e) => setDealerId(e.target.value)} />
            </label>
          )}
          <label>
            {t.person}
            <input name="person" value={person} placeholder="P-SH-SUP" onChange={(e) => setPerson(e.target.value)} />
          </label>
          <button type="submit">{t.signIn}</button>
        </form>
      )}
      <form onSubmit={onToken} aria-label={t.useToken}>
        {config?.oidc && <p>{t.oidcHint.replace('{issuer}', config.oidc.issuer)}</p>}
        <label>
          {t.token}
          <textarea name="token" rows={3} value={token} onChange={(e) => setToken(e.target.value)} />
        </label>
        <button type="submit" disabled={!token.trim()}>
          {t.useToken}
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
    </main>
  );
}
