// Preloaded into intake by bench:intake when BENCH_CPU_PROF names a directory (`--cpu-prof` is not
// allowed in NODE_OPTIONS): samples the main thread from start to exit and writes a .cpuprofile there.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  // An in-process session answers synchronously, so the profile is written before the process goes.
  process.once('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `intake-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
