// Onboarding and everyday CLI use on the real stack (built dist/cli.js, the real SDK against the
// ECR emulator, real docker against loopback registries): discover, the mistakes `add` catches,
// edit and config, status exit codes, remove, closed pipes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needTools, TOOLS } from '../fixtures/tools';
import { addArgs, FAKE_ACCOUNT, spawnCli, startStack, type Stack } from '../fixtures/stack';
import { readConfigJson } from '../fixtures/registry';

const skip = needTools(TOOLS.docker, TOOLS.registry);
const AUTH = { auth: Buffer.from('AWS:not-a-real-password').toString('base64') };

describe('ecr-keeper discover on the real stack', { skip }, () => {
  let stack: Stack;
  let helmFile: string;
  let podmanFile: string;
  before(async () => {
    stack = await startStack({
      registries: 1,
      dockerConfig: {
        auths: {
          'https://111122223333.dkr.ecr.eu-west-1.amazonaws.com/v2/': AUTH,
          [`${FAKE_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`]: AUTH,
          '111122223333.dkr.ecr.eu-west-1.amazonaws.com.evil.example': AUTH,
          'ghcr.io': AUTH,
        },
        credHelpers: { '444455556666.dkr.ecr-fips.us-east-2.amazonaws.com': 'ecr-login', 'gcr.io': 'gcloud' },
      },
    });
    podmanFile = stack.env.REGISTRY_AUTH_FILE!;
    writeFileSync(
      podmanFile,
      JSON.stringify({ auths: { '222233334444.dkr-ecr.eu-central-1.on.aws': AUTH, 'quay.io': AUTH } }),
    );
    helmFile = join(stack.env.XDG_CONFIG_HOME!, 'helm', 'registry', 'config.json');
    mkdirSync(join(stack.env.XDG_CONFIG_HOME!, 'helm', 'registry'), { recursive: true });
    writeFileSync(helmFile, JSON.stringify({ auths: { 'public.ecr.aws': AUTH, 'public.ecr.aws.evil.example': AUTH } }));
    writeFileSync(
      stack.env.AWS_CONFIG_FILE!,
      '[default]\nregion = us-east-1\n\n[profile dev]\nsso_account_id = 111122223333\nsso_role_name = Dev\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n\n[profile ci]\nrole_arn = arn:aws:iam::222233334444:role/ci\nsource_profile = default\n\n[profile ci2]\nrole_arn = arn:aws:iam::222233334444:role/admin\nsource_profile = default\n',
    );
  });
  after(async () => {
    await stack?.stop();
  });

  it('--json lists every ECR host in docker, podman and helm files (look-alikes left out), with profile and kept', async () => {
    const dockerBefore = readFileSync(stack.dockerConfigFile, 'utf8');
    const r = await stack.cli(['discover', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      rows.map((x) => x.host),
      [
        '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
        `${FAKE_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
        '222233334444.dkr-ecr.eu-central-1.on.aws',
        '444455556666.dkr.ecr-fips.us-east-2.amazonaws.com',
        'public.ecr.aws',
      ],
    );
    for (const row of rows)
      for (const k of ['host', 'accountId', 'region', 'kind', 'foundIn', 'helper', 'profile', 'kept'])
        assert.ok(k in row, k);
    const by = new Map(rows.map((x) => [x.host as string, x]));
    assert.equal(by.get('111122223333.dkr.ecr.eu-west-1.amazonaws.com')!.profile, 'dev');
    assert.equal(by.get('222233334444.dkr-ecr.eu-central-1.on.aws')!.profile, null);
    assert.deepEqual(by.get('222233334444.dkr-ecr.eu-central-1.on.aws')!.candidates, ['ci', 'ci2']);
    assert.deepEqual(by.get('222233334444.dkr-ecr.eu-central-1.on.aws')!.foundIn, [podmanFile]);
    assert.equal(by.get('444455556666.dkr.ecr-fips.us-east-2.amazonaws.com')!.helper, 'ecr-login');
    assert.deepEqual(by.get('public.ecr.aws')!, {
      host: 'public.ecr.aws',
      accountId: null,
      region: null,
      kind: 'public',
      foundIn: [helmFile],
      helper: null,
      profile: null,
      candidates: [],
      kept: false,
    });
    assert.equal(readFileSync(stack.dockerConfigFile, 'utf8'), dockerBefore, 'discover changes nothing');
    const human = await stack.cli(['discover']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /one of ci, ci2/);
    assert.match(human.stdout, /ecr-keeper discover --add/);
  });

  it('static keys: the account seen in an earlier token makes discover suggest that profile', async () => {
    const add = await stack.cli(addArgs(stack, 'loop', stack.registries[0].host, ['--profile', 'default']));
    assert.equal(add.code, 0, add.stderr);
    const login = await stack.cli(['login', 'loop']);
    assert.equal(login.code, 0, login.stderr);
    const rows = JSON.parse((await stack.cli(['discover', '--json'])).stdout) as {
      host: string;
      profile: string | null;
    }[];
    assert.equal(rows.find((x) => x.host === `${FAKE_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`)!.profile, 'default');
  });

  it('--add adds every host not yet kept, named readably, says how to hand over ecr-login hosts; a second run adds nothing', async () => {
    const dockerBefore = readFileSync(stack.dockerConfigFile, 'utf8');
    const r = await stack.cli(['discover', '--add']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /Added 111122223333-eu-west-1 \(111122223333\.dkr\.ecr\.eu-west-1\.amazonaws\.com, docker, profile dev\)/,
    );
    assert.match(
      r.stdout,
      /Added 222233334444-eu-central-1-dualstack \(222233334444\.dkr-ecr\.eu-central-1\.on\.aws, podman, the default credential chain\)/,
    );
    assert.match(
      r.stdout,
      /several profiles match account 222233334444 \(ci, ci2\); choose one: ecr-keeper edit 222233334444-eu-central-1-dualstack --profile PROFILE/,
    );
    assert.match(r.stdout, /Added 444455556666-us-east-2-fips/);
    assert.match(
      r.stdout,
      /handled by the ecr-login credential helper.*remove its "ecr-login" entry from "credHelpers"/,
    );
    assert.match(r.stdout, /Added ecr-public \(public\.ecr\.aws, docker/);
    assert.match(r.stdout, /Added 123456789012-us-east-1 /);
    assert.equal(readFileSync(stack.dockerConfigFile, 'utf8'), dockerBefore, "the user's files are not changed");
    const list = JSON.parse((await stack.cli(['list', '--json'])).stdout) as {
      name: string;
      registryHost?: string;
      tool: string;
      profile?: string;
    }[];
    assert.equal(
      list.find((x) => x.name === '444455556666-us-east-2-fips')!.registryHost,
      '444455556666.dkr.ecr-fips.us-east-2.amazonaws.com',
    );
    const again = await stack.cli(['discover', '--add']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Every ECR registry found is already kept/);
    const rows = JSON.parse((await stack.cli(['discover', '--json'])).stdout) as { kept: boolean }[];
    assert.ok(rows.every((x) => x.kept));
  });
});

describe('add catches mistakes at the door', { skip }, () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ registries: 1 });
  });
  after(async () => {
    await stack?.stop();
  });

  it('a mistyped region is refused naming the likely one; a region newer than the SDK and a missing profile pass with warning: lines', async () => {
    const settings = join(stack.configDir, 'config.json');
    const typo = await stack.cli(['add', 'x', '--region', 'us-esat-1']);
    assert.equal(typo.code, 2, typo.stderr);
    assert.match(typo.stderr, /^error: Region "us-esat-1" is not an AWS region: did you mean us-east-1\?$/m);
    assert.match(typo.stderr, /Nothing was changed/);
    const newer = await stack.cli(['add', 'newer', '--region', 'eu-west-9']);
    assert.equal(newer.code, 0, newer.stderr);
    assert.match(newer.stderr, /^warning: Region "eu-west-9" is not in the region list of this ECR Keeper's AWS SDK/m);
    const prof = await stack.cli(['add', 'prof', '--region', 'us-east-1', '--profile', 'nope']);
    assert.equal(prof.code, 0, prof.stderr);
    const lines = prof.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    assert.deepEqual(lines, [
      `warning: AWS profile "nope" is not in ${stack.env.AWS_CONFIG_FILE} or ${stack.env.AWS_SHARED_CREDENTIALS_FILE}: refreshes will fail with profile-not-found until it is added there.`,
    ]);
    const ok = await stack.cli(['add', 'fine', '--region', 'us-east-1', '--profile', 'default']);
    assert.equal(ok.code, 0);
    assert.equal(ok.stderr, '');
    const names = (JSON.parse(readFileSync(settings, 'utf8')) as { registries: { name: string }[] }).registries.map(
      (r) => r.name,
    );
    assert.deepEqual(names, ['newer', 'prof', 'fine']);
  });

  it("an --account other than the token's is reported as such after the first token, not as a network error", async () => {
    const add = await stack.cli([
      'add',
      'other',
      '--region',
      'us-east-1',
      '--account',
      '999988887777',
      '--api-endpoint',
      stack.emu.url,
    ]);
    assert.equal(add.code, 0, add.stderr);
    const r = await stack.cli(['login', 'other']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /account-mismatch: other is set to account 999988887777, but the default AWS credentials sign in to account 123456789012; logging in to 999988887777\.dkr\.ecr\.us-east-1\.amazonaws\.com failed/,
    );
    assert.match(r.stderr, /fix: If 999988887777 is a typo: ecr-keeper edit other --account 123456789012/);
    const s = JSON.parse((await stack.cli(['status', '--json'])).stdout) as {
      name: string;
      error: { category: string } | null;
    }[];
    assert.equal(s.find((x) => x.name === 'other')!.error!.category, 'account-mismatch');
  });
});

describe(
  'CLI parity and everyday use: edit, config, status exit codes and times, remove, closed pipes',
  { skip },
  () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({ registries: 2 });
    });
    after(async () => {
      await stack?.stop();
    });
    const settingsFile = () => join(stack.configDir, 'config.json');
    const regs = () =>
      (JSON.parse(readFileSync(settingsFile(), 'utf8')) as { registries: Record<string, unknown>[] }).registries;

    it('status exits 1 when an enabled registry needs attention, 0 otherwise (JSON unchanged); times are local with the zone', async () => {
      for (const [i, r] of stack.registries.entries())
        assert.equal((await stack.cli(addArgs(stack, `r${i}`, r.host))).code, 0);
      const idle = await stack.cli(['status']);
      assert.equal(idle.code, 0, 'not logged in yet: nothing has failed');
      assert.equal((await stack.cli(['login', '--all'])).code, 0);
      const env = { ...stack.env, TZ: 'America/New_York' };
      const ok = await stack.cli(['status'], { env });
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /r0 .*valid .* \d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T$/m);
      const json = JSON.parse((await stack.cli(['status', '--json'], { env })).stdout) as {
        lastRefresh: string;
        expiresAt: string;
      }[];
      assert.match(json[0].lastRefresh, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const login = await stack.cli(['login', 'r0'], { env: { ...stack.env, TZ: 'Asia/Kolkata' } });
      assert.match(login.stdout, /until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\+5:30\)/);
      // A failing registry: exit 1.
      stack.emu.fault('badpassword', 1);
      assert.equal((await stack.cli(['login', 'r1'])).code, 1);
      const bad = await stack.cli(['status']);
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, /r1: login-rejected/);
      // Disabled registries do not count.
      assert.equal((await stack.cli(['edit', 'r1', '--disable'])).code, 0);
      assert.equal((await stack.cli(['status'])).code, 0);
      const help = await stack.cli(['status', '--help']);
      assert.match(help.stdout, /Exit code: 1 when any enabled registry needs attention/);
      // Expired counts too.
      writeFileSync(
        join(stack.configDir, 'state.json'),
        readFileSync(join(stack.configDir, 'state.json'), 'utf8').replace(
          /"expiresAt": "[^"]+"/g,
          '"expiresAt": "2020-01-01T00:00:00.000Z"',
        ),
      );
      const expired = await stack.cli(['status', '--json']);
      assert.equal(expired.code, 1);
      assert.ok((JSON.parse(expired.stdout) as { state: string }[]).some((r) => r.state === 'expired'));
      assert.equal((await stack.cli(['login', 'r0'])).code, 0);
    });

    it('a host later handed to the ecr-login helper no longer shows valid in status', async () => {
      const cfg = readConfigJson(stack.dockerConfigFile);
      const host = stack.registries[0].host;
      writeFileSync(
        stack.dockerConfigFile,
        JSON.stringify({ ...cfg, credHelpers: { ...(cfg.credHelpers ?? {}), [host]: 'ecr-login' } }, null, '\t'),
      );
      const rows = JSON.parse((await stack.cli(['status', '--json'])).stdout) as { name: string; state: string }[];
      assert.equal(rows.find((r) => r.name === 'r0')!.state, 'helper-managed');
      writeFileSync(stack.dockerConfigFile, JSON.stringify(cfg, null, '\t'));
      const back = JSON.parse((await stack.cli(['status', '--json'])).stdout) as { name: string; state: string }[];
      assert.equal(back.find((r) => r.name === 'r0')!.state, 'valid');
    });

    it('edit changes only what is given, clears with an empty value, checks like add, and --enable/--auto-refresh work', async () => {
      const r = await stack.cli(['edit', 'r1', '--enable', '--auto-refresh', 'off', '--profile', 'default']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Updated r1: .*enabled = true/);
      let r1 = regs().find((x) => x.name === 'r1')!;
      assert.equal(r1.autoRefresh, false);
      assert.equal(r1.profile, 'default');
      assert.equal(r1.registryHost, stack.registries[1].host, 'untouched');
      assert.equal((await stack.cli(['edit', 'r1', '--profile', ''])).code, 0);
      r1 = regs().find((x) => x.name === 'r1')!;
      assert.equal('profile' in r1, false, 'cleared');
      const before = readFileSync(settingsFile(), 'utf8');
      const cases: [string[], RegExp][] = [
        [['edit', 'r1', '--region', 'us-esat-1'], /did you mean us-east-1\?/],
        [['edit', 'r1', '--name', 'r0'], /already exists/],
        [['edit', 'nope', '--disable'], /No registry named "nope"/],
        [['edit', 'r1'], /at least one change/],
        [['edit', 'r1', '--auto-refresh', 'maybe'], /on or off/],
        [['edit', 'r1', '--enable', '--disable'], /not both/],
      ];
      for (const [args, msg] of cases) {
        const x = await stack.cli(args);
        assert.equal(x.code, 2, `${args.join(' ')}: ${x.stderr}`);
        assert.match(x.stderr, msg);
      }
      assert.equal(readFileSync(settingsFile(), 'utf8'), before);
      const warn = await stack.cli(['edit', 'r1', '--profile', 'ghost']);
      assert.equal(warn.code, 0);
      assert.match(warn.stderr, /^warning: AWS profile "ghost" is not in /m);
      assert.equal((await stack.cli(['edit', 'r1', '--name', 'renamed', '--profile', ''])).code, 0);
      assert.ok(regs().some((x) => x.name === 'renamed'));
    });

    it("config get/set covers the preferences with the window's checks", async () => {
      const all = await stack.cli(['config']);
      assert.equal(all.code, 0);
      for (const k of [
        'autoRefresh',
        'refreshLeadMinutes',
        'notifyLeadMinutes',
        'loginTimeoutSeconds',
        'startAtLogin',
        'notifications.expiring',
        'notifications.failed',
        'notifications.recovered',
        'toolPaths.docker',
        'toolPaths.podman',
      ]) {
        assert.match(all.stdout, new RegExp(`^${k.replace('.', '\\.')} = `, 'm'), k);
      }
      assert.equal((await stack.cli(['config', 'set', 'refreshLeadMinutes', '45'])).code, 0);
      assert.equal((await stack.cli(['config', 'get', 'refreshLeadMinutes'])).stdout.trim(), '45');
      assert.equal((await stack.cli(['config', 'set', 'notifications.expiring', 'off'])).code, 0);
      assert.equal((await stack.cli(['config', 'set', 'toolPaths.podman', '/usr/bin/podman'])).code, 0);
      assert.equal((await stack.cli(['config', 'set', 'toolPaths.docker', '/usr/bin/docker'])).code, 0);
      assert.equal((await stack.cli(['config', 'set', 'autoRefresh', 'false'])).code, 0);
      const s = JSON.parse(readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>;
      assert.equal(s.refreshLeadMinutes, 45);
      assert.deepEqual(s.notifications, { expiring: false, failed: true, recovered: true });
      assert.deepEqual(s.toolPaths, { podman: '/usr/bin/podman', docker: '/usr/bin/docker' });
      assert.equal(s.autoRefresh, false);
      assert.equal((await stack.cli(['config', 'set', 'toolPaths.docker', ''])).code, 0);
      assert.deepEqual((JSON.parse(readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>).toolPaths, {
        podman: '/usr/bin/podman',
      });
      const json = JSON.parse((await stack.cli(['config', 'get', '--json'])).stdout) as Record<string, unknown>;
      assert.equal(json['notifications.expiring'], false);
      const before = readFileSync(settingsFile(), 'utf8');
      const cases: [string[], RegExp][] = [
        [['config', 'set', 'refreshLeadMinutes', '2'], /refreshLeadMinutes must be a whole number from 5 to 360/],
        [['config', 'set', 'refreshLeadMinutes', 'soon'], /whole number/],
        [['config', 'set', 'autoRefresh', 'maybe'], /autoRefresh must be true or false/],
        [['config', 'set', 'toolPaths.docker', 'docker'], /absolute path/],
        [['config', 'set', 'colour', 'blue'], /Unknown setting "colour"/],
        [['config', 'set', 'refreshLeadMinutes'], /needs KEY and VALUE/],
        [['config', 'frob'], /get or set/],
      ];
      for (const [args, msg] of cases) {
        const x = await stack.cli(args);
        assert.equal(x.code, 2, `${args.join(' ')}: ${x.stderr}`);
        assert.match(x.stderr, msg, args.join(' '));
      }
      assert.equal(readFileSync(settingsFile(), 'utf8'), before);
      assert.equal((await stack.cli(['config', 'set', 'autoRefresh', 'on'])).code, 0);
    });

    it('remove says the login stays until it expires; remove --logout takes it out of the file, keeping every other entry', async () => {
      const host = stack.registries[0].host;
      assert.equal((await stack.cli(['login', 'r0'])).code, 0);
      const rm = await stack.cli(['remove', 'r0']);
      assert.equal(rm.code, 0, rm.stderr);
      assert.match(
        rm.stdout,
        new RegExp(
          `Its login to ${host.replace(/[.]/g, '\\.')} stays in docker's credentials until it expires \\(\\d{4}-`,
        ),
      );
      assert.ok(readConfigJson(stack.dockerConfigFile).auths![host], 'still there');
      assert.equal((await stack.cli(addArgs(stack, 'again', host))).code, 0);
      assert.equal((await stack.cli(['login', 'again'])).code, 0);
      const cfgBefore = readConfigJson(stack.dockerConfigFile);
      const out = await stack.cli(['remove', 'again', '--logout']);
      assert.equal(out.code, 0, out.stderr);
      assert.match(
        out.stdout,
        new RegExp(
          `Removed again and its login to ${host.replace(/[.]/g, '\\.')} \\(from ${stack.dockerConfigFile.replace(/[.]/g, '\\.')}\\)`,
        ),
      );
      const cfg = readConfigJson(stack.dockerConfigFile);
      assert.equal(cfg.auths![host], undefined);
      const others = { ...cfgBefore.auths! };
      delete others[host];
      assert.deepEqual(cfg.auths, others, 'every other entry kept');
      assert.ok(Object.keys(others).length >= 2);
      assert.match(readFileSync(stack.dockerConfigFile, 'utf8'), /^\{\n\t"/, "docker's tab indentation kept");
    });

    it("a closed pipe (status | head -1) ends quietly with the command's own exit code", async () => {
      for (const cmd of ['status', 'list', 'config']) {
        // The reader is gone before the CLI writes anything: every write meets EPIPE.
        const child = spawnCli([cmd], {
          env: stack.env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.destroy();
        let err = '';
        child.stderr.on('data', (d) => {
          err += d;
        });
        const code = await new Promise((r) => child.on('close', r));
        assert.equal(err, '', `${cmd}: ${err}`);
        assert.equal(code, 0, cmd);
      }
    });
  },
);
