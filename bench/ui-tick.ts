// Countdown tick benchmark: 200 registries from a real keeper in Debian's Chromium, timing the
// window's per-second tick (the same function the ticker calls; each call is for the next second,
// so every countdown really changes). Prints one result line.
//   node --import tsx bench/ui-tick.ts
import { join } from 'node:path';
import { bridgePage } from '../tests/ui/bridge';
import { buildRenderer, launch, serve } from '../tests/ui/harness';
import { keeperFor, seedManyRegistries, startStack } from '../tests/ui/stack';

const N = 200;
const SAMPLES = 60;
const BATCH = 10; // ticks per sample: performance.now() is coarse in Chromium (100 µs)

const site = await serve(buildRenderer());
const stack = await startStack();
const browser = await launch();
try {
  const dir = join(stack.dir, 'bench');
  await seedManyRegistries(stack, dir, N);
  const k = keeperFor(stack, dir);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await bridgePage(page, k);
  await page.goto(site.url);
  await page.locator('body[data-ready="true"]').waitFor();
  const cards = await page.locator('article.card').count();
  if (cards !== N) throw new Error(`expected ${N} cards, got ${cards}`);
  const result = await page.evaluate<{ median: number; p95: number; layoutMedian: number }>(`(() => {
    const tick = window.__ekTick;
    const base = Date.now();
    let t = 0;
    for (let i = 0; i < 30; i++) tick(base + (t++) * 1000); // warm-up
    const script = [], withLayout = [];
    for (let s = 0; s < ${SAMPLES}; s++) {
      const t0 = performance.now();
      for (let i = 0; i < ${BATCH}; i++) tick(base + (t++) * 1000);
      script.push((performance.now() - t0) / ${BATCH});
      // One tick followed by the style and layout it causes (what the frame after a tick pays).
      const t1 = performance.now();
      tick(base + (t++) * 1000);
      void document.body.offsetHeight;
      withLayout.push(performance.now() - t1);
    }
    const med = (a) => { const b = [...a].sort((x, y) => x - y); return b[Math.floor(b.length / 2)]; };
    const p95 = (a) => { const b = [...a].sort((x, y) => x - y); return b[Math.floor(b.length * 0.95)]; };
    return { median: med(script), p95: p95(script), layoutMedian: med(withLayout) };
  })()`);
  const f = (n: number) => n.toFixed(3);
  console.log(
    `ui-tick: ${N} registries, scripting per tick median ${f(result.median)} ms (p95 ${f(result.p95)} ms); with style+layout median ${f(result.layoutMedian)} ms [chromium, ${SAMPLES}x${BATCH} ticks]`,
  );
  await k.stop();
} finally {
  await browser.close();
  await stack.stop();
  await site.close();
}
