// The main process: wires the Electron shell (tray, window, IPC, notifications, power, autostart)
// to the core keeper. Each shell piece takes its Electron modules as arguments and is tested with
// stand-ins; this file only connects them, so it stays short and reads top to bottom.
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  net,
  Notification,
  powerMonitor,
  session,
  shell,
  Tray,
} from 'electron';
import Store from 'electron-store';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { createKeeper } from '../core/engine';
import { homeDir } from '../core/home';
import { watchSettingsFile } from '../core/settings-watch';
import { MfaBroker } from '../core/mfa';
import { APP_NAME, defaultConfigDir } from '../core/settings';
import { createHandlers } from './handlers';
import { createAutostart, launchedAtLogin, syncStartAtLogin } from './autostart';
import { cliLinkState, launcherPath, linkCli, MAC_CLI_LINK, offersCliLink } from './cli-path';
import { APP_ID } from './identity';
import { registerIpc } from './ipc';
import { createNotifier } from './notifier';
import { watchPower } from './power';
import { createServices } from './services';
import { electronStoreOpener } from './store';
import { createTray } from './tray';
import { createWindowController, guardSession } from './window';

// The tray app and the CLI share one folder. Setting the name and userData before anything reads
// them makes electron-store, the single-instance lock and the CLI agree on it (also in
// development, where package.json's "name" would otherwise make it ~/.config/ecr-keeper).
app.setName(APP_NAME);
const configDir = defaultConfigDir();
app.setPath('userData', configDir);

if (!app.requestSingleInstanceLock()) {
  // Another ECR Keeper is running: it gets 'second-instance' and shows its window.
  app.quit();
} else {
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID); // toasts need it
  // A tray app: closing (hiding) the window must not end it.
  app.on('window-all-closed', () => {});
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      console.error('ECR Keeper could not start:', err);
      app.exit(1);
    });
}

function start(): void {
  if (process.platform === 'darwin') app.dock?.hide(); // menu-bar app (LSUIElement when packaged)
  // macOS needs an Edit menu for copy/paste in the form; elsewhere the window has no menu bar.
  Menu.setApplicationMenu(
    process.platform === 'darwin'
      ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }])
      : null,
  );

  const root = app.getAppPath();
  const assets = join(root, 'assets');
  const appIcon = nativeImage.createFromPath(join(assets, 'icon.png'));

  // MFA codes are asked for in the window (mfa:request -> mfa:answer); `aws sso login` runs with
  // its output piped, as there is no terminal to show it in.
  const mfa = new MfaBroker();
  const { keeper, settingsPath, tokens } = createKeeper({
    configDir,
    // The cast: electron-store types its options generically; the core hands it conf's plain ones.
    openStore: electronStoreOpener(Store),
    env: process.env,
    mfaPrompt: mfa.prompt,
    signIn: { stdio: 'pipe' },
  });

  guardSession(session.defaultSession);
  const win = createWindowController({
    BrowserWindow,
    preloadPath: join(root, 'dist', 'preload.cjs'),
    pagePath: join(root, 'dist', 'renderer', 'index.html'),
    ...(process.platform === 'darwin' ? {} : { iconPath: join(assets, 'icon.png') }),
  });

  registerIpc({
    ipcMain,
    handlers: createHandlers(
      keeper,
      createServices({
        keeper,
        configDir,
        env: process.env,
        mfa,
        tokens,
        openExternal: (url) => shell.openExternal(url),
        writeClipboard: (text) => clipboard.writeText(text),
      }),
    ),
    isOwnSender: (event) => win.isOwnSender(event),
    onRefused: (channel, url) => console.warn(`Refused IPC ${channel} from ${url}`),
  });

  const autostart = createAutostart({
    app,
    platform: process.platform,
    env: process.env,
    home: homeDir(process.env),
    fs,
    execPath: process.execPath,
    isPackaged: app.isPackaged,
    appPath: root,
  });
  const applyStartAtLogin = syncStartAtLogin(keeper, autostart, (msg) => console.warn(msg));

  /** Runs a tray action, logging its failure (a throw or a rejection) instead of raising it. */
  const quietly = (work: () => unknown): void => {
    (async () => {
      await work();
    })().catch((err: unknown) => console.warn((err as Error).message));
  };

  // macOS: the tray offers to put the bundled `ecr-keeper` launcher on PATH (deb and Windows
  // installers do it themselves).
  const cliLauncher = launcherPath(process.resourcesPath, process.platform);
  const offerCli = offersCliLink(process.platform, app.isPackaged);
  const installCli = async () => {
    if (cliLinkState(fs, MAC_CLI_LINK, cliLauncher) === 'taken') {
      const { response } = await dialog.showMessageBox({
        type: 'question',
        buttons: ['Replace', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: `${MAC_CLI_LINK} already exists.`,
        detail: `Replace it with a link to ECR Keeper's command (${cliLauncher})?`,
      });
      if (response !== 0) return;
    }
    const r = await linkCli({
      fs,
      link: MAC_CLI_LINK,
      target: cliLauncher,
      runAppleScript: (script) =>
        new Promise<void>((resolve, reject) => {
          execFile('osascript', ['-e', script], (err, _out, stderr) =>
            err ? reject(new Error(String(stderr).trim() || err.message)) : resolve(),
          );
        }),
    });
    tray.update();
    if (r.ok)
      await dialog.showMessageBox({
        type: 'info',
        message: 'The command line tool (ecr-keeper) is on your PATH.',
        detail: 'In a new terminal: ecr-keeper status',
      });
    else if (!r.cancelled)
      await dialog.showMessageBox({ type: 'warning', message: `Could not link ${MAC_CLI_LINK}.`, detail: r.message });
  };

  const tray = createTray({
    Tray,
    Menu,
    nativeImage,
    platform: process.platform,
    assetsDir: assets,
    snapshot: () => keeper.snapshot(),
    toggles: () => ({
      autoRefresh: keeper.settings().autoRefresh,
      startAtLogin: autostart.isEnabled(),
      ...(offerCli ? { cliOnPath: cliLinkState(fs, MAC_CLI_LINK, cliLauncher) === 'linked' } : {}),
    }),
    actions: {
      // Refresh failures land in the snapshot, activity log and notifications; nothing to add here.
      refresh: (id) => quietly(() => keeper.refresh(id, { fresh: true })),
      refreshAll: () => quietly(() => keeper.refreshAll()),
      setRegistryAutoRefresh: (id, on) => quietly(() => keeper.updateRegistry(id, { autoRefresh: on })),
      setAutoRefresh: (on) => quietly(() => keeper.updateSettings({ autoRefresh: on })),
      setStartAtLogin: (on) => quietly(() => keeper.updateSettings({ startAtLogin: on })),
      open: () => win.show(),
      quit: () => app.quit(),
      ...(offerCli ? { installCli: () => quietly(installCli) } : {}),
    },
  });

  const notifier = createNotifier({
    Notification,
    platform: process.platform,
    icon: appIcon,
    prefs: () => keeper.settings().notifications,
    focusRegistry: (id) => win.focusRegistry(id),
    refresh: (id) => quietly(() => keeper.refresh(id, { fresh: true })),
  });

  keeper.on('change', (snap) => {
    applyStartAtLogin();
    tray.update();
    win.send('keeper:change', snap);
  });
  keeper.on('activity', (entry) => win.send('keeper:activity', entry));
  keeper.on('notify', (notice) => notifier.show(notice));
  mfa.on('request', (req) => {
    win.show();
    win.sendWhenReady('mfa:request', req);
  });
  mfa.on('ended', (e) => win.send('mfa:ended', e));

  // `ecr-keeper add` (or an edit by hand) while the app runs: pick it up.
  const settingsWatch = watchSettingsFile(settingsPath, () => keeper.reload());
  const power = watchPower({ powerMonitor, isOnline: () => net.isOnline(), reevaluate: () => keeper.reevaluate() });

  app.on('second-instance', () => win.show());
  app.on('activate', () => win.show()); // macOS: opened again from Finder/Spotlight

  // Always started: the keeper itself honours the auto-refresh switch, and still publishes
  // expiry changes (and their notifications) when auto-refresh is off.
  keeper.start();
  if (!launchedAtLogin(process.argv, app, process.platform)) win.show();

  // Let refreshes in flight finish (a login killed mid-write can corrupt the credential file),
  // but never hang the quit on them.
  let stopping = false;
  let stopped = false;
  app.on('before-quit', (e) => {
    win.allowClose();
    if (stopped) return;
    e.preventDefault();
    if (stopping) return;
    stopping = true;
    power.dispose();
    settingsWatch.close();
    mfa.cancelAll();
    tray.dispose();
    void Promise.race([keeper.stop(), new Promise((r) => setTimeout(r, 5_000))]).finally(() => {
      stopped = true;
      app.quit();
    });
  });

  // Hooks for the Playwright spec (tests/e2e); absent unless asked for.
  if (process.env.ECR_KEEPER_TEST_HOOKS === '1') {
    Object.assign(globalThis, {
      __ecrKeeperTest: {
        trayExists: () => !tray.tray.isDestroyed(),
        trayMenuLabels: () => tray.template().map((i) => i.label ?? '-'),
        windowVisible: () => win.current()?.isVisible() ?? false,
        hideWindow: () => win.current()?.hide(),
        registryIds: () => keeper.registries().map((r) => r.id),
      },
    });
  }
}
