// `npm run smoke` inside `npm test`: the built dist/main.js booted under plain Node with the named
// Electron stand-in (tests/fixtures/electron-standin), in the development and the packaged layout,
// plus a second copy without the single-instance lock. The script itself checks each step; this
// test checks that it exits 0 and that every step was reported, in order. It runs scripts/smoke.ts
// directly (not `npm run smoke`, which rebuilds dist/ under the other tests' feet).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { needTools, TOOLS } from '../fixtures/tools';

const STEPS = [
  'imports',
  'whenReady',
  'single-instance',
  'tray',
  'window',
  'ipc',
  'notification',
  'before-quit',
  'exit',
];
const skip = needTools(TOOLS.docker, TOOLS.registry);

it(
  'the main-process bundle walks whenReady -> lock -> tray -> window -> IPC -> notification -> before-quit -> exit',
  { skip, timeout: 240_000 },
  () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/smoke.ts'], {
      encoding: 'utf8',
      timeout: 230_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    assert.equal(r.status, 0, out);
    for (const layout of ['dev', 'packaged']) {
      const seen = [...out.matchAll(new RegExp(`^smoke\\[${layout}\\] ok (\\d+)/(\\d+) ([\\w-]+):`, 'gm'))].map(
        (m) => m[3],
      );
      assert.deepEqual(seen, STEPS, `${layout} walk steps:\n${out}`);
      assert.match(out, new RegExp(`^smoke\\[${layout}\\] all ${STEPS.length} steps passed$`, 'm'));
    }
    assert.match(out, /^smoke\[second-instance\] ok 1\/1 second-instance:/m);
    assert.match(out, /^smoke: passed \(3 runs of dist\/main\.js\)$/m);
    // On Node >= 22 the AWS SDK has nothing to warn about (it warns on older Node; never silenced here).
    if (Number(process.versions.node.split('.')[0]) >= 22) assert.doesNotMatch(out, /NodeVersionSupportWarning/);
  },
);
