// Proof: corrupt settings and state files are backed up byte for byte and reported, never lost,
// through the CLI (stderr warning) and through the engine (activity notice the window shows).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli, runCli } from '../fixtures/stack';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openSettings } from '../../src/core/settings';
import { Keeper } from '../../src/core/keeper';
import { confOpener } from './helpers';

const CORRUPTIONS: [string, string][] = [
  ['truncated JSON', '{ "registries": [ { "name": "prod", '],
  ['binary garbage', '\u0000\u0001\u00ff{{{not json'],
  ['a JSON array', '[1, 2, 3]'],
  [
    'wrong types (schema violation)',
    '{ "version": 1, "registries": "nope", "refreshLeadMinutes": "soon", "autoRefresh": 3 }',
  ],
  ['a number out of range', '{ "version": 1, "registries": [], "loginTimeoutSeconds": 0 }'],
];
const STATE_CORRUPTIONS: [string, string][] = [
  ['truncated JSON', '{ "registries": { "x": { "expiresAt": '],
  ['registries not an object', '{ "registries": [1, 2] }'],
  ['nul bytes', '\u0000\u0000\u0000'],
];

function backupsOf(dir: string, name: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(`${name}.backup-`));
}

describe('corrupt settings and state files', () => {
  let root: string;
  const env = { ...process.env };
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'ek-corrupt-'));
    delete env.ECR_KEEPER_CONFIG_DIR;
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  let n = 0;
  for (const [what, settingsText] of CORRUPTIONS) {
    const [stateWhat, stateText] = STATE_CORRUPTIONS[n % STATE_CORRUPTIONS.length];
    const k = n++;
    it(`CLI: settings (${what}) and state (${stateWhat}) both corrupt: both backed up intact and reported`, async () => {
      const dir = join(root, `cli-${k}`);
      const add = await runCli(
        ['--config-dir', dir, 'add', 'prod', '--region', 'us-east-1', '--account', '123456789012'],
        env,
      );
      assert.equal(add.code, 0, add.stderr);
      writeFileSync(join(dir, 'config.json'), settingsText);
      writeFileSync(join(dir, 'state.json'), stateText);

      // A command that only looks leaves both files as they are, says so, and shows defaults.
      const look = await runCli(['--config-dir', dir, 'status', '--json'], env);
      assert.match(look.stderr, /warning: .*config\.json could not be read.*left as it is/);
      assert.match(look.stderr, /warning: .*state\.json could not be read.*left as it is/);
      assert.deepEqual(JSON.parse(look.stdout), [], 'defaults shown');
      assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), settingsText, 'not touched by status');
      assert.equal(readFileSync(join(dir, 'state.json'), 'utf8'), stateText, 'not touched by status');
      assert.deepEqual(backupsOf(dir, 'config.json'), []);

      // A command that writes keeps both as backups, byte for byte, and starts from defaults.
      const r = await runCli(['--config-dir', dir, 'add', 'prod2', '--region', 'us-east-1'], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /warning: .*config\.json could not be read.*kept as .*config\.json\.backup-/);
      assert.match(r.stderr, /warning: .*state\.json could not be read.*kept as .*state\.json\.backup-/);
      const [sb] = backupsOf(dir, 'config.json');
      const [stb] = backupsOf(dir, 'state.json');
      assert.ok(sb && stb, readdirSync(dir).join(' '));
      assert.equal(readFileSync(join(dir, sb), 'utf8'), settingsText, 'settings backup byte-identical');
      assert.equal(readFileSync(join(dir, stb), 'utf8'), stateText, 'state backup byte-identical');
      // The fresh files work: the next command reads them without a warning and the backups stay.
      const again = await runCli(['--config-dir', dir, 'list', '--json'], env);
      assert.equal(again.code, 0, again.stderr);
      assert.doesNotMatch(again.stderr, /warning/, 'reported once, not on every start');
      assert.deepEqual(
        (JSON.parse(again.stdout) as { name: string }[]).map((x) => x.name),
        ['prod2'],
      );
      assert.equal(backupsOf(dir, 'config.json').length, 1);
      assert.equal(readFileSync(join(dir, sb), 'utf8'), settingsText);
    });
  }

  it('an unversioned file that fails the schema is kept byte for byte too', async () => {
    const dir = join(root, 'unversioned');
    mkdirSync(dir, { recursive: true });
    const text = '{ "registries": "nope", "refreshLead": "soon" }';
    writeFileSync(join(dir, 'config.json'), text);
    const r = await runCli(['--config-dir', dir, 'add', 'x', '--region', 'us-east-1'], env);
    assert.match(r.stderr, /could not be read/);
    const [b] = backupsOf(dir, 'config.json');
    assert.equal(readFileSync(join(dir, b), 'utf8'), text);
  });

  it('engine: the warnings reach the activity log the window shows', () => {
    const dir = join(root, 'engine');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), '{ broken');
    writeFileSync(join(dir, 'state.json'), '{ broken too');
    const opened = openSettings(confOpener, dir);
    assert.equal(opened.warnings.length, 2);
    const keeper = new Keeper({
      settings: opened.repo,
      state: opened.state,
      warnings: opened.warnings,
      tokens: { get: () => Promise.reject(new Error('not used')) },
      login: { login: () => Promise.reject(new Error('not used')) },
    });
    const notices = keeper.activity().filter((e) => e.kind === 'notice');
    assert.equal(notices.length, 2);
    assert.match(notices[0].message, /config\.json could not be read.*backup/);
    assert.match(notices[1].message, /state\.json could not be read.*backup/);
    assert.equal(backupsOf(dir, 'config.json').length, 1);
    assert.equal(backupsOf(dir, 'state.json').length, 1);
  });

  it('one invalid registry among good ones: set aside with the whole original file kept, the good ones load', async () => {
    const dir = join(root, 'one-bad');
    for (const [name, account] of [
      ['good1', '123456789012'],
      ['good2', '123456789013'],
    ] as const) {
      const r = await runCli(['--config-dir', dir, 'add', name, '--region', 'us-east-1', '--account', account], env);
      assert.equal(r.code, 0, r.stderr);
    }
    const file = join(dir, 'config.json');
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as { registries: unknown[] };
    cfg.registries.push({
      id: 'evil',
      name: 'x;rm -rf /',
      kind: 'private',
      region: 'us-east-1',
      tool: 'docker',
      enabled: true,
      autoRefresh: true,
    });
    const original = JSON.stringify(cfg, null, '\t');
    writeFileSync(file, original);
    const look = await runCli(['--config-dir', dir, 'list', '--json'], env);
    assert.equal(look.code, 0, look.stderr);
    assert.match(look.stderr, /1 registry in .* did not pass validation and is not shown; the file was left as it is/);
    assert.deepEqual(
      (JSON.parse(look.stdout) as { name: string }[]).map((x) => x.name),
      ['good1', 'good2'],
    );
    assert.equal(readFileSync(file, 'utf8'), original, 'list changes nothing');
    const r = await runCli(['--config-dir', dir, 'add', 'good3', '--region', 'us-east-1'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /1 registry in .* did not pass validation.*kept as/);
    const [b] = backupsOf(dir, 'config.json');
    assert.equal(readFileSync(join(dir, b), 'utf8'), original);
  });
});

describe('unreadable is not corrupt', () => {
  const root = mkdtempSync(join(tmpdir(), 'ek-unreadable-'));
  chmodSync(root, 0o755);
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const env = { ...process.env };
  delete env.ECR_KEEPER_CONFIG_DIR;
  // As a normal user: root reads any file whatever its mode.
  const NOBODY = 65534;
  const asNobody = process.getuid?.() === 0;

  const cases: [string, (dir: string) => void, RegExp][] = [
    [
      'a folder where config.json should be',
      (d) => mkdirSync(join(d, 'config.json')),
      /config\.json cannot be read: it is a folder/,
    ],
    [
      'config.json a link to nothing',
      (d) => symlinkSync(join(d, 'gone.json'), join(d, 'config.json')),
      /config\.json cannot be read: it is a link to .*gone\.json, which does not exist/,
    ],
    [
      'config.json with mode 000',
      (d) => {
        writeFileSync(join(d, 'config.json'), '{"registries": []}', { mode: 0o000 });
        if (asNobody) chownSync(join(d, 'config.json'), NOBODY, NOBODY);
      },
      /config\.json cannot be read: permission denied/,
    ],
  ];
  let i = 0;
  for (const [what, make, message] of cases) {
    const k = i++;
    for (const verb of [['list'], ['add', 'x', '--region', 'us-east-1']]) {
      it(`${what}: \`${verb[0]}\` names the path and the problem, exits 1, moves nothing`, async () => {
        const dir = join(root, `${k}-${verb[0]}`);
        mkdirSync(dir, { recursive: true });
        make(dir);
        if (asNobody) {
          chownSync(dir, NOBODY, NOBODY);
          chmodSync(dir, 0o700);
        }
        const before = readdirSync(dir).sort();
        const r = await runCliAs(['--config-dir', dir, ...verb], env, asNobody ? NOBODY : undefined);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /Nothing was changed/);
        assert.deepEqual(readdirSync(dir).sort(), before, 'nothing moved, nothing created');
      });
    }
  }
});

/** The built CLI, optionally as another user (root can read anything, so permission tests drop to nobody). */
function runCliAs(
  args: string[],
  env: NodeJS.ProcessEnv,
  uid?: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawnCli(args, { env, uid, gid: uid, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
