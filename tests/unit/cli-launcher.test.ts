// The `ecr-keeper` launcher the installers ship (build/cli/), run from the folder layout that
// electron-builder.yml produces (scripts/packaged-layout.ts copies `files` and `extraResources`),
// with plain Node standing in for the app's runtime: the "app executable" is a small script that
// insists on ELECTRON_RUN_AS_NODE=1 (as Electron needs to behave as Node) and then runs node.
// Reached through symlinks as /usr/bin/ecr-keeper (deb, via update-alternatives) and
// /usr/local/bin/ecr-keeper (macOS) reach it. Also: the Windows .cmd's relative paths against the
// Windows layout, the deb scripts as electron-builder renders them, and the NSIS PATH script
// compiled with makensis -WX (warnings are errors in electron-builder too).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { builderConfig, layOutPackagedApp, type PackagedLayout } from '../../scripts/packaged-layout';
import { needTools, TOOLS } from '../fixtures/tools';

const ROOT = resolve('.');
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), 'ek-launcher-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The app's executable, standing in: Node, but only in the mode the launcher must ask for. */
function fakeRuntime(layout: PackagedLayout): void {
  mkdirSync(join(layout.executable, '..'), { recursive: true });
  writeFileSync(
    layout.executable,
    [
      '#!/bin/sh',
      '[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "stand-in runtime: started without ELECTRON_RUN_AS_NODE=1 (would open the app)" >&2; exit 97; }',
      `exec '${process.execPath}' "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(layout.executable, 0o755);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: work, ...env },
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// The sh launcher, symlinks and bash are macOS/Linux things (on Windows `bash` may well be WSL's).
const unixOnly = process.platform === 'win32' ? 'the sh launcher and the deb scripts are for macOS and Linux' : false;

for (const platform of unixOnly ? [] : (['linux', 'darwin'] as const)) {
  describe(`the sh launcher in the ${platform} layout`, () => {
    const dest = join(work, platform);
    const layout = layOutPackagedApp(ROOT, dest, platform);
    fakeRuntime(layout);
    const launcher = join(layout.resources, 'bin', 'ecr-keeper');
    // /usr/bin/ecr-keeper -> /etc/alternatives/ecr-keeper -> the launcher (absolute, then relative).
    const alternatives = join(dest, 'etc', 'alternatives');
    const usrBin = join(dest, 'usr', 'bin');
    mkdirSync(alternatives, { recursive: true });
    mkdirSync(usrBin, { recursive: true });
    symlinkSync(launcher, join(alternatives, 'ecr-keeper'));
    symlinkSync(relative(usrBin, join(alternatives, 'ecr-keeper')), join(usrBin, 'ecr-keeper'));
    const onPath = join(usrBin, 'ecr-keeper');
    const config = join(work, `config-${platform}`);

    it('ships the launcher, the CLI and its module marker where the launcher looks', () => {
      assert.ok(existsSync(launcher), launcher);
      assert.ok(existsSync(join(layout.resources, 'cli', 'cli.js')));
      assert.equal(
        (JSON.parse(readFileSync(join(layout.resources, 'cli', 'package.json'), 'utf8')) as { type?: string }).type,
        'module',
      );
      assert.ok(existsSync(join(layout.resources, 'cli', 'chunks')), 'the CLI chunks travel with it');
      assert.ok(!existsSync(join(layout.appDir, 'dist', 'cli.js')), 'the CLI is not duplicated inside app.asar');
    });

    it('--version through two symlinks, with the app runtime in Node mode', () => {
      const r = run(onPath, ['--version']);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out.trim(), VERSION);
    });

    it('status and status --json work against a config folder', () => {
      const r = run(onPath, ['status'], { ECR_KEEPER_CONFIG_DIR: config });
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /No registries yet/);
      const add = run(onPath, ['add', 'prod', '--region', 'eu-west-1', '--account', '123456789012', '--disabled'], {
        ECR_KEEPER_CONFIG_DIR: config,
      });
      assert.equal(add.code, 0, add.err);
      const json = run(onPath, ['status', '--json'], { ECR_KEEPER_CONFIG_DIR: config });
      assert.equal(json.code, 0, json.err);
      const rows = JSON.parse(json.out) as { name: string }[];
      assert.deepEqual(
        rows.map((x) => x.name),
        ['prod'],
      );
      assert.doesNotMatch(`${r.err}${json.err}`, /NodeVersionSupportWarning|ExperimentalWarning/);
    });

    it('passes arguments with spaces and the exit code through', () => {
      const r = run(onPath, ['add', 'bad name', '--region', 'nowhere-1'], { ECR_KEEPER_CONFIG_DIR: config });
      assert.equal(r.code, 2, `bad input is a usage error: ${r.err}`);
      assert.match(r.err, /name/i);
    });

    it('says what is wrong, without a stack trace, when the app is gone', () => {
      const moved = `${layout.executable}.moved`;
      writeFileSync(moved, readFileSync(layout.executable));
      unlinkSync(layout.executable);
      try {
        const r = run(onPath, ['status']);
        assert.equal(r.code, 1);
        assert.match(r.err, /incomplete or gone/);
        assert.match(r.err, /reinstall ECR Keeper/);
        assert.doesNotMatch(r.err, /\n\s+at /);
      } finally {
        writeFileSync(layout.executable, readFileSync(moved));
        chmodSync(layout.executable, 0o755);
      }
    });
  });
}

describe('packaging the launcher', () => {
  const cfg = builderConfig(ROOT) as ReturnType<typeof builderConfig> & { linux: { executableName: string } };

  it('the sh launcher names the executables electron-builder makes', () => {
    const sh = readFileSync('build/cli/ecr-keeper', 'utf8');
    assert.ok(sh.includes(`/MacOS/${cfg.productName}"`), 'macOS executable is Contents/MacOS/<productName>');
    assert.ok(sh.includes(`/${cfg.linux.executableName}"`), 'Linux executable is <install dir>/<executableName>');
    assert.match(sh, /ELECTRON_RUN_AS_NODE=1 exec "\$app" "\$cli" "\$@"/);
  });

  it('the Windows .cmd points at the Windows layout’s executable and CLI', () => {
    const layout = layOutPackagedApp(ROOT, join(work, 'win32'), 'win32');
    const cmdFile = join(layout.resources, 'bin', 'ecr-keeper.cmd');
    assert.ok(existsSync(cmdFile), 'win.extraResources ships ecr-keeper.cmd');
    assert.ok(!existsSync(join(layout.resources, 'bin', 'ecr-keeper')), 'the sh launcher is not shipped to Windows');
    const text = readFileSync(cmdFile, 'utf8');
    assert.ok(!/[^\r]\n/.test(text), 'CRLF line ends (cmd.exe misparses labels and blocks otherwise)');
    assert.match(text, /^set ELECTRON_RUN_AS_NODE=1\r$/m);
    const line = text.split('\r\n').find((l) => l.startsWith('"%~dp0'));
    const paths = [...(line ?? '').matchAll(/"%~dp0([^"]+)"/g)].map((m) =>
      resolve(layout.resources, 'bin', ...m[1].split('\\')),
    );
    assert.deepEqual(paths, [layout.executable, join(layout.resources, 'cli', 'cli.js')]);
    assert.ok(existsSync(paths[1]), 'the CLI is there');
    assert.match(line!, /" %\*$/, 'all arguments passed on');
  });

  it(
    'the deb scripts render with electron-builder’s macros and parse, linking /usr/bin to the launcher',
    { skip: unixOnly },
    () => {
      const macros: Record<string, string> = {
        executable: cfg.linux.executableName,
        sanitizedProductName: cfg.productName,
        productFilename: cfg.productName,
      };
      const deb = (cfg as unknown as { deb: { afterInstall: string; afterRemove: string } }).deb;
      for (const file of [deb.afterInstall, deb.afterRemove]) {
        // The same substitution as app-builder-lib's writeConfigFile: an unknown ${name} is an error there.
        const text = readFileSync(file, 'utf8').replace(/\$\{([a-zA-Z]+)\}/g, (_m, name: string) => {
          assert.ok(name in macros, `${file} uses \${${name}}, which electron-builder does not define`);
          return macros[name];
        });
        const rendered = join(work, file.replace(/\W/g, '_'));
        writeFileSync(rendered, text);
        const r = spawnSync('bash', ['-n', rendered], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.ok(text.includes(`APP_DIR='/opt/${cfg.productName}'`));
        assert.ok(text.includes('"$APP_DIR/resources/bin/ecr-keeper"'), `${file} uses the launcher's installed path`);
      }
    },
  );

  const nsisSkip = needTools(TOOLS.makensis);
  it('the NSIS PATH script compiles with warnings as errors', { skip: nsisSkip }, () => {
    const include = (cfg as unknown as { nsis: { include: string } }).nsis.include;
    const dir = join(work, 'nsis');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 't.nsi'),
      [
        'Unicode true',
        `!include "${resolve(include)}"`,
        'OutFile "t.exe"',
        'RequestExecutionLevel user',
        'InstallDir "$LOCALAPPDATA\\Programs\\ECR Keeper"',
        'Section "install"',
        '  !insertmacro customInstall',
        '  WriteUninstaller "$INSTDIR\\uninstall.exe"',
        'SectionEnd',
        'Section "Uninstall"',
        '  !insertmacro customUnInstall',
        'SectionEnd',
        '',
      ].join('\n'),
    );
    const r = spawnSync('makensis', ['-WX', '-V2', 't.nsi'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });
});
