// `npm run bench`: builds dist/ and the standalone binary (the CLI is measured as shipped), then runs bench/run.ts, which
// prints the table and writes docs/PERFORMANCE.md. Options are passed through:
//   --quick            small N and a 20 s rest window (CI smoke; numbers not comparable)
//   --reps N           repetitions per measurement (default 5; medians are reported)
//   --rest-seconds S   length of the watch-at-rest window (default 60)
//   --out FILE         write the report elsewhere (default docs/PERFORMANCE.md)
//   --no-ui            skip bench/ui-tick.ts (the Chromium countdown-tick benchmark)
//   --no-build         measure the dist/ (and release/cli/ecr-keeper) that is already there
//   --no-standalone    do not build the standalone binary (it is measured only when present)
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
if (!args.includes('--no-build')) {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
  if (!args.includes('--no-standalone')) {
    const sb = spawnSync(process.execPath, ['scripts/build-standalone.mjs'], { stdio: 'inherit' });
    if (sb.status !== 0) process.exit(sb.status ?? 1);
  }
}
const ours = new Set(['--no-build', '--no-standalone']);
const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args.filter((a) => !ours.has(a))], {
  stdio: 'inherit',
  env: { ...process.env, NODE_NO_WARNINGS: '1' },
});
process.exit(r.status ?? 1);
