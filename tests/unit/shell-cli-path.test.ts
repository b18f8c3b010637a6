// Putting the packaged app's `ecr-keeper` launcher on PATH (macOS): the link state, the direct
// symlink, the administrator fallback's AppleScript, and the tray item that offers it. Real
// symlinks in a temporary folder; osascript (macOS only) is replaced by a recorder that does what
// the script asks, so the script text itself is checked separately.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KeeperSnapshot } from '../../src/core/snapshot';
import {
  adminLinkScript,
  cliLinkState,
  launcherPath,
  linkCli,
  offersCliLink,
  type LinkFs,
} from '../../src/electron/cli-path';
import { buildTrayMenu, type TrayActions } from '../../src/electron/tray';

const dir = mkdtempSync(join(tmpdir(), 'ek-clipath-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const target = join(dir, 'ECR Keeper.app', 'Contents', 'Resources', 'bin', 'ecr-keeper');

// Symlinks on Windows need administrator rights or developer mode; the feature is macOS-only anyway.
const symlinks =
  process.platform === 'win32' ? 'symlinks need developer mode on Windows; this is a macOS feature' : false;

describe('cli-path', () => {
  it('the launcher is where electron-builder.yml puts it; offered on packaged macOS only', () => {
    assert.equal(
      launcherPath('/Applications/ECR Keeper.app/Contents/Resources', 'darwin'),
      '/Applications/ECR Keeper.app/Contents/Resources/bin/ecr-keeper',
    );
    assert.match(launcherPath('C:/x/resources', 'win32'), /bin[\\/]ecr-keeper\.cmd$/);
    assert.equal(offersCliLink('darwin', true), true);
    assert.equal(offersCliLink('darwin', false), false, 'not from source: npm link is the way there');
    assert.equal(offersCliLink('linux', true), false, 'the deb links /usr/bin/ecr-keeper itself');
    assert.equal(offersCliLink('win32', true), false, 'the installer adds it to PATH');
  });

  it('state: absent, linked, taken by a file or a link elsewhere', { skip: symlinks }, () => {
    const link = join(dir, 'state-link');
    assert.equal(cliLinkState(fs, link, target), 'absent');
    symlinkSync(target, link);
    assert.equal(
      cliLinkState(fs, link, target),
      'linked',
      'a link to the launcher counts even before the target exists',
    );
    rmSync(link);
    symlinkSync('/usr/local/lib/node_modules/ecr-keeper/dist/cli.js', link);
    assert.equal(cliLinkState(fs, link, target), 'taken');
    rmSync(link);
    writeFileSync(link, '#!/bin/sh\n');
    assert.equal(cliLinkState(fs, link, target), 'taken');
  });

  it('links directly where the folder is writable, replacing what was there', { skip: symlinks }, async () => {
    const link = join(dir, 'direct-link');
    writeFileSync(link, 'old');
    const r = await linkCli({
      fs,
      link,
      target,
      runAppleScript: () => Promise.reject(new assert.AssertionError({ message: 'no admin prompt needed' })),
    });
    assert.deepEqual(r, { ok: true, how: 'direct' });
    assert.equal(fs.readlinkSync(link), target);
  });

  it(
    'asks for an administrator through osascript when the symlink is refused; Cancel is not an error',
    { skip: symlinks },
    async () => {
      const link = join(dir, 'admin-link');
      const refusing: LinkFs = {
        ...fs,
        symlinkSync: () => {
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        },
      };
      const scripts: string[] = [];
      const ok = await linkCli({
        fs: refusing,
        link,
        target,
        runAppleScript: (s) => {
          scripts.push(s);
          symlinkSync(target, link);
          return Promise.resolve();
        },
      });
      assert.deepEqual(ok, { ok: true, how: 'admin' });
      assert.deepEqual(scripts, [adminLinkScript(link, target)]);
      rmSync(link);
      const cancelled = await linkCli({
        fs: refusing,
        link,
        target,
        runAppleScript: () => Promise.reject(new Error('0:120: execution error: User canceled. (-128)')),
      });
      assert.deepEqual(cancelled, {
        ok: false,
        cancelled: true,
        message: '0:120: execution error: User canceled. (-128)',
      });
      const lied = await linkCli({ fs: refusing, link, target, runAppleScript: async () => {} });
      assert.equal(lied.ok, false, 'success is read back from the disk, not assumed');
    },
  );

  it('the AppleScript quotes each path for the shell with `quoted form of`, string literals escaped', () => {
    assert.equal(
      adminLinkScript('/usr/local/bin/ecr-keeper', '/Applications/ECR Keeper.app/Contents/Resources/bin/ecr-keeper'),
      'do shell script "mkdir -p " & quoted form of "/usr/local/bin" & " && ln -sfn " & quoted form of "/Applications/ECR Keeper.app/Contents/Resources/bin/ecr-keeper" & " " & quoted form of "/usr/local/bin/ecr-keeper" with administrator privileges',
    );
    const odd = adminLinkScript('/usr/local/bin/ecr-keeper', '/Users/a"b\\c/ECR Keeper.app/x');
    assert.ok(odd.includes('quoted form of "/Users/a\\"b\\\\c/ECR Keeper.app/x"'), odd);
  });
});

describe('the tray item', () => {
  const snap: KeeperSnapshot = {
    at: new Date(0).toISOString(),
    autoRefresh: true,
    overall: 'empty',
    nextExpiry: null,
    registries: [],
  };
  const calls: string[] = [];
  const actions: TrayActions = {
    refresh: () => {},
    refreshAll: () => {},
    setRegistryAutoRefresh: () => {},
    setAutoRefresh: () => {},
    setStartAtLogin: () => {},
    open: () => {},
    quit: () => {},
    installCli: () => calls.push('installCli'),
  };
  const ids = (cliOnPath: boolean | undefined, a: TrayActions = actions) =>
    buildTrayMenu(
      snap,
      { autoRefresh: true, startAtLogin: false, ...(cliOnPath === undefined ? {} : { cliOnPath }) },
      0,
      a,
      'darwin',
    ).map((i) => i.id ?? i.type);

  it('is offered while the command is not on PATH, and runs the action', () => {
    const menu = buildTrayMenu(
      snap,
      { autoRefresh: true, startAtLogin: false, cliOnPath: false },
      0,
      actions,
      'darwin',
    );
    const item = menu.find((i) => i.id === 'cli-path');
    assert.equal(item?.label, 'Put the command line tool (ecr-keeper) on PATH…');
    (item.click as () => void)();
    assert.deepEqual(calls, ['installCli']);
    assert.deepEqual(ids(false).slice(-3), ['cli-path', 'separator', 'quit'], 'just above Quit');
  });

  it('is gone once linked, and where it is not offered', () => {
    assert.ok(!ids(true).includes('cli-path'));
    assert.ok(!ids(undefined).includes('cli-path'));
    const without = { ...actions };
    delete without.installCli;
    assert.ok(!ids(false, without).includes('cli-path'));
  });
});
