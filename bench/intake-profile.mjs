// Preloaded into intake by bench:intake when BENCH_CPU_PROF or BENCH_MONGO_COMMANDS names a
// directory (`--cpu-prof` is not allowed in NODE_OPTIONS):
// - BENCH_CPU_PROF: samples each thread it runs in (the main one, and the workflow threads of the
//   Temporal worker, which preload it too) from start to exit and writes a .cpuprofile per thread there.
// - BENCH_MONGO_COMMANDS: counts every Mongo command the process sends, by command and collection,
//   with the time each took, and appends the running totals to mongo-commands-<pid>.ndjson there
//   every 2 s (a line: { at, totals: { "insert serviceRequests": [count, ms] } }); the bench's log
//   gives the phases' instants, so a phase's commands are the difference of two lines.
import { appendFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { MongoClient } from 'mongodb';

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
      if (!error) writeFileSync(join(dir, `intake-${process.pid}-${threadId}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}

const commandsDir = process.env.BENCH_MONGO_COMMANDS;
// The main thread only: the Mongo clients live there (a worker thread would append empty totals).
if (commandsDir && isMainThread) {
  /** "command collection" -> [count, total ms]. */
  const totals = {};
  const file = join(commandsDir, `mongo-commands-${process.pid}.ndjson`);
  const connect = MongoClient.prototype.connect;
  // Mongoose builds its client itself; monitoring is switched on just before it connects.
  MongoClient.prototype.connect = function monitoredConnect(...args) {
    this.monitorCommands = true;
    const started = new Map();
    this.on('commandStarted', (event) => {
      const target = event.command[event.commandName];
      started.set(event.requestId, `${event.commandName} ${typeof target === 'string' ? target : ''}`.trim());
    });
    const done = (event) => {
      const key = started.get(event.requestId) ?? event.commandName;
      started.delete(event.requestId);
      const total = (totals[key] ??= [0, 0]);
      total[0] += 1;
      total[1] += event.duration;
    };
    this.on('commandSucceeded', done);
    this.on('commandFailed', done);
    return connect.apply(this, args);
  };
  const write = () => appendFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), totals })}\n`);
  setInterval(write, 2000).unref();
  process.once('exit', write);
}
