// Packaging: build/electron-builder.yml validated against electron-builder's own JSON schema, what
// it shares with other files (the app id with main.ts, the Electron version and homepage with
// package.json), and the generated icons being real PNG / ICO files of the right sizes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { APP_ID } from '../../src/electron/identity';

const require = createRequire(import.meta.url);
const text = readFileSync('build/electron-builder.yml', 'utf8');

/** js-yaml and the schema come with electron-builder, ajv with conf: all are installed by npm ci. */
/** The part of ajv used here (its CommonJS export is the class, also as .default). */
interface AjvClass {
  new (opts: { allErrors: boolean; strict: boolean }): {
    compile(schema: unknown): { (data: unknown): boolean; errors?: unknown };
  };
}

function load(): { cfg: Record<string, unknown>; validate: (c: unknown) => { ok: boolean; errors: string } } {
  const yaml = require('js-yaml') as { load(s: string): unknown };
  const cfg = yaml.load(text) as Record<string, unknown>;
  const AjvMod = require('ajv') as AjvClass & { default?: AjvClass };
  const Ajv = AjvMod.default ?? AjvMod;
  const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as unknown;
  const v = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return { cfg, validate: (c) => ({ ok: v(c), errors: JSON.stringify(v.errors) }) };
}

function pngSize(buf: Buffer): { w: number; h: number } {
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(buf.subarray(12, 16).toString('ascii'), 'IHDR');
  return { w: buf.readUInt32BE(16), h: buf.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it('is valid per electron-builder’s schema; what it shares with other files agrees', () => {
    const { cfg, validate } = load();
    const r = validate(cfg);
    assert.ok(r.ok, r.errors);
    assert.equal(cfg.appId, APP_ID, 'AppUserModelId in main.ts and appId must match for Windows toasts');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
      homepage: string;
      devDependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.match(pkg.homepage, /^https:\/\//, 'deb Homepage comes from package.json');
    assert.equal(pkg.devDependencies.electron, cfg.electronVersion, 'pinned exactly, same version everywhere');
    assert.match(
      pkg.scripts.dist,
      /electron-builder --config build\/electron-builder\.yml/,
      'the file checked here is the one `npm run dist` builds with',
    );
  });
});

describe('icons', () => {
  it('tray PNGs: sizes per platform, macOS templates are black + alpha only', () => {
    for (const state of ['idle', 'ok', 'expiring', 'error', 'refreshing']) {
      const mac = state === 'ok' ? 'trayTemplate' : `tray-${state}Template`;
      assert.deepEqual(pngSize(readFileSync(`assets/${mac}.png`)), { w: 18, h: 18 });
      assert.deepEqual(pngSize(readFileSync(`assets/${mac}@2x.png`)), { w: 36, h: 36 });
      assert.deepEqual(pngSize(readFileSync(`assets/tray-${state}.png`)), { w: 32, h: 32 });
      assert.deepEqual(pngSize(readFileSync(`assets/tray-${state}@2x.png`)), { w: 64, h: 64 });
      // Decode the template: every pixel must be black (macOS tints by alpha only).
      const buf = readFileSync(`assets/${mac}@2x.png`);
      const idat = buf.indexOf('IDAT');
      const len = buf.readUInt32BE(idat - 4);
      const raw = inflateSync(buf.subarray(idat + 4, idat + 4 + len));
      let opaque = 0;
      for (let y = 0; y < 36; y++) {
        for (let x = 0; x < 36; x++) {
          const o = y * (36 * 4 + 1) + 1 + x * 4;
          assert.equal(raw[o] + raw[o + 1] + raw[o + 2], 0, `${mac} pixel ${x},${y} is black`);
          if (raw[o + 3] > 128) opaque++;
        }
      }
      assert.ok(opaque > 50, `${mac} draws something`);
    }
  });

  it('ICO files hold PNG frames including 16 and 32 (tray) and 256 (app)', () => {
    const frames = (file: string) => {
      const b = readFileSync(file);
      assert.equal(b.readUInt16LE(2), 1, 'type icon');
      return Array.from({ length: b.readUInt16LE(4) }, (_, i) => {
        const size = b[6 + i * 16] || 256;
        const off = b.readUInt32LE(6 + i * 16 + 12);
        assert.equal(pngSize(b.subarray(off)).w, size);
        return size;
      });
    };
    assert.ok(frames('assets/tray-error.ico').includes(16) && frames('assets/tray-error.ico').includes(32));
    assert.ok(frames('assets/icon.ico').includes(256));
    assert.deepEqual(pngSize(readFileSync('assets/icon.png')), { w: 1024, h: 1024 });
  });
});
