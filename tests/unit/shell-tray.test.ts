// The tray: the pure menu template for each aggregate state, and the live controller with
// stand-ins for Electron's Tray, Menu and nativeImage (named as stand-ins).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import type { KeeperSnapshot, RegistrySnapshot } from '../../src/core/snapshot';
import {
  buildTrayMenu,
  createTray,
  iconState,
  TRAY_TICK_MS,
  trayIconFile,
  tooltipText,
  type TrayActions,
} from '../../src/electron/tray';
import { makeKeeper } from '../helpers/keeper-harness';

const NOW = Date.UTC(2026, 10, 27, 12);
const H = 3600_000;
const M = 60_000;

function reg(over: Partial<RegistrySnapshot> = {}): RegistrySnapshot {
  return {
    id: 'r1',
    name: 'prod',
    kind: 'private',
    host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
    accountId: '123456789012',
    profile: null,
    tool: 'docker',
    enabled: true,
    autoRefresh: true,
    state: 'valid',
    refreshing: false,
    expiresAt: new Date(NOW + 5 * H + 12 * M).toISOString(),
    lastRefresh: null,
    lastAttempt: null,
    nextRefresh: null,
    error: null,
    storage: 'unknown',
    notices: [],
    ...over,
  };
}
function snap(
  overall: KeeperSnapshot['overall'],
  registries: RegistrySnapshot[],
  nextExpiry: string | null = null,
): KeeperSnapshot {
  return { at: new Date(NOW).toISOString(), autoRefresh: true, overall, nextExpiry, registries };
}

/** Records every action the menu triggers. */
function recordingActions() {
  const calls: unknown[][] = [];
  const actions: TrayActions = {
    refresh: (id) => calls.push(['refresh', id]),
    refreshAll: () => calls.push(['refreshAll']),
    setRegistryAutoRefresh: (id, on) => calls.push(['setRegistryAutoRefresh', id, on]),
    setAutoRefresh: (on) => calls.push(['setAutoRefresh', on]),
    setStartAtLogin: (on) => calls.push(['setStartAtLogin', on]),
    open: () => calls.push(['open']),
    quit: () => calls.push(['quit']),
  };
  return { calls, actions };
}

const byId = (items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions => {
  for (const i of items) {
    if (i.id === id) return i;
    if (Array.isArray(i.submenu)) {
      const found = i.submenu.find((s) => s.id === id);
      if (found) return found;
    }
  }
  throw new Error(`no item ${id}`);
};
const labels = (items: MenuItemConstructorOptions[]) => items.map((i) => (i.type === 'separator' ? '---' : i.label));
/** What Electron does on a click: flip a checkbox first, then call click with the item. */
function click(item: MenuItemConstructorOptions): void {
  const menuItem = { ...item, checked: item.type === 'checkbox' ? !item.checked : item.checked };
  (item.click as (i: unknown, w: unknown, e: unknown) => void)(menuItem, undefined, {});
}
const TOGGLES = { autoRefresh: true, startAtLogin: false };

describe('buildTrayMenu', () => {
  it('empty: a summary that says what to do, the fixed items, Refresh all disabled', () => {
    const { actions } = recordingActions();
    const m = buildTrayMenu(snap('empty', []), TOGGLES, NOW, actions, 'linux');
    assert.deepEqual(labels(m), [
      'No registries yet: open ECR Keeper to add one',
      '---',
      'Refresh all now',
      'Open ECR Keeper',
      '---',
      'Auto-refresh',
      'Start at login',
      '---',
      'Quit ECR Keeper',
    ]);
    assert.equal(m[0].enabled, false);
    assert.equal(byId(m, 'refresh-all').enabled, false);
  });

  it('all fresh: per-registry lines with time left, summary with next expiry', () => {
    const { actions } = recordingActions();
    const regs = [reg(), reg({ id: 'r2', name: 'staging', expiresAt: new Date(NOW + 11 * H).toISOString() })];
    const m = buildTrayMenu(snap('ok', regs, regs[0].expiresAt), TOGGLES, NOW, actions, 'linux');
    assert.equal(m[0].label, 'All 2 logins fresh; next expiry in 5 h 12 min');
    assert.equal(byId(m, 'registry:r1').label, 'prod: fresh, 5 h 12 min left');
    assert.equal(byId(m, 'registry:r2').label, 'staging: fresh, 11 h left');
    assert.equal(byId(m, 'refresh-all').enabled, true);
    assert.equal(
      tooltipText(snap('ok', regs, regs[0].expiresAt), NOW),
      'ECR Keeper: All 2 logins fresh; next expiry in 5 h 12 min',
    );
  });

  it('time left moves with `now` (the minute rebuild shows a new text)', () => {
    const { actions } = recordingActions();
    const s = snap('ok', [reg()]);
    assert.equal(
      byId(buildTrayMenu(s, TOGGLES, NOW + 2 * M, actions), 'registry:r1').label,
      'prod: fresh, 5 h 10 min left',
    );
  });

  it('expiring: minutes left in the line', () => {
    const { actions } = recordingActions();
    const r = reg({ state: 'expiring', expiresAt: new Date(NOW + 12 * M + 30_000).toISOString() });
    const m = buildTrayMenu(snap('expiring', [r], r.expiresAt), TOGGLES, NOW, actions);
    assert.equal(byId(m, 'registry:r1').label, 'prod: expires in 12 min');
    assert.equal(m[0].label, '1 of 1 not fresh; next expiry in 12 min');
  });

  it('error: the error message in the submenu, summary counts who needs attention', () => {
    const { actions } = recordingActions();
    const r = reg({
      state: 'error',
      error: { category: 'login-rejected', message: 'The registry rejected the login.', fix: 'Check the account.' },
    });
    const m = buildTrayMenu(snap('error', [r, reg({ id: 'r2', name: 'ok one' })]), TOGGLES, NOW, actions);
    assert.equal(m[0].label, '1 of 2 needs attention');
    assert.equal(byId(m, 'registry:r1').label, 'prod: refresh failed');
    const sub = byId(m, 'registry:r1').submenu as MenuItemConstructorOptions[];
    assert.deepEqual(labels(sub), [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com (docker)',
      'The registry rejected the login.',
      '---',
      'Refresh now',
      'Refresh automatically',
    ]);
    assert.ok(
      sub.slice(0, 2).every((i) => i.enabled === false),
      'info lines are not clickable',
    );
  });

  it('sign-in needed is its own text', () => {
    const { actions } = recordingActions();
    const r = reg({
      state: 'signin-required',
      error: { category: 'signin-required', message: 'SSO session expired.', fix: 'aws sso login' },
    });
    assert.equal(
      byId(buildTrayMenu(snap('error', [r]), TOGGLES, NOW, actions), 'registry:r1').label,
      'prod: sign-in needed',
    );
  });

  it('refreshing: "Refresh now" disabled while the refresh runs', () => {
    const { actions } = recordingActions();
    const m = buildTrayMenu(
      snap('refreshing', [reg({ state: 'refreshing', refreshing: true })]),
      TOGGLES,
      NOW,
      actions,
    );
    assert.equal(m[0].label, 'Refreshing…');
    assert.equal(byId(m, 'registry:r1').label, 'prod: refreshing…');
    assert.equal(byId(m, 'refresh:r1').label, 'Refreshing…');
    assert.equal(byId(m, 'refresh:r1').enabled, false);
  });

  it('checkboxes reflect settings and each registry’s auto-refresh', () => {
    const { actions } = recordingActions();
    const m = buildTrayMenu(
      snap('ok', [reg({ autoRefresh: false })]),
      { autoRefresh: false, startAtLogin: true },
      NOW,
      actions,
    );
    assert.equal(byId(m, 'auto-refresh').checked, false);
    assert.equal(byId(m, 'start-at-login').checked, true);
    assert.equal(byId(m, 'auto:r1').type, 'checkbox');
    assert.equal(byId(m, 'auto:r1').checked, false);
  });

  it('every item calls the matching action, checkboxes with their new value', () => {
    const { calls, actions } = recordingActions();
    const m = buildTrayMenu(snap('ok', [reg()]), TOGGLES, NOW, actions);
    for (const id of ['refresh:r1', 'auto:r1', 'refresh-all', 'open', 'auto-refresh', 'start-at-login', 'quit'])
      click(byId(m, id));
    assert.deepEqual(calls, [
      ['refresh', 'r1'],
      ['setRegistryAutoRefresh', 'r1', false],
      ['refreshAll'],
      ['open'],
      ['setAutoRefresh', false],
      ['setStartAtLogin', true],
      ['quit'],
    ]);
  });

  it('user text cannot add accelerators on Windows/Linux; long names are clipped', () => {
    const { actions } = recordingActions();
    const r = reg({ name: 'R&D ' + 'x'.repeat(60) });
    const linux = byId(buildTrayMenu(snap('ok', [r]), TOGGLES, NOW, actions, 'linux'), 'registry:r1').label!;
    assert.ok(linux.startsWith('R&&D '), linux);
    assert.ok(linux.includes('…: fresh'), linux);
    const mac = byId(buildTrayMenu(snap('ok', [r]), TOGGLES, NOW, actions, 'darwin'), 'registry:r1').label!;
    assert.ok(mac.startsWith('R&D '));
  });

  it('disabled and helper-managed registries: nothing to refresh', () => {
    const { actions } = recordingActions();
    const m = buildTrayMenu(
      snap('empty', [reg({ enabled: false, state: 'disabled' }), reg({ id: 'r2', state: 'helper-managed' })]),
      TOGGLES,
      NOW,
      actions,
    );
    assert.equal(byId(m, 'registry:r1').label, 'prod: off');
    assert.equal(byId(m, 'refresh:r1').enabled, false);
    assert.equal(byId(m, 'refresh:r2').enabled, false);
    assert.equal(byId(m, 'refresh-all').enabled, false);
  });
});

describe('tray icons', () => {
  it('one file per state and platform, and every one exists in assets/', () => {
    const states = ['empty', 'ok', 'expiring', 'error', 'refreshing'] as const;
    assert.equal(trayIconFile(iconState('ok'), 'darwin'), 'trayTemplate.png');
    assert.equal(trayIconFile(iconState('error'), 'darwin'), 'tray-errorTemplate.png');
    assert.equal(trayIconFile(iconState('empty'), 'win32'), 'tray-idle.ico');
    assert.equal(trayIconFile(iconState('expiring'), 'linux'), 'tray-expiring.png');
    for (const s of states) {
      for (const p of ['darwin', 'win32', 'linux'] as const) {
        const f = trayIconFile(iconState(s), p);
        assert.ok(existsSync(join('assets', f)), `assets/${f}`);
        if (f.endsWith('.png')) assert.ok(existsSync(join('assets', f.replace('.png', '@2x.png'))), `assets/${f} @2x`);
      }
    }
  });
});

// ---------- the live controller with stand-ins ----------

class StandInTray {
  static made: StandInTray[] = [];
  images: string[] = [];
  tooltip = '';
  menus: MenuItemConstructorOptions[][] = [];
  listeners = new Map<string, () => void>();
  destroyed = false;
  constructor(image: { path: string }) {
    this.images.push(image.path);
    StandInTray.made.push(this);
  }
  on(ev: string, fn: () => void) {
    this.listeners.set(ev, fn);
    return this;
  }
  setImage(image: { path: string }) {
    this.images.push(image.path);
  }
  setToolTip(t: string) {
    this.tooltip = t;
  }
  setContextMenu(menu: { template: MenuItemConstructorOptions[] }) {
    this.menus.push(menu.template);
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
  }
}
const standInMenu = { buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }) };
const standInNativeImage = { createFromPath: (path: string) => ({ path }) };

function liveTray(
  getSnap: () => KeeperSnapshot,
  actions: TrayActions,
  platform: NodeJS.Platform = 'linux',
  now = () => NOW,
) {
  const timers: { fn: () => void; ms: number }[] = [];
  let cleared = false;
  const ctl = createTray({
    Tray: StandInTray as never,
    Menu: standInMenu as never,
    nativeImage: standInNativeImage as never,
    platform,
    assetsDir: '/app/assets',
    snapshot: getSnap,
    toggles: () => TOGGLES,
    actions,
    now,
    setInterval: (fn, ms) => {
      timers.push({ fn, ms });
      return 1;
    },
    clearInterval: () => {
      cleared = true;
    },
  });
  const tray = StandInTray.made.at(-1)!;
  return { ctl, tray, timers, isCleared: () => cleared };
}

describe('createTray (stand-in Tray/Menu/nativeImage)', () => {
  it('sets image, tooltip and a menu at once; left click opens the window', () => {
    const { calls, actions } = recordingActions();
    const { tray } = liveTray(() => snap('ok', [reg()]), actions);
    assert.deepEqual(tray.images, ['/app/assets/tray-ok.png']);
    assert.match(tray.tooltip, /^ECR Keeper: All 1 login fresh/);
    assert.equal(tray.menus.length, 1, 'a menu is always set (Linux shows only the menu)');
    tray.listeners.get('click')!();
    assert.deepEqual(calls, [['open']]);
  });

  it('rebuilds on update and on a timer of at most a minute; swaps the icon only on state change', () => {
    const { actions } = recordingActions();
    let current = snap('ok', [reg()]);
    const { ctl, tray, timers, isCleared } = liveTray(() => current, actions, 'darwin');
    assert.ok(timers[0].ms <= 60_000 && timers[0].ms === TRAY_TICK_MS);
    timers[0].fn();
    assert.equal(tray.menus.length, 2);
    assert.equal(tray.images.length, 1, 'same state: icon not re-set');
    current = snap('error', [
      reg({ state: 'error', error: { category: 'network', message: 'Offline.', fix: 'Reconnect.' } }),
    ]);
    ctl.update();
    assert.deepEqual(tray.images, ['/app/assets/trayTemplate.png', '/app/assets/tray-errorTemplate.png']);
    assert.equal(ctl.template()[0].label, '1 of 1 needs attention');
    ctl.dispose();
    assert.ok(tray.destroyed && isCleared());
    ctl.update(); // after dispose: harmless
  });

  it('clicks reach a real keeper (refresh, per-registry auto-refresh, global auto-refresh)', async () => {
    const { keeper, s, clock } = makeKeeper();
    const reg1 = keeper.addRegistry({ name: 'prod', region: 'us-east-1', accountId: '123456789012' });
    const actions: TrayActions = {
      refresh: (id) => void keeper.refresh(id),
      refreshAll: () => void keeper.refreshAll(),
      setRegistryAutoRefresh: (id, on) => keeper.updateRegistry(id, { autoRefresh: on }),
      setAutoRefresh: (on) => keeper.updateSettings({ autoRefresh: on }),
      setStartAtLogin: (on) => keeper.updateSettings({ startAtLogin: on }),
      open() {},
      quit() {},
    };
    const { ctl } = liveTray(
      () => keeper.snapshot(),
      actions,
      'linux',
      () => clock.now(),
    );
    keeper.on('change', () => ctl.update());
    click(byId(ctl.template(), `refresh:${reg1.id}`));
    assert.equal(byId(ctl.template(), `refresh:${reg1.id}`).label, 'Refreshing…', 'the change event rebuilt the menu');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      s.logins.map((l) => l.host),
      ['123456789012.dkr.ecr.us-east-1.amazonaws.com'],
    );
    assert.match(byId(ctl.template(), `registry:${reg1.id}`).label!, /^prod: fresh, 1[12] h( \d+ min)? left$/);
    click(byId(ctl.template(), `auto:${reg1.id}`));
    assert.equal(keeper.registries()[0].autoRefresh, false);
    click(byId(ctl.template(), 'auto-refresh'));
    assert.equal(keeper.settings().autoRefresh, false);
    ctl.dispose();
    await keeper.stop();
  });
});
