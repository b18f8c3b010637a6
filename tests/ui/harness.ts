// Builds the renderer with the project's build script, serves a private copy of dist/renderer from
// 127.0.0.1 (other builds may rewrite dist/ meanwhile) and launches Debian's Chromium.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** True when dist/renderer is older than some renderer source (or missing). */
function rendererStale(): boolean {
  const built = ['app.js', 'index.html', 'styles.css'].map((f) => {
    try {
      return statSync(join('dist/renderer', f)).mtimeMs;
    } catch {
      return 0;
    }
  });
  const oldest = Math.min(...built);
  const sources = readdirSync('src', { recursive: true })
    .map((f) => join('src', String(f)))
    .filter((f) => /\.(ts|html|css)$/.test(f));
  return oldest === 0 || sources.some((f) => statSync(f).mtimeMs > oldest);
}

/**
 * The renderer as scripts/build.mjs builds it. `npm test` builds before running tests, so a fresh
 * dist/ is reused as is (rebuilding would rewrite dist/ under tests running in parallel); a stale
 * one is rebuilt. The copy keeps this run independent of later builds.
 */
export function buildRenderer(): string {
  if (rendererStale()) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const copy = mkdtempSync(join(tmpdir(), 'ecr-keeper-renderer-'));
  cpSync('dist/renderer', copy, { recursive: true });
  return copy;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface Site {
  url: string;
  root: string;
  close(): Promise<void>;
}

export async function serve(root: string): Promise<Site> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    const file = join(root, path === '/' ? 'index.html' : path);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res
        .writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/index.html`,
    root,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
        rmSync(root, { recursive: true, force: true });
      }),
  };
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}
