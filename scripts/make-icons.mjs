// Generates every icon in assets/ from a few vector shapes, with zlib and nothing else, so the
// icons are reproducible, reviewable as code and need no image tool or new package.
//
//   node scripts/make-icons.mjs
//
// Tray icons per aggregate state (idle = no registries, ok, expiring, error, refreshing):
//   macOS    tray[-state]Template.png + @2x   black + alpha only: macOS tints template images for
//                                              light/dark menu bars, so state is told by the glyph
//   Linux    tray-<state>.png + @2x            coloured disc, white glyph (no tinting on Linux)
//   Windows  tray-<state>.ico                  16..48 px PNG-in-ICO frames (Vista and later)
// App icon: icon.png (1024, electron-builder derives .icns from it) and icon.ico (16..256).
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const OUT = new URL('../assets/', import.meta.url);
const STATES = ['idle', 'ok', 'expiring', 'error', 'refreshing'];
const COLORS = {
  idle: [0x80, 0x86, 0x8f],
  ok: [0x2e, 0x9d, 0x5b],
  expiring: [0xd9, 0x8e, 0x04],
  error: [0xd3, 0x3a, 0x2c],
  refreshing: [0x2f, 0x7d, 0xe1],
};

// ---------- PNG / ICO encoding ----------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** rgba: Uint8Array of size*size*4, straight (non-premultiplied) alpha. */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
/** ICO whose frames are PNGs (supported since Windows Vista; electron-builder accepts it). */
function encodeIco(frames) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(frames.length, 4);
  const dir = Buffer.alloc(16 * frames.length);
  let offset = 6 + dir.length;
  frames.forEach(({ size, png }, i) => {
    const o = i * 16;
    dir[o] = size >= 256 ? 0 : size; // 0 means 256
    dir[o + 1] = size >= 256 ? 0 : size;
    dir.writeUInt16LE(1, o + 4); // planes
    dir.writeUInt16LE(32, o + 6); // bits per pixel
    dir.writeUInt32LE(png.length, o + 8);
    dir.writeUInt32LE(offset, o + 12);
    offset += png.length;
  });
  return Buffer.concat([header, dir, ...frames.map((f) => f.png)]);
}

// ---------- shapes in unit coordinates (0..1, y down) ----------

const disc = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) <= r;
const ring = (cx, cy, r, w) => (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - r) <= w / 2;
function capsule(x1, y1, x2, y2, w) {
  return (x, y) => {
    const dx = x2 - x1,
      dy = y2 - y1;
    const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy || 1)));
    return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)) <= w / 2;
  };
}
/** Ring segment from angle a0 to a1 (degrees, clockwise from 12 o'clock). */
function arc(cx, cy, r, w, a0, a1) {
  const on = ring(cx, cy, r, w);
  return (x, y) => {
    if (!on(x, y)) return false;
    const a = (Math.atan2(x - cx, -(y - cy)) * 180) / Math.PI;
    const deg = (a + 360) % 360;
    return deg >= a0 && deg <= a1;
  };
}
function triangle(ax, ay, bx, by, cx, cy) {
  const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  return (x, y) => {
    const d1 = s(x, y, ax, ay, bx, by),
      d2 = s(x, y, bx, by, cx, cy),
      d3 = s(x, y, cx, cy, ax, ay);
    const neg = d1 < 0 || d2 < 0 || d3 < 0,
      pos = d1 > 0 || d2 > 0 || d3 > 0;
    return !(neg && pos);
  };
}
function roundedSquare(inset, radius) {
  return (x, y) => {
    const qx = Math.max(Math.abs(x - 0.5) - (0.5 - inset - radius), 0);
    const qy = Math.max(Math.abs(y - 0.5) - (0.5 - inset - radius), 0);
    return Math.hypot(qx, qy) <= radius;
  };
}
const union =
  (...fs) =>
  (x, y) =>
    fs.some((f) => f(x, y));

/** The inner symbol per state, drawn inside a circle of radius ~0.3 around the centre. */
function glyph(state, w) {
  switch (state) {
    case 'ok': // a check mark: fresh
      return union(capsule(0.33, 0.52, 0.45, 0.64, w), capsule(0.45, 0.64, 0.68, 0.38, w));
    case 'expiring': // clock hands: time running out
      return union(capsule(0.5, 0.5, 0.5, 0.3, w), capsule(0.5, 0.5, 0.66, 0.58, w));
    case 'error': // exclamation mark
      return union(capsule(0.5, 0.3, 0.5, 0.56, w * 1.1), disc(0.5, 0.69, w * 0.62));
    case 'refreshing': // circular arrow
      return union(arc(0.5, 0.5, 0.19, w * 0.9, 40, 320), triangle(0.5, 0.21, 0.5, 0.42, 0.37, 0.3));
    default: // idle: nothing configured, a quiet dot
      return disc(0.5, 0.5, w * 0.8);
  }
}

/** Rasterises layers [{shape, rgb, alpha}] with n x n supersampling; later layers paint over. */
function render(size, layers, n = 4) {
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0; // premultiplied accumulators over the subsamples
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size,
            y = (py + (sy + 0.5) / n) / size;
          let cr = 0,
            cg = 0,
            cb = 0,
            ca = 0;
          for (const l of layers) {
            if (!l.shape(x, y)) continue;
            const la = l.alpha ?? 1;
            cr = l.rgb[0] * la + cr * (1 - la);
            cg = l.rgb[1] * la + cg * (1 - la);
            cb = l.rgb[2] * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const o = (py * size + px) * 4,
        k = n * n;
      out[o + 3] = Math.round((a / k) * 255);
      if (a > 0) {
        out[o] = Math.round(r / a);
        out[o + 1] = Math.round(g / a);
        out[o + 2] = Math.round(b / a);
      }
    }
  }
  return out;
}

const BLACK = [0, 0, 0],
  WHITE = [255, 255, 255];
const templateLayers = (state) => [
  { shape: ring(0.5, 0.5, 0.42, 0.1), rgb: BLACK },
  { shape: glyph(state, 0.1), rgb: BLACK },
];
const colourLayers = (state) => [
  { shape: disc(0.5, 0.5, 0.47), rgb: COLORS[state] },
  { shape: glyph(state, 0.1), rgb: WHITE },
];
const png = (size, layers) => encodePng(size, render(size, layers));

mkdirSync(OUT, { recursive: true });
const written = [];
const write = (name, data) => {
  writeFileSync(new URL(name, OUT), data);
  written.push(name);
};

for (const state of STATES) {
  // macOS: "Template" must end the base name for Electron to mark it a template image.
  const base = state === 'ok' ? 'trayTemplate' : `tray-${state}Template`;
  write(`${base}.png`, png(18, templateLayers(state)));
  write(`${base}@2x.png`, png(36, templateLayers(state)));
  write(`tray-${state}.png`, png(32, colourLayers(state)));
  write(`tray-${state}@2x.png`, png(64, colourLayers(state)));
  write(
    `tray-${state}.ico`,
    encodeIco([16, 20, 24, 32, 48].map((size) => ({ size, png: png(size, colourLayers(state)) }))),
  );
}

// App icon: AWS-dark rounded square, orange ring, white check.
const appLayers = [
  { shape: roundedSquare(0.06, 0.18), rgb: [0x23, 0x2f, 0x3e] },
  { shape: ring(0.5, 0.5, 0.3, 0.07), rgb: [0xff, 0x99, 0x00] },
  { shape: glyph('ok', 0.075), rgb: WHITE },
];
write('icon.png', encodePng(1024, render(1024, appLayers, 2)));
write('icon.ico', encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: png(size, appLayers) }))));
console.log(`wrote ${written.length} files to assets/`);
