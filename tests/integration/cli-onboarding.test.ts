// Onboarding and everyday CLI use on the real stack (built dist/cli.js, the real SDK against the
// ECR emulator, real docker against loopback registries): discover, the mistakes `add` catches,
// edit and config, status exit codes, remove, closed pipes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { needTools, TOOLS } from '../fixtures/tools';
import { addArgs, FAKE_ACCOUNT, startStack, type Stack } from '../fixtures/stack';

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
    writeFileSync(podmanFile, JSON.stringify({ auths: { '222233334444.dkr-ecr.eu-central-1.on.aws': AUTH, 'quay.io': AUTH } }));
    helmFile = join(stack.env.XDG_CONFIG_HOME!, 'helm', 'registry', 'config.json');
    mkdirSync(join(stack.env.XDG_CONFIG_HOME!, 'helm', 'registry'), { recursive: true });
    writeFileSync(helmFile, JSON.stringify({ auths: { 'public.ecr.aws': AUTH, 'public.ecr.aws.evil.example': AUTH } }));
    writeFileSync(stack.env.AWS_CONFIG_FILE!, '[default]\nregion = us-east-1\n\n[profile dev]\nsso_account_id = 111122223333\nsso_role_name = Dev\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n\n[profile ci]\nrole_arn = arn:aws:iam::222233334444:role/ci\nsource_profile = default\n\n[profile ci2]\nrole_arn = arn:aws:iam::222233334444:role/admin\nsource_profile = default\n');
  });
  after(async () => { await stack?.stop(); });

  it('--json lists every ECR host in docker, podman and helm files (look-alikes left out), with profile and kept', async () => {
    const dockerBefore = readFileSync(stack.dockerConfigFile, 'utf8');
    const r = await stack.cli(['discover', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(rows.map((x) => x.host), [
      '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
      `${FAKE_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
      '222233334444.dkr-ecr.eu-central-1.on.aws',
      '444455556666.dkr.ecr-fips.us-east-2.amazonaws.com',
      'public.ecr.aws',
    ]);
    for (const row of rows) for (const k of ['host', 'accountId', 'region', 'kind', 'foundIn', 'helper', 'profile', 'kept']) assert.ok(k in row, k);
    const by = new Map(rows.map((x) => [x.host as string, x]));
    assert.equal(by.get('111122223333.dkr.ecr.eu-west-1.amazonaws.com')!.profile, 'dev');
    assert.equal(by.get('222233334444.dkr-ecr.eu-central-1.on.aws')!.profile, null);
    assert.deepEqual(by.get('222233334444.dkr-ecr.eu-central-1.on.aws')!.candidates, ['ci', 'ci2']);
    assert.deepEqual(by.get('222233334444.dkr-ecr.eu-central-1.on.aws')!.foundIn, [podmanFile]);
    assert.equal(by.get('444455556666.dkr.ecr-fips.us-east-2.amazonaws.com')!.helper, 'ecr-login');
    assert.deepEqual(by.get('public.ecr.aws')!, { host: 'public.ecr.aws', accountId: null, region: null, kind: 'public', foundIn: [helmFile], helper: null, profile: null, candidates: [], kept: false });
    assert.equal(readFileSync(stack.dockerConfigFile, 'utf8'), dockerBefore, 'discover changes nothing');
    const human = await stack.cli(['discover']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /one of ci, ci2/);
    assert.match(human.stdout, /ecr-keeper discover --add/);
  });

  it('static keys: the account seen in an earlier token makes discover suggest that profile', async () => {
    const add = await stack.cli(addArgs(stack, 'loop', stack.registries[0]!.host, ['--profile', 'default']));
    assert.equal(add.code, 0, add.stderr);
    const login = await stack.cli(['login', 'loop']);
    assert.equal(login.code, 0, login.stderr);
    const rows = JSON.parse((await stack.cli(['discover', '--json'])).stdout) as { host: string; profile: string | null }[];
    assert.equal(rows.find((x) => x.host === `${FAKE_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`)!.profile, 'default');
  });

  it('--add adds every host not yet kept, named readably, says how to hand over ecr-login hosts; a second run adds nothing', async () => {
    const dockerBefore = readFileSync(stack.dockerConfigFile, 'utf8');
    const r = await stack.cli(['discover', '--add']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Added 111122223333-eu-west-1 \(111122223333\.dkr\.ecr\.eu-west-1\.amazonaws\.com, docker, profile dev\)/);
    assert.match(r.stdout, /Added 222233334444-eu-central-1-dualstack \(222233334444\.dkr-ecr\.eu-central-1\.on\.aws, podman, the default credential chain\)/);
    assert.match(r.stdout, /several profiles match account 222233334444 \(ci, ci2\); choose one: ecr-keeper edit 222233334444-eu-central-1-dualstack --profile PROFILE/);
    assert.match(r.stdout, /Added 444455556666-us-east-2-fips/);
    assert.match(r.stdout, /handled by the ecr-login credential helper.*remove its "ecr-login" entry from "credHelpers"/);
    assert.match(r.stdout, /Added ecr-public \(public\.ecr\.aws, docker/);
    assert.match(r.stdout, /Added 123456789012-us-east-1 /);
    assert.equal(readFileSync(stack.dockerConfigFile, 'utf8'), dockerBefore, 'the user\'s files are not changed');
    const list = JSON.parse((await stack.cli(['list', '--json'])).stdout) as { name: string; registryHost?: string; tool: string; profile?: string }[];
    assert.equal(list.find((x) => x.name === '444455556666-us-east-2-fips')!.registryHost, '444455556666.dkr.ecr-fips.us-east-2.amazonaws.com');
    const again = await stack.cli(['discover', '--add']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Every ECR registry found is already kept/);
    const rows = JSON.parse((await stack.cli(['discover', '--json'])).stdout) as { kept: boolean }[];
    assert.ok(rows.every((x) => x.kept));
  });
});

describe('add catches mistakes at the door', { skip }, () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ registries: 1 }); });
  after(async () => { await stack?.stop(); });

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
    assert.deepEqual(lines, [`warning: AWS profile "nope" is not in ${stack.env.AWS_CONFIG_FILE} or ${stack.env.AWS_SHARED_CREDENTIALS_FILE}: refreshes will fail with profile-not-found until it is added there.`]);
    const ok = await stack.cli(['add', 'fine', '--region', 'us-east-1', '--profile', 'default']);
    assert.equal(ok.code, 0);
    assert.equal(ok.stderr, '');
    const names = (JSON.parse(readFileSync(settings, 'utf8')) as { registries: { name: string }[] }).registries.map((r) => r.name);
    assert.deepEqual(names, ['newer', 'prof', 'fine']);
  });

  it('an --account other than the token\'s is reported as such after the first token, not as a network error', async () => {
    const add = await stack.cli(['add', 'other', '--region', 'us-east-1', '--account', '999988887777', '--api-endpoint', stack.emu.url]);
    assert.equal(add.code, 0, add.stderr);
    const r = await stack.cli(['login', 'other']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /account-mismatch: other is set to account 999988887777, but the default AWS credentials sign in to account 123456789012; logging in to 999988887777\.dkr\.ecr\.us-east-1\.amazonaws\.com failed/);
    assert.match(r.stderr, /fix: If 999988887777 is a typo: ecr-keeper edit other --account 123456789012/);
    const s = JSON.parse((await stack.cli(['status', '--json'])).stdout) as { name: string; error: { category: string } | null }[];
    assert.equal(s.find((x) => x.name === 'other')!.error!.category, 'account-mismatch');
  });
});
