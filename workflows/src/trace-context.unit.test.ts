import { describe, expect, it } from 'vitest';
import { traceHeader, withStartTrace } from './trace-context';

const payload = (text: string) => ({ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode(text) });

describe('the start trace carried onto what a workflow schedules', () => {
  it('adds the start header to headers that have none, keeping the others', () => {
    const started = payload('{"traceparent":"00-a-b-01"}');
    const other = payload('"x"');
    expect(withStartTrace({ other }, started)).toEqual({ other, [traceHeader]: started });
  });

  it('leaves a header already set (an interceptor or caller chose it) and adds nothing without a start trace', () => {
    const own = payload('{"traceparent":"00-c-d-01"}');
    expect(withStartTrace({ [traceHeader]: own }, payload('{}'))).toEqual({ [traceHeader]: own });
    expect(withStartTrace({}, undefined)).toEqual({});
  });
});
