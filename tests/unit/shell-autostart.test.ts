// Start at login: the XDG .desktop file on Linux (real files in a temp folder) and the login item
// calls on macOS / Windows (stand-in app).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LoginItemSettings, LoginItemSettingsOptions, Settings } from 'electron';
import {
  createAutostart,
  desktopEntry,
  execArg,
  HIDDEN_ARG,
  launchCommand,
  launchedAtLogin,
  syncStartAtLogin,
  type Autostart,
} from '../../src/electron/autostart';
import { makeKeeper } from '../helpers/keeper-harness';

/** Stand-in for app's login item API: remembers the last settings per (path,args). */
class StandInApp {
  calls: Settings[] = [];
  queries: (LoginItemSettingsOptions | undefined)[] = [];
  open = false;
  wasOpenedAtLogin = false;
  setLoginItemSettings(s: Settings) {
    this.calls.push(s);
    this.open = Boolean(s.openAtLogin);
  }
  getLoginItemSettings(o?: LoginItemSettingsOptions): LoginItemSettings {
    this.queries.push(o);
    return { openAtLogin: this.open, wasOpenedAtLogin: this.wasOpenedAtLogin } as LoginItemSettings;
  }
}

function linux(env: NodeJS.ProcessEnv, over: { isPackaged?: boolean; execPath?: string } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'ek-autostart-'));
  const a = createAutostart({
    app: new StandInApp(),
    platform: 'linux',
    env,
    home,
    fs,
    execPath: over.execPath ?? '/opt/ECR Keeper/ecr-keeper',
    isPackaged: over.isPackaged ?? true,
    appPath: '/opt/ECR Keeper/resources/app.asar',
  });
  return { a, home, file: join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'autostart', 'ecr-keeper.desktop') };
}

describe('Linux XDG autostart', () => {
  it('writes a .desktop file whose Exec is the installed binary, quoted, started hidden', () => {
    const { a, home, file } = linux({});
    assert.equal(a.isEnabled(), false);
    a.setEnabled(true);
    assert.equal(a.isEnabled(), true);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^\[Desktop Entry\]\nType=Application\n/);
    assert.match(text, /^Exec="\/opt\/ECR Keeper\/ecr-keeper" --hidden$/m);
    assert.match(text, /^Name=ECR Keeper$/m);
    assert.match(text, /^X-GNOME-Autostart-enabled=true$/m);
    assert.equal(a.describe(), file);
    a.setEnabled(false);
    assert.equal(a.isEnabled(), false);
    assert.equal(fs.existsSync(file), false);
    a.setEnabled(false); // removing twice is fine
    rmSync(home, { recursive: true, force: true });
  });

  it('AppImage: Exec is $APPIMAGE (the mount point changes every run)', () => {
    const { a, home, file } = linux({ APPIMAGE: '/home/me/Apps/ECR Keeper-0.1.0.AppImage' });
    a.setEnabled(true);
    assert.match(readFileSync(file, 'utf8'), /^Exec="\/home\/me\/Apps\/ECR Keeper-0\.1\.0\.AppImage" --hidden$/m);
    rmSync(home, { recursive: true, force: true });
  });

  it('honours XDG_CONFIG_HOME; development runs electron with the app path', () => {
    const base = mkdtempSync(join(tmpdir(), 'ek-xdg-'));
    const { a, home, file } = linux(
      { XDG_CONFIG_HOME: join(base, 'cfg'), APPIMAGE: '/ignored/when/not/packaged' },
      { isPackaged: false, execPath: '/w/node_modules/electron/dist/electron' },
    );
    a.setEnabled(true);
    assert.ok(file.startsWith(join(base, 'cfg', 'autostart')));
    assert.match(
      readFileSync(file, 'utf8'),
      /^Exec=\/w\/node_modules\/electron\/dist\/electron "\/opt\/ECR Keeper\/resources\/app\.asar" --hidden$/m,
    );
    rmSync(home, { recursive: true, force: true });
    rmSync(base, { recursive: true, force: true });
  });

  it('an entry the desktop disabled counts as off', () => {
    const { a, home, file } = linux({});
    a.setEnabled(true);
    writeFileSync(file, readFileSync(file, 'utf8') + 'Hidden=true\n');
    assert.equal(a.isEnabled(), false);
    rmSync(home, { recursive: true, force: true });
  });

  it('Exec quoting follows the Desktop Entry spec', () => {
    assert.equal(execArg('/usr/bin/ecr-keeper'), '/usr/bin/ecr-keeper');
    assert.equal(execArg('/a b/c'), '"/a b/c"');
    assert.equal(
      execArg('/a"b$c'),
      '"/a\\\\"b\\\\$c"',
      'escaped in quotes, then backslashes doubled for the string value',
    );
    assert.equal(execArg('/100%/x'), '/100%%/x');
    assert.match(desktopEntry(['/x', HIDDEN_ARG]), /^Exec=\/x --hidden$/m);
  });
});

describe('macOS and Windows login items', () => {
  it('macOS: setLoginItemSettings({openAtLogin}) and reads it back', () => {
    const app = new StandInApp();
    const a = createAutostart({
      app,
      platform: 'darwin',
      env: {},
      home: '/Users/me',
      fs,
      execPath: '/Applications/ECR Keeper.app/Contents/MacOS/ECR Keeper',
      isPackaged: true,
      appPath: '/x',
    });
    a.setEnabled(true);
    assert.deepEqual(app.calls, [{ openAtLogin: true }]);
    assert.equal(a.isEnabled(), true);
    a.setEnabled(false);
    assert.deepEqual(app.calls.at(-1), { openAtLogin: false });
    assert.equal(a.isEnabled(), false);
  });

  it('Windows: path and --hidden in both the write and the read (the Run key is keyed on them)', () => {
    const app = new StandInApp();
    const exe = 'C:\\Users\\me\\AppData\\Local\\Programs\\ecr-keeper\\ECR Keeper.exe';
    const a = createAutostart({
      app,
      platform: 'win32',
      env: {},
      home: 'C:\\Users\\me',
      fs,
      execPath: exe,
      isPackaged: true,
      appPath: 'x',
    });
    a.setEnabled(true);
    assert.deepEqual(app.calls, [{ openAtLogin: true, path: exe, args: [HIDDEN_ARG] }]);
    assert.equal(a.isEnabled(), true);
    assert.deepEqual(app.queries.at(-1), { path: exe, args: [HIDDEN_ARG] });
  });

  it('launchCommand per packaging', () => {
    const base = { env: {}, execPath: '/bin/app', appPath: '/src', platform: 'linux' as const };
    assert.deepEqual(launchCommand({ ...base, isPackaged: true }), ['/bin/app', HIDDEN_ARG]);
    assert.deepEqual(launchCommand({ ...base, isPackaged: false }), ['/bin/app', '/src', HIDDEN_ARG]);
    assert.deepEqual(launchCommand({ ...base, isPackaged: true, env: { APPIMAGE: '/a.AppImage' } }), [
      '/a.AppImage',
      HIDDEN_ARG,
    ]);
  });

  it('launchedAtLogin: --hidden anywhere, or macOS says so', () => {
    const app = new StandInApp();
    assert.equal(launchedAtLogin(['electron', '.', HIDDEN_ARG], app, 'linux'), true);
    assert.equal(launchedAtLogin(['electron', '.'], app, 'linux'), false);
    app.wasOpenedAtLogin = true;
    assert.equal(launchedAtLogin(['/x'], app, 'darwin'), true);
    assert.equal(launchedAtLogin(['/x'], app, 'win32'), false);
  });
});

describe('syncStartAtLogin (real keeper, stand-in OS)', () => {
  function fakeOs(initial: boolean, accepts = true): Autostart & { sets: boolean[] } {
    let on = initial;
    const sets: boolean[] = [];
    return {
      sets,
      isEnabled: () => on,
      setEnabled: (v) => {
        sets.push(v);
        if (accepts) on = v;
      },
      describe: () => 'stand-in',
    };
  }

  it('the OS state wins at start, then setting changes are applied to the OS', async () => {
    const { keeper } = makeKeeper();
    const os = fakeOs(true);
    const apply = syncStartAtLogin(keeper, os, () => {});
    assert.equal(keeper.settings().startAtLogin, true, 'settings corrected to the real state');
    keeper.on('change', apply);
    keeper.updateSettings({ startAtLogin: false });
    assert.deepEqual(os.sets, [false]);
    assert.equal(os.isEnabled(), false);
    keeper.updateSettings({ autoRefresh: false }); // unrelated change: no OS call
    assert.deepEqual(os.sets, [false]);
    await keeper.stop();
  });

  it('when the OS refuses, the setting goes back to the truth and the error is told', async () => {
    const { keeper } = makeKeeper();
    const os = fakeOs(false, false);
    const errors: string[] = [];
    const apply = syncStartAtLogin(
      keeper,
      {
        ...os,
        setEnabled: () => {
          throw new Error('denied');
        },
      },
      (m) => errors.push(m),
    );
    keeper.on('change', apply);
    keeper.updateSettings({ startAtLogin: true });
    assert.equal(keeper.settings().startAtLogin, false);
    assert.match(errors[0], /Could not add the login item \(stand-in\): denied/);
    await keeper.stop();
  });
});
