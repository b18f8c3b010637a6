// The tray: one icon whose image shows the aggregate state, a tooltip with the next expiry, and a
// context menu that is ALWAYS set (on Linux the AppIndicator shows only the menu and never
// delivers clicks; lesson from podman-desktop's tray-menu.ts). The menu is a pure function of the
// keeper snapshot and settings, rebuilt and re-set on every change and on a timer so the
// "time left" texts stay true.
import { join } from 'node:path';
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import { isActive, needsAttention, type KeeperSnapshot, type OverallState } from '../core/snapshot';
import { formatLeft } from '../core/time-text';
import { leftUntil, stateText } from './format';

export interface TrayActions {
  refresh(id: string): void;
  refreshAll(): void;
  setRegistryAutoRefresh(id: string, on: boolean): void;
  setAutoRefresh(on: boolean): void;
  setStartAtLogin(on: boolean): void;
  open(): void;
  quit(): void;
  /** macOS, packaged: link /usr/local/bin/ecr-keeper to the bundled CLI launcher (shell/cli-path.ts). */
  installCli?(): void;
}

/** What the menu shows from settings; startAtLogin is the OS's real state, not the wish. */
export interface TrayToggles {
  autoRefresh: boolean;
  startAtLogin: boolean;
  /** false: the `ecr-keeper` command could be put on PATH from the menu; absent: not offered here. */
  cliOnPath?: boolean;
}

const NAME_MAX = 40;
const ERROR_MAX = 80;

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Windows and Linux treat "&" as a mnemonic marker: user text must not grow accelerators. */
function text(s: string, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? s : s.replace(/&/g, '&&');
}

export function summaryText(snap: KeeperSnapshot, now: number): string {
  const active = snap.registries.filter(isActive);
  const bad = active.filter(needsAttention).length;
  const expiring = active.filter((r) => r.state === 'expiring' || r.state === 'idle').length;
  const next = leftUntil(snap.nextExpiry, now);
  const nextText = next !== null ? `; next expiry in ${formatLeft(next)}` : '';
  switch (snap.overall) {
    case 'empty':
      return 'No registries yet: open ECR Keeper to add one';
    case 'error':
      return `${bad} of ${active.length} need${bad === 1 ? 's' : ''} attention`;
    case 'refreshing':
      return 'Refreshing…';
    case 'expiring':
      return `${expiring} of ${active.length} not fresh${nextText}`;
    case 'ok':
      return `All ${active.length} login${active.length === 1 ? '' : 's'} fresh${nextText}`;
  }
}

/** The tooltip (macOS and Windows show it; Linux indicators mostly do not). */
export function tooltipText(snap: KeeperSnapshot, now: number): string {
  return `ECR Keeper: ${summaryText(snap, now)}`;
}

/**
 * The context menu template. Pure: everything it shows comes from the arguments, and every
 * click goes to `actions`, so it is tested without Electron.
 */
export function buildTrayMenu(
  snap: KeeperSnapshot,
  toggles: TrayToggles,
  now: number,
  actions: TrayActions,
  platform: NodeJS.Platform = process.platform,
): MenuItemConstructorOptions[] {
  const t = (s: string) => text(s, platform);
  const items: MenuItemConstructorOptions[] = [{ label: t(summaryText(snap, now)), enabled: false }];

  if (snap.registries.length) items.push({ type: 'separator' });
  for (const r of snap.registries) {
    const details: MenuItemConstructorOptions[] = [];
    // The tool too: one host can be kept for docker and for helm as two registries.
    if (r.host) details.push({ label: t(`${r.host} (${r.tool})`), enabled: false });
    if (r.error && (r.state === 'error' || r.state === 'signin-required'))
      details.push({ label: t(clip(r.error.message, ERROR_MAX)), enabled: false });
    if (details.length) details.push({ type: 'separator' });
    items.push({
      id: `registry:${r.id}`,
      label: t(`${clip(r.name, NAME_MAX)}: ${stateText(r, now)}`),
      submenu: [
        ...details,
        {
          id: `refresh:${r.id}`,
          label: r.refreshing ? 'Refreshing…' : 'Refresh now',
          enabled: isActive(r) && !r.refreshing,
          click: () => actions.refresh(r.id),
        },
        {
          id: `auto:${r.id}`,
          label: 'Refresh automatically',
          type: 'checkbox',
          checked: r.autoRefresh,
          enabled: r.enabled,
          click: (item) => actions.setRegistryAutoRefresh(r.id, item.checked),
        },
      ],
    });
  }

  const anyEnabled = snap.registries.some(isActive);
  items.push(
    { type: 'separator' },
    { id: 'refresh-all', label: 'Refresh all now', enabled: anyEnabled, click: () => actions.refreshAll() },
    { id: 'open', label: 'Open ECR Keeper', click: () => actions.open() },
    { type: 'separator' },
    // Electron flips `checked` before calling click, so the item carries the new value.
    {
      id: 'auto-refresh',
      label: 'Auto-refresh',
      type: 'checkbox',
      checked: toggles.autoRefresh,
      click: (item) => actions.setAutoRefresh(item.checked),
    },
    {
      id: 'start-at-login',
      label: 'Start at login',
      type: 'checkbox',
      checked: toggles.startAtLogin,
      click: (item) => actions.setStartAtLogin(item.checked),
    },
  );
  if (toggles.cliOnPath === false && actions.installCli) {
    items.push({
      id: 'cli-path',
      label: 'Put the command line tool (ecr-keeper) on PATH…',
      click: () => actions.installCli?.(),
    });
  }
  items.push({ type: 'separator' }, { id: 'quit', label: 'Quit ECR Keeper', click: () => actions.quit() });
  return items;
}

export type IconState = 'idle' | 'ok' | 'expiring' | 'error' | 'refreshing';

export function iconState(overall: OverallState): IconState {
  return overall === 'empty' ? 'idle' : overall;
}

/**
 * The icon file per state and platform (files made by scripts/make-icons.mjs). macOS gets
 * template images (the name must end in "Template" so the menu bar tints them for light/dark);
 * Windows gets .ico with several sizes; Linux gets coloured PNGs.
 */
export function trayIconFile(state: IconState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return state === 'ok' ? 'trayTemplate.png' : `tray-${state}Template.png`;
  if (platform === 'win32') return `tray-${state}.ico`;
  return `tray-${state}.png`;
}

// ---------- the live tray (Electron modules injected) ----------

export interface TrayDeps {
  Tray: new (image: NativeImage) => Tray;
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): Menu };
  nativeImage: { createFromPath(path: string): NativeImage };
  platform: NodeJS.Platform;
  assetsDir: string;
  snapshot(): KeeperSnapshot;
  toggles(): TrayToggles;
  actions: TrayActions;
  now?: () => number;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/** Rebuild period: "at least once a minute" with half a minute to spare for drift. */
export const TRAY_TICK_MS = 30_000;

export interface TrayController {
  update(): void;
  /** The template last set (for tests and diagnostics). */
  template(): MenuItemConstructorOptions[];
  readonly tray: Tray;
  dispose(): void;
}

export function createTray(deps: TrayDeps): TrayController {
  const now = deps.now ?? Date.now;
  const every = deps.setInterval ?? ((fn, ms) => setInterval(fn, ms));
  const stopEvery = deps.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));
  const image = (s: IconState) => deps.nativeImage.createFromPath(join(deps.assetsDir, trayIconFile(s, deps.platform)));

  let shown: IconState = iconState(deps.snapshot().overall);
  const tray = new deps.Tray(image(shown));
  // Left click opens the window where the platform delivers the click: Windows always, some Linux
  // StatusNotifier hosts on activation. macOS (with a menu set) just opens the menu, which has
  // "Open ECR Keeper" for that reason.
  tray.on('click', () => deps.actions.open());

  let last: MenuItemConstructorOptions[] = [];
  const update = () => {
    if (tray.isDestroyed()) return;
    const snap = deps.snapshot();
    const t = now();
    const state = iconState(snap.overall);
    if (state !== shown) {
      tray.setImage(image(state));
      shown = state;
    }
    tray.setToolTip(tooltipText(snap, t));
    last = buildTrayMenu(snap, deps.toggles(), t, deps.actions, deps.platform);
    // A fresh Menu each time: Linux indicators do not pick up edits to an already-set menu.
    tray.setContextMenu(deps.Menu.buildFromTemplate(last));
  };
  update();
  const timer = every(update, TRAY_TICK_MS);
  return {
    tray,
    update,
    template: () => last,
    dispose() {
      stopEvery(timer);
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
