import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorSlot, fromLocalInput, reportBody, reportDefaults, reportSlots, toLocalInput } from './report';

describe('the report form', () => {
  const now = new Date(2030, 5, 10, 12, 0);
  const stamps = { travelStartedAt: new Date(2030, 5, 10, 9, 0).toISOString(), arrivedAt: new Date(2030, 5, 10, 9, 40).toISOString(), workStartedAt: new Date(2030, 5, 10, 9, 45).toISOString(), workFinishedAt: new Date(2030, 5, 10, 11, 15).toISOString() };

  it('starts from the times the steps recorded and the reserved parts', () => {
    const form = reportDefaults(stamps, [{ partNumber: 'P-LENS-B', quantity: 1 }], now);
    expect(form).toMatchObject({ startedAt: '2030-06-10T09:45', finishedAt: '2030-06-10T11:15', effortMinutes: '90', travelMinutes: '40', firstTimeFix: true });
    expect(form.partsUsed).toEqual([{ partNumber: 'P-LENS-B', quantity: '1', removedSerial: '' }]);
  });

  it('a job started and finished within one minute still ends after it began', () => {
    const form = reportDefaults({ workStartedAt: new Date(2030, 5, 10, 9, 45, 10).toISOString(), workFinishedAt: new Date(2030, 5, 10, 9, 45, 40).toISOString() }, [], now);
    expect([form.startedAt, form.finishedAt, form.effortMinutes]).toEqual(['2030-06-10T09:45', '2030-06-10T09:46', '1']);
  });

  it('sends instants, whole numbers, drops empty part rows, and signs off only with a name', () => {
    const form = { ...reportDefaults(stamps, [], now), cause: 'lens', fix: 'replaced', workDone: 'fitted', partsUsed: [{ partNumber: 'P-1', quantity: '2', removedSerial: 'OLD-1' }, { partNumber: '', quantity: '', removedSerial: '' }] };
    const body = reportBody(form, now);
    expect(body).toMatchObject({ startedAt: stamps.workStartedAt, finishedAt: stamps.workFinishedAt, effortMinutes: 90, travelMinutes: 40, customerSignOff: null, partsUsed: [{ partNumber: 'P-1', quantity: 2, removedSerial: 'OLD-1' }] });
    expect(body).not.toHaveProperty('failureCategory');
    expect(reportBody({ ...form, signOffName: ' Li Wei ', failureCategory: 'wear' }, now)).toMatchObject({ customerSignOff: { name: 'Li Wei', at: now.toISOString() }, failureCategory: 'wear' });
  });

  it('leaves what is not a number or a time as typed, for dispatch to name', () => {
    const body = reportBody({ ...reportDefaults({}, [], now), effortMinutes: 'ninety', travelMinutes: '', startedAt: '' }, now);
    expect(body).toMatchObject({ effortMinutes: 'ninety', startedAt: '' });
    expect(body).not.toHaveProperty('travelMinutes');
  });

  it('a local time round-trips to the minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), (seconds) => {
        const minute = new Date(Math.floor((seconds * 1000) / 60_000) * 60_000);
        expect(fromLocalInput(toLocalInput(minute))).toBe(minute.toISOString());
      }),
    );
  });

  it('puts an error beside the field it names, or the nearest one, or at the top', () => {
    const slots = reportSlots({ ...reportDefaults({}, [{ partNumber: 'P-1', quantity: 1 }], now) });
    expect(errorSlot('finishedAt', slots)).toBe('finishedAt');
    expect(errorSlot('partsUsed.0.quantity', slots)).toBe('partsUsed.0.quantity');
    expect(errorSlot('partsUsed.3.quantity', slots)).toBe('partsUsed');
    expect(errorSlot('customerSignOff.name', slots)).toBe('customerSignOff');
    expect(errorSlot('status', slots)).toBe('form');
    expect(errorSlot(undefined, slots)).toBe('form');
  });
});
