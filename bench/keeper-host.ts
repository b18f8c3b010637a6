// A running keeper in a process of its own, as the tray app runs it (bench/run.ts starts one per
// N): not sharing its thread with the benchmark, the API emulator and the other keepers. It
// listens as the tray app does (each change's snapshot copied as the window's IPC copies it) and
// answers each 'refreshAll' message with how long keeper.refreshAll() took and the CPU time this
// process used for it (all its threads; not the logins' docker processes).
//
//   node --import tsx bench/keeper-host.ts '{"configDir": "...", "env": {...}}'   (an IPC channel is required)
import { performance } from 'node:perf_hooks';
import { createKeeper } from '../src/core/engine';
import { confOpener } from '../tests/helpers/keeper-harness';

const { configDir, env } = JSON.parse(process.argv[2] ?? '{}') as { configDir: string; env: NodeJS.ProcessEnv };
const { keeper } = createKeeper({ configDir, openStore: confOpener, env });
keeper.on('change', (snap) => structuredClone(snap));
keeper.on('notify', () => {});

const send = (m: unknown) => process.send!(m);
process.on('message', (m) => {
  if (m === 'stop') {
    void keeper.stop().then(() => process.exit(0));
    return;
  }
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  keeper.refreshAll().then(
    (res) => {
      const { user, system } = process.cpuUsage(c0);
      send({
        ms: performance.now() - t0,
        cpu: (user + system) / 1000,
        error: res.find((r) => r.error)?.error?.message,
      });
    },
    (err: Error) => send({ ms: 0, cpu: 0, error: err.message }),
  );
});
send({ ready: true });
