import { expect } from 'vitest';
import { registrationBody } from './demo';
import { api } from './services';
import type { TestBed } from './testbed';
import { eventually } from './wait';

/**
 * Registers a request at intake (the demo customer and machine unless `body` says otherwise),
 * waits until its workflow answers, and has the test bed end the workflow after the file.
 * Returns the created record.
 */
export async function registerRequest(bed: TestBed, body: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string }> {
  const intake = bed.service('intake');
  const created = await api(intake, 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody(body) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id as string;
  bed.started.push(id);
  await eventually(`${id}'s workflow`, async () => {
    const read = await api(intake, 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') });
    return (read.body.workflow as { available?: boolean } | null)?.available ? true : undefined;
  });
  return { ...created.body, id };
}

/** Sends one of a request's steps (`screening`, `resolution`, ...) through intake's API. */
export function requestStep(bed: TestBed, id: string, step: string, body: unknown, role: Parameters<TestBed['token']>[0] = 'agent') {
  return api(bed.service('intake'), 'POST', `/v1/service-requests/${id}/${step}`, { token: bed.token(role), body });
}
