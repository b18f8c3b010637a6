// The CLI end to end on the real stack: the built dist/cli.js, the real AWS SDK against the ECR
// emulator, the real docker CLI against real loopback registries.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needTools, TOOLS } from '../fixtures/tools';
import { addArgs, spawnCli, startStack, type Stack } from '../fixtures/stack';
import { readConfigJson } from '../fixtures/registry';

const skip = needTools(TOOLS.docker, TOOLS.registry);

describe('ecr-keeper CLI on the real stack', { skip }, () => {
  let stack: Stack;
  const hosts: string[] = [];
  before(async () => {
    stack = await startStack({
      registries: 5,
      dockerConfig: {
        auths: { 'ghcr.io': { auth: Buffer.from('someone:theirs').toString('base64') } },
        credHelpers: { 'gcr.io': 'gcloud' },
        proxies: { default: {} },
      },
    });
    for (const r of stack.registries) hosts.push(r.host, `localhost:${r.port}`);
  });
  after(async () => {
    await stack?.stop();
  });

  it('ten registries sharing one profile and region: one API call, ten hosts logged in, nothing lost', async () => {
    for (const [i, host] of hosts.entries()) {
      const r = await stack.cli(addArgs(stack, `reg${i}`, host));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`Added reg${i}`));
    }
    stack.emu.calls.length = 0;
    const r = await stack.cli(['login', '--all']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(stack.emu.calls.length, 1, 'one GetAuthorizationToken for all ten');
    const cfg = readConfigJson(stack.dockerConfigFile);
    for (const h of hosts) assert.ok(cfg.auths![h]?.auth, `${h} in the credential file`);
    assert.equal(cfg.auths!['ghcr.io'].auth, Buffer.from('someone:theirs').toString('base64'));
    assert.deepEqual(cfg.credHelpers, { 'gcr.io': 'gcloud' });
    assert.deepEqual(cfg.proxies, { default: {} });
    assert.equal((r.stdout.match(/^ok /gm) ?? []).length, 10);
    // The password never shows in output or in any file we write.
    const ours = readdirSync(stack.configDir)
      .map((f) => readFileSync(join(stack.configDir, f), 'utf8'))
      .join('\n');
    for (const text of [r.stdout, r.stderr, ours]) assert.equal(text.includes(stack.password), false);
  });

  it('status --json reports each registry with ISO times and seconds left', async () => {
    const r = await stack.cli(['status', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.equal(rows.length, 10);
    for (const row of rows) {
      assert.deepEqual(
        Object.keys(row).sort(),
        ['error', 'expiresAt', 'host', 'lastRefresh', 'name', 'secondsLeft', 'state'].sort(),
      );
      assert.equal(row.state, 'valid');
      assert.ok(typeof row.secondsLeft === 'number' && row.secondsLeft > 11 * 3600);
      assert.ok(!Number.isNaN(Date.parse(row.expiresAt as string)));
      assert.equal(row.error, null);
    }
    const human = await stack.cli(['status']);
    assert.match(human.stdout, /reg0 .*valid +11 h 5\d min/);
  });

  it('a login the registry rejects: exit 1 with category and fix, others still succeed', async () => {
    stack.emu.fault('badpassword', 1);
    const r = await stack.cli(['login', 'reg0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /login-rejected/);
    assert.match(r.stderr, /fix: /);
    assert.equal(r.stderr.includes(stack.password), false);
    const s = JSON.parse((await stack.cli(['status', '--json'])).stdout) as {
      name: string;
      state: string;
      error: { category: string } | null;
    }[];
    assert.equal(s.find((x) => x.name === 'reg0')!.state, 'error');
    assert.equal(s.find((x) => x.name === 'reg0')!.error!.category, 'login-rejected');
    const again = await stack.cli(['login', 'reg0', 'reg1']);
    assert.equal(again.code, 0, again.stderr);
  });

  it('bad input: exit 2, a message naming the problem, settings file unchanged', async () => {
    const settings = join(stack.configDir, 'config.json');
    const before = readFileSync(settings, 'utf8');
    const cases: [string[], RegExp][] = [
      [['add', 'x', '--region', 'us-east-1', '--account', '12345'], /exactly 12 digits/],
      [['add', 'x', '--region', 'mars-1'], /not an AWS region/],
      [
        [
          'add',
          'x',
          '--region',
          'us-east-1',
          '--registry-host',
          '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example',
        ],
        /looks like an ECR host but is not one/,
      ],
      [['add', 'x', '--region', 'us-east-1', '--api-endpoint', 'ftp://example.com'], /https:\/\//],
      [['add', 'x', '--region', 'us-east-1', '--tool', 'nerdctl'], /"docker", "podman", "helm"/],
      [['add', 'x;touch /tmp/pwned', '--region', 'us-east-1'], /Name .* is not valid/],
      [['add', 'reg0', '--region', 'us-east-1'], /already exists/],
      // A second registry for reg0's host and tool would overwrite its login.
      [addArgs(stack, 'dup', hosts[0]), /Registry "reg0" already logs docker in to /],
      [['add', 'n'.repeat(70), '--region', 'us-east-1'], /Name is too long \(70 characters\): use at most 63\./],
      [['add', '--region', 'us-east-1'], /needs a NAME/],
      [['add', 'x', '--region', 'us-east-1', '--bogus'], /Unknown option '--bogus'/],
      [['login', 'nope'], /No registry named "nope"/],
      [['login'], /names or --all/],
      [['remove', 'nope'], /No registry named "nope"/],
      [['frobnicate'], /Unknown command/],
    ];
    for (const [args, msg] of cases) {
      const r = await stack.cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, msg, args.join(' '));
    }
    assert.equal(readFileSync(settings, 'utf8'), before);
    assert.equal(existsSync('/tmp/pwned'), false);
  });

  it('--help everywhere, remove and list', async () => {
    for (const cmd of ['add', 'remove', 'list', 'login', 'status', 'watch']) {
      const r = await stack.cli([cmd, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`Usage: ecr-keeper ${cmd}`));
    }
    assert.match((await stack.cli(['--help'])).stdout, /Commands:/);
    const rm = await stack.cli(['remove', 'reg9']);
    assert.equal(rm.code, 0);
    const list = await stack.cli(['list']);
    assert.doesNotMatch(list.stdout, /reg9/);
    assert.match(list.stdout, /reg8/);
  });

  it('account IDs as the AWS console shows them (dashes, spaces) are saved as 12 digits', async () => {
    const dir = join(stack.dir, 'dashed');
    for (const [name, account, region] of [
      ['dashes', '1234-5678-9012', 'us-east-1'],
      ['spaces', '1234 5678 9012', 'eu-west-1'],
    ] as const) {
      const r = await stack.cli(['--config-dir', dir, 'add', name, '--region', region, '--account', account]);
      assert.equal(r.code, 0, r.stderr);
    }
    const list = JSON.parse((await stack.cli(['--config-dir', dir, 'list', '--json'])).stdout) as {
      accountId: string;
    }[];
    assert.deepEqual(
      list.map((x) => x.accountId),
      ['123456789012', '123456789012'],
    );
  });

  it('--config-dir picks another settings folder', async () => {
    const other = join(stack.dir, 'other');
    const r = await stack.cli(['--config-dir', other, 'list']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No registries yet/);
  });

  it('a corrupt settings file is backed up and reported, not lost', async () => {
    const dir = join(stack.dir, 'corrupt');
    const add = await stack.cli(['--config-dir', dir, 'add', 'a', '--region', 'us-east-1']);
    assert.equal(add.code, 0, add.stderr);
    writeFileSync(join(dir, 'config.json'), '{ "registries": [ broken');
    // A command that only looks leaves it alone; the first that writes keeps it as a backup.
    const look = await stack.cli(['--config-dir', dir, 'list']);
    assert.equal(look.code, 0);
    assert.match(look.stderr, /warning: .*config\.json could not be read.*left as it is/);
    assert.equal(
      readdirSync(dir).some((f) => f.startsWith('config.json.backup-')),
      false,
    );
    const r = await stack.cli(['--config-dir', dir, 'add', 'b', '--region', 'us-east-1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: .*config\.json could not be read.*kept as .*backup/);
    const backup = readdirSync(dir).find((f) => f.startsWith('config.json.backup-'));
    assert.ok(backup);
    assert.equal(readFileSync(join(dir, backup), 'utf8'), '{ "registries": [ broken');
  });

  it('watch refreshes what is due (only that), logs one line per event, and exits cleanly on SIGTERM', async () => {
    // The host reg9 had (removed above): two registries may not share a host and tool.
    const add = await stack.cli(addArgs(stack, 'fresh', hosts[9]));
    assert.equal(add.code, 0, add.stderr);
    const child = spawnCli(['watch'], {
      env: stack.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const deadline = Date.now() + 30_000;
    while (!/ login fresh: Logged in to/.test(out) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(code, 0, out);
    assert.match(out, /watching 10 registries/);
    // The nine valid logins are not due; only the never-refreshed one logs in.
    assert.deepEqual(out.match(/ login \S+: Logged in to/g), [' login fresh: Logged in to']);
    assert.match(out, /stopped\n$/);
    assert.equal(out.includes(stack.password), false);
  });
});

describe('ecr-keeper watch picks up registries added by another process', { skip }, () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ registries: 1 });
  });
  after(async () => {
    await stack?.stop();
  });

  it('a registry added with the CLI while watch runs is logged in without a restart', async () => {
    const child = spawnCli(['watch'], {
      env: stack.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    try {
      const until = async (re: RegExp) => {
        const deadline = Date.now() + 20_000;
        while (!re.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.match(out, re);
      };
      await until(/watching 0 registries/);
      const add = await stack.cli(addArgs(stack, 'late', stack.registries[0].host));
      assert.equal(add.code, 0, add.stderr);
      await until(/ login late: Logged in to/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('close', r));
    }
  });
});
