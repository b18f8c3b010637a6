// The `ecr-keeper` command for people who installed the app, on macOS. The app bundle ships a
// launcher (Contents/Resources/bin/ecr-keeper, from build/cli/) that runs the bundled CLI with the
// app's own runtime; the tray menu offers to link /usr/local/bin/ecr-keeper to it, as VS Code's
// "Install 'code' command in PATH" does. /usr/local/bin usually needs an administrator, so the
// link is made with macOS's own authorisation prompt (osascript "with administrator privileges")
// when a plain symlink is refused. On Linux the deb links /usr/bin/ecr-keeper and on Windows the
// installer puts the launcher's folder on the user's PATH, so nothing is offered there.
import { join } from 'node:path';

export const MAC_CLI_LINK = '/usr/local/bin/ecr-keeper';

/** Where the installers put the launcher (electron-builder.yml extraResources, to: bin). */
export function launcherPath(resourcesPath: string, platform: NodeJS.Platform): string {
  return join(resourcesPath, 'bin', platform === 'win32' ? 'ecr-keeper.cmd' : 'ecr-keeper');
}

/** Offered only where the app has to do it itself: the packaged macOS app. */
export function offersCliLink(platform: NodeJS.Platform, isPackaged: boolean): boolean {
  return platform === 'darwin' && isPackaged;
}

export interface LinkFs {
  lstatSync(path: string): { isSymbolicLink(): boolean };
  readlinkSync(path: string): string;
  symlinkSync(target: string, path: string): void;
  unlinkSync(path: string): void;
}

/** linked: ours; absent: nothing there; taken: another file or a link elsewhere (e.g. an npm-installed ecr-keeper). */
export type CliLinkState = 'linked' | 'absent' | 'taken';

export function cliLinkState(fs: LinkFs, link: string, target: string): CliLinkState {
  let isLink: boolean;
  try {
    isLink = fs.lstatSync(link).isSymbolicLink();
  } catch {
    return 'absent';
  }
  return isLink && fs.readlinkSync(link) === target ? 'linked' : 'taken';
}

/** An AppleScript string literal. */
function appleString(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * The AppleScript that makes the link as an administrator. `quoted form of` does the shell
 * quoting, so paths with spaces ("ECR Keeper.app") or quotes stay one argument each.
 */
export function adminLinkScript(link: string, target: string): string {
  const dir = link.slice(0, link.lastIndexOf('/')) || '/';
  return `do shell script "mkdir -p " & quoted form of ${appleString(dir)} & " && ln -sfn " & quoted form of ${appleString(target)} & " " & quoted form of ${appleString(link)} with administrator privileges`;
}

export interface LinkDeps {
  fs: LinkFs;
  link: string;
  target: string;
  /** Runs an AppleScript (osascript -e); rejects with the error osascript printed. */
  runAppleScript(script: string): Promise<void>;
}

export type LinkResult = { ok: true; how: 'direct' | 'admin' } | { ok: false; cancelled: boolean; message: string };

/** Links `link` -> `target`, replacing what is there (the caller asked the user if it was taken). */
export async function linkCli(deps: LinkDeps): Promise<LinkResult> {
  try {
    try {
      deps.fs.unlinkSync(deps.link);
    } catch {
      /* nothing there */
    }
    deps.fs.symlinkSync(deps.target, deps.link);
    return { ok: true, how: 'direct' };
  } catch {
    // Not writable without an administrator (the usual case for /usr/local/bin), or missing.
  }
  try {
    await deps.runAppleScript(adminLinkScript(deps.link, deps.target));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // osascript reports the authorisation dialog's Cancel as error -128.
    return { ok: false, cancelled: /\(-128\)/.test(message), message };
  }
  return cliLinkState(deps.fs, deps.link, deps.target) === 'linked'
    ? { ok: true, how: 'admin' }
    : { ok: false, cancelled: false, message: `${deps.link} does not point at ${deps.target} afterwards.` };
}
