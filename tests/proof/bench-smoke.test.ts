// CI smoke for the benchmark: `scripts/bench.mjs --quick` (small N, short rest window) runs to
// the end on the real stack and writes its table. No timing is asserted: CI machines vary; the
// published numbers come from `npm run bench` (docs/PERFORMANCE.md).
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needTools, TOOLS } from '../fixtures/tools';
import { CLI } from '../fixtures/stack';

const skip =
  needTools(TOOLS.docker, TOOLS.registry) || (existsSync(CLI) ? false : 'needs dist/cli.js (node scripts/build.mjs)');
const dir = mkdtempSync(join(tmpdir(), 'ek-bench-smoke-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('npm run bench -- --quick completes and writes its table', { skip, timeout: 240_000 }, async () => {
  const out = join(dir, 'PERFORMANCE.md');
  // --no-build: the test runner (scripts/test.mjs) has just built dist/; --no-ui: the countdown
  // tick has its own Chromium benchmark and tests.
  const child = spawn(
    process.execPath,
    ['scripts/bench.mjs', '--no-build', '--quick', '--reps', '1', '--rest-seconds', '3', '--no-ui', '--out', out],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise((r) => child.once('close', r));
  assert.equal(code, 0, stderr.slice(-2000) + stdout.slice(-2000));
  assert.match(stdout, /floor \(bare docker login\)\s+ecr-keeper login --all/);
  assert.match(stdout, /watch at rest: \d+ registries, [\d.]+ ms CPU\/min/);
  assert.match(stdout, /^target\s+goal\s+measured\s+result/m);
  const doc = readFileSync(out, 'utf8');
  for (const section of ['# Performance', '## Machine', '## Results', '## Targets'])
    assert.ok(doc.includes(section), section);
  assert.match(doc, /\| N \| floor \(bare docker login\) \| ecr-keeper login --all \|/);
  // Times of a second or more are written in seconds (bench/run.ts), as on a busy machine.
  assert.match(doc, /^\| 1 \| [\d.]+ m?s \| [\d.]+ m?s \| [\d.]+x \|/m);
  assert.match(doc, /- node: v\d+/);
  assert.match(doc, /- cpus: \d+ x /);
});
