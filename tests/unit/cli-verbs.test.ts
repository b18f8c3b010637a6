// The CLI's verb table drives parsing and help: every verb's help is reachable as
// `ecr-keeper VERB --help`, `-h` and `ecr-keeper help VERB` (the same text, naming every option),
// the global help lists every verb, and an unknown option is refused before anything is opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { EXIT } from '../../src/cli/command';
import { VERBS } from '../../src/cli/verbs';

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (s) => {
      stdout += `${s}\n`;
    },
    err: (s) => {
      stderr += `${s}\n`;
    },
    env,
  });
  return { code, stdout, stderr };
}

test('every verb has its help both ways, naming each of its options', async () => {
  assert.ok(VERBS.length >= 12, VERBS.map((v) => v.name).join(' '));
  for (const v of VERBS) {
    const long = await cli([v.name, '--help']);
    const short = await cli([v.name, '-h']);
    const viaHelp = await cli(['help', v.name]);
    for (const r of [long, short, viaHelp]) {
      assert.equal(r.code, EXIT.ok, `${v.name}: ${r.stderr}`);
      assert.equal(r.stderr, '');
    }
    assert.ok(long.stdout.startsWith(`Usage: ecr-keeper ${v.name}`), long.stdout);
    assert.equal(short.stdout, long.stdout, `${v.name} -h`);
    assert.equal(viaHelp.stdout, long.stdout, `ecr-keeper help ${v.name}`);
    for (const name of Object.keys(v.options))
      assert.match(long.stdout, new RegExp(`^  --${name}\\b`, 'm'), `${v.name} --${name}`);
  }
});

test('the global help lists every verb with its usage', async () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = await cli(args);
    assert.equal(r.code, EXIT.ok, args.join(' '));
    for (const v of VERBS)
      assert.match(r.stdout, new RegExp(`^  ${v.usage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  `, 'm'), v.name);
  }
  const bare = await cli([]);
  assert.equal(bare.code, EXIT.usage);
  assert.match(bare.stdout, /^Commands:$/m);
});

test("an unknown option is refused with its name and the verb's help, exit 2, nothing opened", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ek-cli-verbs-'));
  const configDir = join(dir, 'config');
  try {
    for (const v of VERBS) {
      const r = await cli([v.name, '--no-such-option', '--config-dir', configDir], {
        ECR_KEEPER_CONFIG_DIR: configDir,
        HOME: dir,
      });
      assert.equal(r.code, EXIT.usage, `${v.name}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        `error: Unknown option '--no-such-option'.\nRun \`ecr-keeper ${v.name} --help\` for usage.\n`,
      );
    }
    assert.equal(existsSync(configDir), false, 'no verb opened the settings');
    const unknown = await cli(['help', 'frobnicate']);
    assert.equal(unknown.code, EXIT.usage);
    assert.match(unknown.stderr, /Unknown command "frobnicate"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
