// The smoke walk, run inside the app's process (`node --import <stand-in>/register.mjs --import
// scripts/smoke-walk.mjs <app>/dist/main.js`, started by scripts/smoke.ts). It drives the
// recording Electron stand-in through one life of the real main-process bundle and prints one
// line per step; it exits 0 only if every step happened. Expectations come from the driver's
// environment: SMOKE_OK / SMOKE_BAD (registry names), DOCKER_CONFIG, ECR_KEEPER_CONFIG_DIR.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { standin, app, ipcMain, session } from '../tests/fixtures/electron-standin/electron.mjs';

const env = process.env;
const MODE = env.SMOKE_MODE ?? 'walk'; // 'walk' | 'second-instance'
const OK = env.SMOKE_OK ?? 'smoke-ok';
const BAD = env.SMOKE_BAD ?? 'smoke-bad';
const layout = MODE === 'walk' ? (standin.packaged ? 'packaged' : 'dev') : MODE;
const steps =
  MODE === 'walk'
    ? ['imports', 'whenReady', 'single-instance', 'tray', 'window', 'ipc', 'notification', 'before-quit', 'exit']
    : ['second-instance'];
let done = 0;

function pass(step, detail) {
  if (step !== steps[done]) fail(step, `step out of order (expected ${steps[done]})`);
  done++;
  console.log(`smoke[${layout}] ok ${done}/${steps.length} ${step}: ${detail}`);
}

function fail(step, why) {
  console.log(`smoke[${layout}] FAILED ${step}: ${why}`);
  process.exit(1);
}

function check(step, cond, why) {
  if (!cond) fail(step, why);
}

const entries = (what) => standin.log.filter((e) => e.what === what);
const first = (what) => entries(what)[0];

async function until(step, what, fn, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) fail(step, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const watchdog = setTimeout(() => fail(steps[done] ?? 'exit', 'the walk took longer than 90 s'), 90_000);
watchdog.unref();

process.on('uncaughtException', (err) => fail(steps[done] ?? 'exit', `uncaught: ${err?.stack ?? err}`));
process.on('unhandledRejection', (err) => fail(steps[done] ?? 'exit', `unhandled rejection: ${err?.stack ?? err}`));

// The entry module (dist/main.js) is loaded and evaluated after every --import has run; its
// top-level code is synchronous up to whenReady() (or app.quit() without the lock), so the walk
// starts once either is recorded.
void until(
  steps[0],
  "dist/main.js's top level to run (whenReady or quit)",
  () => first('app.whenReady') || first('app.quit'),
  30_000,
)
  .then(() => (MODE === 'walk' ? walk() : secondInstance()))
  .catch((err) => fail(steps[done] ?? 'exit', err?.stack ?? String(err)));

function topLevelOrder(step) {
  const name = first('app.setName');
  const setPath = entries('app.setPath').find((e) => e.key === 'userData');
  const lock = first('app.requestSingleInstanceLock');
  check(step, name?.name === 'ECR Keeper', `app.setName('ECR Keeper') not called (got ${JSON.stringify(name)})`);
  check(
    step,
    setPath?.value === env.ECR_KEEPER_CONFIG_DIR,
    `userData is ${setPath?.value}, expected the shared config dir ${env.ECR_KEEPER_CONFIG_DIR}`,
  );
  check(step, lock, 'requestSingleInstanceLock() was not called');
  check(
    step,
    name.seq < setPath.seq && setPath.seq < lock.seq,
    'setName, setPath(userData) and the lock must come in that order (the lock lives in userData)',
  );
  // Nothing may read userData before it is set (electron-store, the lock).
  const early = entries('app.getPath').find((e) => e.seq < setPath.seq);
  check(step, !early, `app.getPath('${early?.key}') was read before setPath`);
  return lock;
}

async function secondInstance() {
  const step = 'second-instance';
  const lock = topLevelOrder(step);
  check(step, lock.granted === false, 'the stand-in was told the lock is held');
  check(
    step,
    first('app.quit') && first('app.quit').seq > lock.seq,
    'a second copy must quit when it does not get the lock',
  );
  check(step, !first('app.whenReady'), 'a second copy must not wait for ready (it would start a second keeper)');
  await new Promise((r) => setTimeout(r, 200));
  check(step, standin.trays().length === 0 && standin.windows().length === 0, 'a second copy created a tray or window');
  pass(step, 'without the lock the bundle quits before whenReady: no tray, window or keeper');
  process.exit(0);
}

async function walk() {
  // ---- imports: the ESM bundle's top level ran with electron-store/conf and the SDK inside it.
  check('imports', first('app.setName'), "dist/main.js's top level did not run");
  pass(
    'imports',
    `${join(standin.appPath, 'dist', 'main.js')} evaluated; 'electron' came from the stand-in, everything else from the bundle${standin.packaged ? ' (no node_modules in this layout)' : ''}`,
  );

  // ---- whenReady
  const lock = topLevelOrder('whenReady');
  check('whenReady', first('app.whenReady')?.seq > lock.seq, 'whenReady() not awaited after the lock');
  check(
    'whenReady',
    standin.trays().length === 0 && standin.windows().length === 0,
    'a tray or window was made before ready',
  );
  standin.ready();
  pass(
    'whenReady',
    `setName('ECR Keeper') -> setPath('userData', ${env.ECR_KEEPER_CONFIG_DIR}) -> requestSingleInstanceLock() -> whenReady(); nothing created before ready`,
  );

  // ---- single-instance
  check('single-instance', lock.granted === true, 'the lock was not granted');
  const win = await until('single-instance', 'the window', () => standin.windows()[0]);
  check('single-instance', app.listenerCount('second-instance') === 1, "no 'second-instance' handler");
  await until('single-instance', 'the window to show', () => win.isVisible());
  win.hide();
  app.emit('second-instance', {}, ['ecr-keeper'], process.cwd());
  await until('single-instance', 'the window to come back', () => win.isVisible());
  pass('single-instance', "lock granted; 'second-instance' brings the hidden window back");

  // ---- tray
  const tray = await until('tray', 'a tray with a menu naming both registries', () => {
    const t = standin.trays()[0];
    const labels = t?.menu?.template?.map((i) => i.label ?? '') ?? [];
    return labels.some((l) => l.startsWith(`${OK}: `)) && labels.some((l) => l.startsWith(`${BAD}: `)) ? t : null;
  });
  check('tray', !tray.image.isEmpty(), `tray icon ${tray.image.path} does not exist`);
  check(
    'tray',
    tray.image.path.startsWith(join(standin.appPath, 'assets')),
    `tray icon outside the app's assets: ${tray.image.path}`,
  );
  const images = entries('nativeImage.createFromPath');
  const missing = images.filter((e) => !e.exists).map((e) => e.path);
  check('tray', missing.length === 0, `images that do not exist: ${missing.join(', ')}`);
  const labels = tray.menu.template.map((i) => i.label ?? '-');
  check(
    'tray',
    labels.includes('Quit ECR Keeper') && labels.includes('Refresh all now'),
    `menu: ${labels.join(' | ')}`,
  );
  pass(
    'tray',
    `icon ${tray.image.path.slice(standin.appPath.length + 1)}; menu from the keeper: ${labels.filter((l) => l !== '-').join(' | ')}`,
  );

  // ---- window
  const prefs = win.options.webPreferences ?? {};
  const preload = join(standin.appPath, 'dist', 'preload.cjs');
  check('window', prefs.preload === preload, `preload is ${prefs.preload}, expected ${preload}`);
  check('window', existsSync(preload), `${preload} does not exist`);
  const preloadText = readFileSync(preload, 'utf8');
  check(
    'window',
    /\brequire\("electron"\)/.test(preloadText) && !/^\s*import\s/m.test(preloadText),
    'the preload must be one CommonJS file (sandboxed preloads cannot import)',
  );
  check(
    'window',
    prefs.contextIsolation === true &&
      prefs.sandbox === true &&
      prefs.nodeIntegration === false &&
      prefs.webSecurity !== false,
    `unsafe webPreferences ${JSON.stringify(prefs)}`,
  );
  const load = first('BrowserWindow.loadFile');
  const page = join(standin.appPath, 'dist', 'renderer', 'index.html');
  check(
    'window',
    load?.path === page && load.exists,
    `loaded ${load?.path} (exists: ${load?.exists}), expected ${page}`,
  );
  const html = readFileSync(page, 'utf8');
  const meta = /<meta[^>]+http-equiv="Content-Security-Policy"[^>]+content="([^"]+)"/i.exec(html)?.[1] ?? '';
  check('window', /default-src 'none'/.test(meta) && /script-src 'self'/.test(meta), `page CSP: ${meta || '(none)'}`);
  for (const m of html.matchAll(/(?:src|href)="([^":#]+)"/g))
    check('window', existsSync(join(page, '..', m[1])), `the page refers to ${m[1]}, which is not in the layout`);
  const hdr = await new Promise((r) => session.defaultSession.headersReceived({ responseHeaders: {} }, r));
  check(
    'window',
    /default-src 'none'/.test(hdr?.responseHeaders?.['Content-Security-Policy']?.[0] ?? ''),
    'the session does not add the CSP header',
  );
  let granted = null;
  session.defaultSession.permissionRequest(win.webContents, 'media', (ok) => {
    granted = ok;
  });
  check('window', granted === false, 'a permission request was not denied');
  check(
    'window',
    win.webContents.openHandler?.({ url: 'https://example.com/' })?.action === 'deny',
    'window.open is not denied',
  );
  pass(
    'window',
    `preload dist/preload.cjs (CommonJS), sandbox + contextIsolation, page dist/renderer/index.html with CSP "${meta.split(';')[0]}; ..." (meta and header)`,
  );

  // ---- ipc
  const own = { sender: { id: win.webContents.id }, senderFrame: { url: win.webContents.getURL(), parent: null } };
  const mine = await ipcMain.invoke('snapshot:get', own);
  const names = mine?.result?.registries?.map((r) => r.name) ?? [];
  check(
    'ipc',
    names.includes(OK) && names.includes(BAD),
    `snapshot for the window: ${JSON.stringify(mine).slice(0, 300)}`,
  );
  const foreignFrames = [
    { sender: { id: win.webContents.id + 100 }, senderFrame: { url: win.webContents.getURL(), parent: null } },
    { sender: { id: win.webContents.id }, senderFrame: { url: 'https://attacker.example/', parent: null } },
    { sender: { id: win.webContents.id }, senderFrame: { url: win.webContents.getURL(), parent: {} } },
  ];
  for (const ev of foreignFrames) {
    const r = await ipcMain.invoke('snapshot:get', ev);
    check(
      'ipc',
      r?.error?.category === 'access-denied' && !('result' in r),
      `a foreign sender got ${JSON.stringify(r).slice(0, 200)}`,
    );
  }
  pass(
    'ipc',
    `snapshot:get answered the window (${names.join(', ')}); refused another webContents, another origin and an iframe`,
  );

  // ---- notification: the registry whose credentials are missing fails on the start-up refresh.
  const note = await until('notification', `a notification for ${BAD}`, () =>
    standin.notifications().find((n) => n.shown && n.options.title.startsWith(`${BAD}:`)),
  );
  check(
    'notification',
    !standin.notifications().some((n) => n.options.title.startsWith(`${OK}:`)),
    `${OK} should not have notified`,
  );
  const badSnap = (await ipcMain.invoke('snapshot:get', own)).result.registries.find((r) => r.name === BAD);
  check('notification', badSnap?.state === 'error', `${BAD} is ${badSnap?.state}, expected error`);
  pass('notification', `"${note.options.title}" shown (${badSnap.error.category}: ${note.options.body.slice(0, 80)}…)`);

  // ---- before-quit: start a login (tray "Refresh now"; the driver slowed the ECR API) and quit mid-way.
  const okSnap = (await ipcMain.invoke('snapshot:get', own)).result.registries.find((r) => r.name === OK);
  const sub = tray.menu.template.find((i) => i.id === `registry:${okSnap.id}`)?.submenu ?? [];
  const refreshItem = sub.find((i) => i.id === `refresh:${okSnap.id}`);
  check('before-quit', refreshItem?.click, `no "Refresh now" in ${OK}'s submenu`);
  const dockerFile = join(env.DOCKER_CONFIG ?? '', 'config.json');
  const hasLogin = () => {
    try {
      return Boolean(JSON.parse(readFileSync(dockerFile, 'utf8')).auths?.[okSnap.host]?.auth);
    } catch {
      return false;
    }
  };
  check('before-quit', !hasLogin(), `${okSnap.host} is already in ${dockerFile}`);
  refreshItem.click({ checked: false });
  await until(
    'before-quit',
    'the login to be in flight',
    async () =>
      (await ipcMain.invoke('snapshot:get', own)).result.registries.find((r) => r.id === okSnap.id)?.refreshing,
  );
  let quitAt = 0;
  const quitted = new Promise((r) => {
    standin.onQuit = () => {
      quitAt = Date.now();
      r();
    };
  });
  const asked = Date.now();
  app.quit();
  const firstBefore = entries('before-quit')[0];
  check(
    'before-quit',
    firstBefore?.prevented === true,
    'before-quit did not wait (the login in flight would be killed)',
  );
  check('before-quit', !entries('quit').length, 'the app quit with a login in flight');
  await quitted;
  check(
    'before-quit',
    hasLogin(),
    `the login in flight did not finish before the quit: ${okSnap.host} not in ${dockerFile}`,
  );
  check('before-quit', quitAt - asked < 6_000, `the quit waited ${quitAt - asked} ms (the cap is 5 s)`);
  pass(
    'before-quit',
    `quit deferred ${quitAt - asked} ms until the login in flight finished; ${okSnap.host} is in the docker config`,
  );

  // ---- exit
  check(
    'exit',
    entries('before-quit').length >= 2 && entries('before-quit').at(-1).prevented === false,
    'the second before-quit was prevented too',
  );
  check('exit', tray.isDestroyed(), 'the tray was not removed');
  check('exit', win.isDestroyed(), 'the window did not close on quit');
  pass('exit', 'before-quit let the second quit through; tray destroyed, window closed, quit emitted');
  console.log(`smoke[${layout}] all ${steps.length} steps passed`);
  process.exit(0);
}
