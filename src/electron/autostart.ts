// Start at login. macOS and Windows have an OS API (app.setLoginItemSettings); Linux desktops
// follow the XDG autostart spec: a .desktop file in ~/.config/autostart. The OS state is the
// truth: the user can remove the login item in System Settings or delete the file, so the tray
// checkbox and the settings view read it back instead of trusting the saved wish.
import { join } from 'node:path';
import type { LoginItemSettings, LoginItemSettingsOptions, Settings as LoginSettings } from 'electron';

/** Passed at login so the app starts quietly in the tray instead of opening its window. */
export const HIDDEN_ARG = '--hidden';
export const DESKTOP_FILE = 'ecr-keeper.desktop';

export interface AppLike {
  setLoginItemSettings(settings: LoginSettings): void;
  getLoginItemSettings(options?: LoginItemSettingsOptions): LoginItemSettings;
}

export interface FsLike {
  existsSync(path: string): boolean;
  readFileSync(path: string, encoding: 'utf8'): string;
  writeFileSync(path: string, data: string, options?: { mode?: number }): void;
  mkdirSync(path: string, options: { recursive: true }): unknown;
  rmSync(path: string, options: { force: true }): void;
}

export interface AutostartDeps {
  app: AppLike;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
  fs: FsLike;
  /** process.execPath: the app binary when packaged, the electron binary in development. */
  execPath: string;
  isPackaged: boolean;
  /** app.getAppPath(): in development electron needs it as its first argument. */
  appPath: string;
}

export interface Autostart {
  isEnabled(): boolean;
  setEnabled(on: boolean): void;
  /** Where the login item lives, for messages ("~/.config/autostart/ecr-keeper.desktop"). */
  describe(): string;
}

/** The program and arguments to run at login. */
export function launchCommand(
  d: Pick<AutostartDeps, 'env' | 'execPath' | 'isPackaged' | 'appPath' | 'platform'>,
): string[] {
  // An AppImage mounts at a new /tmp path every run; only $APPIMAGE (the file itself) is stable.
  if (d.isPackaged && d.platform === 'linux' && d.env.APPIMAGE) return [d.env.APPIMAGE, HIDDEN_ARG];
  if (d.isPackaged) return [d.execPath, HIDDEN_ARG];
  return [d.execPath, d.appPath, HIDDEN_ARG];
}

/**
 * Quotes one Exec argument per the Desktop Entry spec: arguments with reserved characters go in
 * double quotes with " ` $ \ escaped; then, as for any string value, every backslash is doubled;
 * a literal % is written %%.
 */
export function execArg(arg: string): string {
  let out = arg;
  if (/[\s"'\\><~|&;$*?#()`]/.test(arg)) out = `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
  return out.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

export function desktopEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=ECR Keeper',
    'Comment=Keeps Amazon ECR docker/podman logins fresh',
    `Exec=${command.map(execArg).join(' ')}`,
    'Icon=ecr-keeper',
    'Terminal=false',
    'StartupNotify=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function autostartDir(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart');
}

export function createAutostart(d: AutostartDeps): Autostart {
  if (d.platform === 'linux') {
    const dir = autostartDir(d.env, d.home);
    const file = join(dir, DESKTOP_FILE);
    return {
      isEnabled() {
        if (!d.fs.existsSync(file)) return false;
        // A desktop may disable an entry instead of deleting it.
        const text = d.fs.readFileSync(file, 'utf8');
        return !/^Hidden\s*=\s*true\s*$/m.test(text) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text);
      },
      setEnabled(on) {
        if (on) {
          d.fs.mkdirSync(dir, { recursive: true });
          d.fs.writeFileSync(file, desktopEntry(launchCommand(d)), { mode: 0o644 });
        } else d.fs.rmSync(file, { force: true });
      },
      describe: () => file,
    };
  }
  // Windows keys the Run entry on path + args, so reads must pass the same ones as writes.
  const [path, ...args] = launchCommand(d);
  const query: LoginItemSettingsOptions = d.platform === 'win32' ? { path: path, args } : {};
  return {
    isEnabled: () => d.app.getLoginItemSettings(query).openAtLogin,
    setEnabled(on) {
      d.app.setLoginItemSettings(d.platform === 'win32' ? { openAtLogin: on, path: path, args } : { openAtLogin: on });
    },
    describe: () =>
      d.platform === 'darwin' ? 'System Settings > General > Login Items' : 'Task Manager > Startup apps',
  };
}

/** Was this launch the login item's? Then stay in the tray. */
export function launchedAtLogin(argv: readonly string[], app: AppLike, platform: NodeJS.Platform): boolean {
  if (argv.includes(HIDDEN_ARG)) return true;
  if (platform !== 'darwin') return false;
  try {
    return app.getLoginItemSettings().wasOpenedAtLogin;
  } catch {
    return false;
  }
}

/**
 * Keeps the saved `startAtLogin` and the OS in step. The OS state wins at start (the user may have
 * changed it outside the app); afterwards a changed setting (tray checkbox or settings view) is
 * applied to the OS and, if the OS did not take it, the setting is put back to the truth.
 */
export function syncStartAtLogin(
  keeper: { settings(): { startAtLogin: boolean }; updateSettings(patch: { startAtLogin: boolean }): unknown },
  autostart: Autostart,
  onError: (message: string) => void,
): () => void {
  let applied = autostart.isEnabled();
  if (keeper.settings().startAtLogin !== applied) keeper.updateSettings({ startAtLogin: applied });
  return () => {
    const wanted = keeper.settings().startAtLogin;
    if (wanted === applied) return;
    try {
      autostart.setEnabled(wanted);
    } catch (err) {
      onError(
        `Could not ${wanted ? 'add' : 'remove'} the login item (${autostart.describe()}): ${(err as Error).message}`,
      );
    }
    applied = autostart.isEnabled();
    if (applied !== wanted) keeper.updateSettings({ startAtLogin: applied });
  };
}
