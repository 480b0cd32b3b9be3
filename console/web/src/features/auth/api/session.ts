export interface ConsoleConfig {
  devLogin: boolean;
  roles: string[];
  oidc: { issuer: string; audience: string } | null;
}

export interface Session {
  token: string;
  sub: string;
  roles: string[];
  dealerId: string | null;
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
  return body;
}

export async function fetchConfig(): Promise<ConsoleConfig> {
  return json<ConsoleConfig>(await fetch('/auth/config'));
}

/** The token verified by the console process as the services verify it. */
export async function openSession(token: string): Promise<Session> {
  const who = await json<Omit<Session, 'token'>>(await fetch('/auth/session', { headers: { authorization: `Bearer ${token}` } }));
  return { token, ...who };
}

export async function devLogin(role: string, dealerId?: string, person?: string): Promise<Session> {
  const { token } = await json<{ token: string }>(
    await fetch('/auth/dev-login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, ...(dealerId ? { dealerId } : {}), ...(person ? { person } : {}) }) }),
  );
  return openSession(token);
}
