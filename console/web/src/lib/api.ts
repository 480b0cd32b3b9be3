import { useCallback, useEffect, useState } from 'react';

export type ServiceName = 'intake' | 'dispatch' | 'spares' | 'quality' | 'notifications' | 'insight';

export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export interface ApiError {
  error?: { code: string; message: string; field?: string };
}

let bearer: string | null = null;
export function setBearer(token: string | null): void {
  bearer = token;
}
/** For calls that read a response as a stream (an event stream) rather than through apiCall. */
export function bearerToken(): string | null {
  return bearer;
}

/** A call to one service through the console's own origin (/api/<service>/...). */
export async function apiCall<T>(service: ServiceName, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiAnswer<T & ApiError>> {
  const response = await fetch(`/api/${service}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: { code: 'not_json', message: text.slice(0, 200) } };
  }
  return { status: response.status, body: body as T & ApiError };
}

export interface Resource<T> {
  data: ApiAnswer<T & ApiError> | null;
  loading: boolean;
  reload: () => void;
}

/** Fetches a path (null: nothing yet) and again whenever it changes, or every refreshMs. */
export function useResource<T>(service: ServiceName, path: string | null, refreshMs?: number): Resource<T> {
  const [data, setData] = useState<ApiAnswer<T & ApiError> | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    if (!path) {
      setData(null);
      return;
    }
    let live = true;
    setLoading(true);
    apiCall<T>(service, path)
      .then((answer) => live && setData(answer))
      .catch((error: unknown) => live && setData({ status: 0, body: { error: { code: 'network', message: String(error) } } as T & ApiError }))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [service, path, tick]);
  useEffect(() => {
    if (!refreshMs || !path) return;
    const timer = setInterval(reload, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, path, reload]);
  return { data, loading, reload };
}
