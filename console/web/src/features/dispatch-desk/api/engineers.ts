import { useEffect, useState } from 'react';
import { apiCall, useResource } from '../../../lib/api';
import type { ScheduleAnswer } from '../timeline';

export interface Engineer {
  id: string;
  name: string;
  skills: { productLine: string; skill: string; level: number }[];
  territories: string[];
  homeBase: { city: string };
  calendarId: string;
  active: boolean;
}

/** Every engineer, up to the API's 1,000 (the desk showed the first 200 by id and no others). */
export function useEngineers() {
  const answer = useResource<{ items: Engineer[] }>('dispatch', '/v1/engineers?limit=1000');
  return { ...answer, items: answer.data?.status === 200 ? answer.data.body.items : [] };
}

export type Schedules = { state: 'loading' | 'ready'; byEngineer: Map<string, ScheduleAnswer>; failed: string[] };

/**
 * Each engineer's schedule over [from, to): bookings, absences and working time. Read again when
 * the span, the engineers or `version` change (the desk bumps it after an assignment or re-plan),
 * and every refreshMs, since others book engineers too.
 */
export function useSchedules(engineerIds: readonly string[], from: number, to: number, version: number, refreshMs = 30_000): Schedules {
  const [schedules, setSchedules] = useState<Schedules>({ state: 'loading', byEngineer: new Map(), failed: [] });
  const [tick, setTick] = useState(0);
  const ids = engineerIds.join(',');
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);
  useEffect(() => {
    if (!ids) return setSchedules({ state: 'ready', byEngineer: new Map(), failed: [] });
    let live = true;
    const span = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    void Promise.all(ids.split(',').map(async (id) => [id, await apiCall<ScheduleAnswer>('dispatch', `/v1/engineers/${encodeURIComponent(id)}/schedule?${span}`).catch(() => null)] as const)).then((answers) => {
      if (!live) return;
      const byEngineer = new Map<string, ScheduleAnswer>();
      const failed: string[] = [];
      for (const [id, a] of answers) {
        if (a?.status === 200) byEngineer.set(id, a.body);
        else failed.push(id);
      }
      setSchedules({ state: 'ready', byEngineer, failed });
    });
    return () => {
      live = false;
    };
  }, [ids, from, to, version, tick]);
  return schedules;
}
