import { describe, expect, it } from 'vitest';
import { waitFor } from '../infra/lib/proc.mjs';

/** A probe that answers after `n` failed tries. */
const healthyAfter = (n: number) => {
  let tries = 0;
  return async () => (++tries > n ? 'healthy' : false);
};

describe('waiting for a server to start', () => {
  it('does not take a process for dead on one look that misses it', async () => {
    const looks = [false, true, true, true, true];
    const stillAlive = () => looks.shift() ?? true;
    await expect(waitFor('mongo', healthyAfter(3), { timeoutMs: 5_000, intervalMs: 5, stillAlive })).resolves.toBe('healthy');
  });

  it('gives up at once, naming the server, when the process is gone on two looks', async () => {
    let looks = 0;
    const stillAlive = () => (looks++, false);
    await expect(waitFor('mongo', healthyAfter(100), { timeoutMs: 5_000, intervalMs: 5, stillAlive }))
      .rejects.toThrow('mongo: the process exited during start-up');
    expect(looks).toBe(2);
  });

  it('says it was not healthy in time when the process lives but never answers', async () => {
    await expect(waitFor('kafka', healthyAfter(1_000), { timeoutMs: 60, intervalMs: 5 }))
      .rejects.toThrow('kafka: not healthy after 0.06s');
  });
});
