// Every `ecr-keeper ...` command the keeper prints (fixes, notes, hints, help, the window) names a
// command that exists, with options that command takes: read from the sources, checked against
// the CLI's verb table and help texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { VERBS } from '../../src/cli/verbs';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

async function help(cmd: string): Promise<string> {
  let out = '';
  const code = await main([cmd, '--help'], {
    out: (s) => {
      out += `${s}\n`;
    },
    err: () => {},
    env: process.env,
  });
  assert.equal(code, 0, `ecr-keeper ${cmd} --help`);
  return out;
}

test('every ecr-keeper command in the sources exists and takes the options used with it', async () => {
  const commands = new Set(VERBS.map((v) => v.name));
  assert.ok(commands.has('discover') && commands.has('edit') && commands.has('config'), [...commands].join(' '));
  const uses: { file: string; cmd: string; flags: string[] }[] = [];
  for (const f of files('src')) {
    const text = readFileSync(f, 'utf8');
    // The command and what follows it up to the end of the quoted/backticked command.
    // Not a path to the program (/usr/local/bin/ecr-keeper ...): that names a file, not a command.
    for (const m of text.matchAll(/(?<![/\w-])ecr-keeper ([a-z][a-z-]*)([^`'"\n;)(]*)/g)) {
      const cmd = m[1];
      uses.push({ file: f, cmd, flags: [...m[2].matchAll(/(--[a-z][a-z-]*)/g)].map((x) => x[1]) });
    }
  }
  assert.ok(uses.length > 20, `found ${uses.length} uses`);
  // The scan sees the fixes it is meant to check (it is not vacuous).
  assert.ok(
    uses.some((u) => u.cmd === 'edit' && u.flags.includes('--account')),
    'the account-mismatch fix',
  );
  assert.ok(uses.some((u) => u.cmd === 'remove' && u.flags.includes('--logout')));
  const helps = new Map<string, string>();
  for (const u of uses) {
    if (u.cmd === 'help') continue;
    assert.ok(commands.has(u.cmd), `${u.file}: "ecr-keeper ${u.cmd}" is not a command`);
    if (!helps.has(u.cmd)) helps.set(u.cmd, await help(u.cmd));
    for (const flag of u.flags) {
      if (['--help', '--config-dir', '--version'].includes(flag)) continue;
      assert.ok(helps.get(u.cmd)!.includes(flag), `${u.file}: "ecr-keeper ${u.cmd} ${flag}": ${u.cmd} has no ${flag}`);
    }
  }
});
