// Builds everything that runs outside the test loader:
//   dist/cli.js (+ chunks)  the headless CLI, ESM, heavy modules split out so each verb loads only what it needs
//   dist/main.js            Electron main process, ESM
//   dist/preload.cjs        the sandboxed preload: must be one CommonJS file
//   dist/renderer/          the window: bundled script, page and styles, no Node access
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, chmodSync } from 'node:fs';

import { writeRegions } from './aws-regions.mjs';

// Region validation uses the installed SDK's region list: refresh it before bundling.
writeRegions();
// `import ... from 'node:http'` in an ES module makes Node build the module's ES facade, which
// reads every export, and three of them (WebSocket, CloseEvent, MessageEvent) are getters that
// load undici: ~25 ms at each start of the CLI, for nothing (the AWS SDK's http handler imports
// `http`, nobody uses WebSocket). Taken through `require` (the banner's createRequire), Node
// builds no facade and undici stays unloaded. esbuild's CommonJS interop keeps named imports working.
const httpByRequire = {
  name: 'http-by-require',
  setup(b) {
    b.onResolve({ filter: /^(node:)?http$/ }, (a) =>
      a.namespace === 'http-by-require'
        ? { path: 'node:http', external: true }
        : { path: 'node:http', namespace: 'http-by-require' },
    );
    b.onLoad({ filter: /.*/, namespace: 'http-by-require' }, () => ({
      contents: "module.exports = require('node:http');",
      loader: 'js',
    }));
  },
};
const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  sourcemap: false,
  logLevel: 'warning',
  legalComments: 'none',
};
// `ecr-keeper --version` prints package.json's version (src/cli/main.ts reads __VERSION__).
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
// Built into a fresh folder and swapped in at the end, so a rebuild (npm install's prepare, npm
// run smoke, an npx run) never leaves a test or a running CLI without dist/ for more than a rename.
const out = `dist.tmp-${process.pid}`;
const jobs = [];
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

if (existsSync('src/cli/ecr-keeper.ts')) {
  jobs.push(
    build({
      ...common,
      entryPoints: { cli: 'src/cli/ecr-keeper.ts' },
      outdir: out,
      format: 'esm',
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      define: { __VERSION__: JSON.stringify(version) },
      plugins: [httpByRequire],
      banner: {
        js: "#!/usr/bin/env node\nimport { createRequire as __ekCreateRequire } from 'node:module'; const require = __ekCreateRequire(import.meta.url);",
      },
    }).then(() => chmodSync(`${out}/cli.js`, 0o755)),
  );
}
if (existsSync('src/electron/main.ts')) {
  jobs.push(
    build({
      ...common,
      entryPoints: { main: 'src/electron/main.ts' },
      outdir: out,
      format: 'esm',
      external: ['electron'],
      banner: {
        js: "import { createRequire as __ekCreateRequire } from 'node:module'; const require = __ekCreateRequire(import.meta.url);",
      },
    }),
  );
}
if (existsSync('src/electron/preload.ts')) {
  jobs.push(
    build({
      ...common,
      entryPoints: ['src/electron/preload.ts'],
      outfile: `${out}/preload.cjs`,
      format: 'cjs',
      external: ['electron'],
    }),
  );
}
if (existsSync('src/renderer/app.ts')) {
  jobs.push(
    build({
      ...common,
      platform: 'browser',
      target: 'chrome120',
      entryPoints: ['src/renderer/app.ts'],
      outfile: `${out}/renderer/app.js`,
      format: 'iife',
    }).then(() => {
      for (const f of ['index.html', 'styles.css'])
        if (existsSync(`src/renderer/${f}`)) cpSync(`src/renderer/${f}`, `${out}/renderer/${f}`);
    }),
  );
}
try {
  await Promise.all(jobs);
} catch (err) {
  rmSync(out, { recursive: true, force: true });
  throw err;
}
const old = `dist.old-${process.pid}`;
if (existsSync('dist')) renameSync('dist', old);
renameSync(out, 'dist');
rmSync(old, { recursive: true, force: true });
