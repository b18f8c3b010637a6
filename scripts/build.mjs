// Builds everything that runs outside the test loader:
//   dist/cli.js (+ chunks)  the headless CLI, ESM, heavy modules split out so each verb loads only what it needs
//   dist/main.js            Electron main process, ESM
//   dist/preload.cjs        the sandboxed preload: must be one CommonJS file
//   dist/renderer/          the window: bundled script, page and styles, no Node access
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync, chmodSync } from 'node:fs';

import { writeRegions } from './aws-regions.mjs';

// Region validation uses the installed SDK's region list: refresh it before bundling.
writeRegions();
const common = { bundle: true, platform: 'node', target: 'node20', mainFields: ['module', 'main'], sourcemap: false, logLevel: 'warning', legalComments: 'none' };
const jobs = [];
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });

if (existsSync('electron/cli.ts')) {
  jobs.push(build({
    ...common, entryPoints: { cli: 'electron/cli.ts' }, outdir: 'dist', format: 'esm', splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __ekCreateRequire } from 'node:module'; const require = __ekCreateRequire(import.meta.url);" },
  }).then(() => chmodSync('dist/cli.js', 0o755)));
}
if (existsSync('electron/main.ts')) {
  jobs.push(build({
    ...common, entryPoints: { main: 'electron/main.ts' }, outdir: 'dist', format: 'esm', external: ['electron'],
    banner: { js: "import { createRequire as __ekCreateRequire } from 'node:module'; const require = __ekCreateRequire(import.meta.url);" },
  }));
}
if (existsSync('electron/preload.ts')) {
  jobs.push(build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/preload.cjs', format: 'cjs', external: ['electron'] }));
}
if (existsSync('renderer/app.ts')) {
  jobs.push(build({ ...common, platform: 'browser', target: 'chrome120', entryPoints: ['renderer/app.ts'], outfile: 'dist/renderer/app.js', format: 'iife' })
    .then(() => {
      for (const f of ['index.html', 'styles.css']) if (existsSync(`renderer/${f}`)) cpSync(`renderer/${f}`, `dist/renderer/${f}`);
    }));
}
await Promise.all(jobs);
