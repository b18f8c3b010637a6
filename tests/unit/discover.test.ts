// discover: which keys of the credential files are ECR hosts (every partition and form, no
// look-alikes), which profile signs in to each, and what `--add` would add. The pure parts run on
// hand-made file contents; discoverOnMachine runs on real files in a temporary home.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentialFiles,
  discoverHosts,
  discoverOnMachine,
  ecrHostOfKey,
  helmRegistryConfigPath,
  matchingProfiles,
  nameForHost,
  planAdditions,
  type ReadCredentialFile,
} from '../../src/core/discover';
import { accountOfSection } from '../../src/core/aws-profiles';
import { validateRegistryInput } from '../../src/core/registry';

const AUTH = { auth: Buffer.from('AWS:not-a-real-password').toString('base64') };

/** Every host form ECR has, keyed as people and tools write them. */
const ECR_KEYS: Record<
  string,
  { host: string; accountId: string | null; region: string | null; fips?: boolean; dualStack?: boolean; kind?: string }
> = {
  '111122223333.dkr.ecr.eu-west-1.amazonaws.com': {
    host: '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
    accountId: '111122223333',
    region: 'eu-west-1',
  },
  'https://222233334444.dkr.ecr.us-east-1.amazonaws.com/v2/': {
    host: '222233334444.dkr.ecr.us-east-1.amazonaws.com',
    accountId: '222233334444',
    region: 'us-east-1',
  },
  'https://333344445555.dkr.ecr.ap-southeast-2.amazonaws.com': {
    host: '333344445555.dkr.ecr.ap-southeast-2.amazonaws.com',
    accountId: '333344445555',
    region: 'ap-southeast-2',
  },
  '444455556666.dkr.ecr-fips.us-east-2.amazonaws.com': {
    host: '444455556666.dkr.ecr-fips.us-east-2.amazonaws.com',
    accountId: '444455556666',
    region: 'us-east-2',
    fips: true,
  },
  '555566667777.dkr-ecr.eu-central-1.on.aws': {
    host: '555566667777.dkr-ecr.eu-central-1.on.aws',
    accountId: '555566667777',
    region: 'eu-central-1',
    dualStack: true,
  },
  '555566667777.dkr-ecr-fips.us-west-2.on.aws': {
    host: '555566667777.dkr-ecr-fips.us-west-2.on.aws',
    accountId: '555566667777',
    region: 'us-west-2',
    fips: true,
    dualStack: true,
  },
  '666677778888.dkr.ecr.cn-north-1.amazonaws.com.cn': {
    host: '666677778888.dkr.ecr.cn-north-1.amazonaws.com.cn',
    accountId: '666677778888',
    region: 'cn-north-1',
  },
  '666677778888.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn': {
    host: '666677778888.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn',
    accountId: '666677778888',
    region: 'cn-northwest-1',
    dualStack: true,
  },
  '777788889999.dkr.ecr.us-gov-west-1.amazonaws.com': {
    host: '777788889999.dkr.ecr.us-gov-west-1.amazonaws.com',
    accountId: '777788889999',
    region: 'us-gov-west-1',
  },
  '777788889999.dkr.ecr-fips.us-gov-east-1.amazonaws.com': {
    host: '777788889999.dkr.ecr-fips.us-gov-east-1.amazonaws.com',
    accountId: '777788889999',
    region: 'us-gov-east-1',
    fips: true,
  },
  '888899990000.dkr.ecr.us-iso-east-1.c2s.ic.gov': {
    host: '888899990000.dkr.ecr.us-iso-east-1.c2s.ic.gov',
    accountId: '888899990000',
    region: 'us-iso-east-1',
  },
  '888899990000.dkr.ecr.us-isob-east-1.sc2s.sgov.gov': {
    host: '888899990000.dkr.ecr.us-isob-east-1.sc2s.sgov.gov',
    accountId: '888899990000',
    region: 'us-isob-east-1',
  },
  'public.ecr.aws': { host: 'public.ecr.aws', accountId: null, region: null, kind: 'public' },
  '999900001111.DKR.ECR.SA-EAST-1.AMAZONAWS.COM:443': {
    host: '999900001111.dkr.ecr.sa-east-1.amazonaws.com',
    accountId: '999900001111',
    region: 'sa-east-1',
  },
};

/** Look-alikes and other registries: none of these may be listed. */
const NOT_ECR = [
  '111122223333.dkr.ecr.eu-west-1.amazonaws.com.evil.example',
  'https://111122223333.dkr.ecr.eu-west-1.amazonaws.com.evil.example/v2/',
  '111122223333.dkr.ecr.eu-west-1.amazonaws.co',
  '11112222333.dkr.ecr.eu-west-1.amazonaws.com',
  '1111222233334.dkr.ecr.eu-west-1.amazonaws.com',
  'evil111122223333.dkr.ecr.eu-west-1.amazonaws.com',
  '111122223333.dkr.ecr.eu-west-1.amazonaws.com.cn',
  '111122223333.dkr.ecr.cn-north-1.amazonaws.com',
  '111122223333.dkr-ecr.eu-west-1.on.aws.evil.example',
  '111122223333.dkr.ecr.eu-west-1.on.aws',
  '111122223333.dkr.ecr.not_a_region.amazonaws.com',
  'public.ecr.aws.evil.example',
  'evilpublic.ecr.aws',
  'gallery.ecr.aws',
  'vpce-0abc123-xyz.dkr.ecr.us-east-1.vpce.amazonaws.com',
  'https://index.docker.io/v1/',
  'ghcr.io',
  'localhost:5000',
  'quay.io',
];

function file(
  tool: 'docker' | 'podman' | 'helm',
  path: string,
  config: ReadCredentialFile['config'],
): ReadCredentialFile {
  return { tool, path, config };
}

test('every ECR host form is recognised with its account, region and flavour; look-alikes are not', () => {
  for (const [key, want] of Object.entries(ECR_KEYS)) {
    const got = ecrHostOfKey(key);
    assert.ok(got, key);
    assert.equal(got.host, want.host, key);
    assert.equal(got.accountId, want.accountId, key);
    assert.equal(got.region, want.region, key);
    assert.equal(got.fips, want.fips ?? false, key);
    assert.equal(got.dualStack, want.dualStack ?? false, key);
    assert.equal(got.kind, want.kind ?? 'private', key);
  }
  for (const key of NOT_ECR) assert.equal(ecrHostOfKey(key), null, key);
});

test('discoverHosts lists every ECR host of every file once, with files, tools and helper; nothing else', () => {
  const auths: Record<string, typeof AUTH> = {};
  for (const k of [...Object.keys(ECR_KEYS), ...NOT_ECR]) auths[k] = AUTH;
  const files = [
    file('docker', '/h/.docker/config.json', {
      auths,
      credHelpers: {
        '111122223333.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login',
        'ghcr.io': 'gh',
        '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example': 'ecr-login',
        '123456789012.dkr.ecr.us-west-1.amazonaws.com': 'ecr-login',
      },
    }),
    file('podman', '/run/user/1/containers/auth.json', {
      auths: { '222233334444.dkr.ecr.us-east-1.amazonaws.com/team/repo': AUTH, 'quay.io': AUTH },
    }),
    file('helm', '/h/.config/helm/registry/config.json', {
      auths: { '210987654321.dkr.ecr.eu-north-1.amazonaws.com': AUTH, 'public.ecr.aws.evil.example': AUTH },
    }),
    file('podman', '/h/.config/containers/auth.json', null),
  ];
  const found = discoverHosts(files, [], [], []);
  const hosts = found.map((f) => f.host);
  const want = [
    ...new Set([
      ...Object.values(ECR_KEYS).map((v) => v.host),
      '123456789012.dkr.ecr.us-west-1.amazonaws.com',
      '210987654321.dkr.ecr.eu-north-1.amazonaws.com',
    ]),
  ].sort();
  assert.deepEqual(hosts, want);
  const byHost = new Map(found.map((f) => [f.host, f]));
  assert.equal(byHost.get('111122223333.dkr.ecr.eu-west-1.amazonaws.com')!.helper, 'ecr-login');
  // A host only in credHelpers (mapped to ecr-login, never in auths) is found too.
  assert.deepEqual(byHost.get('123456789012.dkr.ecr.us-west-1.amazonaws.com')!.foundIn, ['/h/.docker/config.json']);
  const both = byHost.get('222233334444.dkr.ecr.us-east-1.amazonaws.com')!;
  assert.deepEqual(both.foundIn, ['/h/.docker/config.json', '/run/user/1/containers/auth.json']);
  assert.deepEqual(both.tools, ['docker', 'podman']);
  assert.equal(both.helper, null);
  assert.deepEqual(byHost.get('210987654321.dkr.ecr.eu-north-1.amazonaws.com')!.tools, ['helm']);
  assert.equal(byHost.get('public.ecr.aws')!.accountId, null);
  assert.equal(byHost.get('public.ecr.aws')!.region, null);
});

test('a credsStore names the store as the helper', () => {
  const [d] = discoverHosts(
    [file('docker', '/c', { credsStore: 'desktop', auths: { '111122223333.dkr.ecr.eu-west-1.amazonaws.com': {} } })],
    [],
    [],
    [],
  );
  assert.equal(d.helper, 'desktop');
});

test('profile suggestion: sso_account_id and role_arn match; several are listed and none is chosen', () => {
  assert.equal(accountOfSection({ sso_account_id: '111122223333', sso_role_name: 'Dev' }), '111122223333');
  assert.equal(
    accountOfSection({ role_arn: 'arn:aws:iam::222233334444:role/ci', source_profile: 'base' }),
    '222233334444',
  );
  assert.equal(
    accountOfSection({ role_arn: 'arn:aws-cn:iam::666677778888:role/x', credential_source: 'Ec2InstanceMetadata' }),
    '666677778888',
  );
  assert.equal(
    accountOfSection({ role_arn: 'arn:aws-us-gov:iam::777788889999:role/x', source_profile: 'b' }),
    '777788889999',
  );
  // The assumed role's account, not the SSO account it starts from.
  assert.equal(
    accountOfSection({ role_arn: 'arn:aws:iam::222233334444:role/ci', sso_account_id: '111122223333' }),
    '222233334444',
  );
  assert.equal(accountOfSection({ aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'x' }), null);
  assert.equal(accountOfSection({ role_arn: 'arn:aws:iam::12345:role/x' }), null);

  const hints = [
    { name: 'dev', type: 'sso', accountId: '111122223333' },
    { name: 'ci', type: 'role', accountId: '222233334444' },
    { name: 'ci-admin', type: 'role', accountId: '222233334444' },
    { name: 'keys', type: 'static', accountId: null },
    { name: 'old-keys', type: 'static', accountId: null },
  ];
  const files = [
    file('docker', '/c', {
      auths: {
        '111122223333.dkr.ecr.eu-west-1.amazonaws.com': AUTH,
        '222233334444.dkr.ecr.us-east-1.amazonaws.com': AUTH,
        '333344445555.dkr.ecr.us-east-1.amazonaws.com': AUTH,
        '444455556666.dkr.ecr.us-east-1.amazonaws.com': AUTH,
      },
    }),
  ];
  // Static keys: their account is known only from an earlier token (state.json); a profile no longer in the files is ignored.
  const known = [
    { profile: 'keys', accountId: '333344445555' },
    { profile: null, accountId: '444455556666' },
    { profile: 'gone', accountId: '444455556666' },
  ];
  const by = new Map(discoverHosts(files, hints, known, []).map((d) => [d.accountId, d]));
  assert.equal(by.get('111122223333')!.profile, 'dev');
  assert.equal(by.get('222233334444')!.profile, null);
  assert.deepEqual(by.get('222233334444')!.candidates, ['ci', 'ci-admin']);
  assert.equal(by.get('333344445555')!.profile, 'keys');
  assert.equal(by.get('444455556666')!.profile, null);
  assert.deepEqual(by.get('444455556666')!.candidates, []);
  // Two static-key profiles seen with the same account: both listed, neither chosen.
  assert.deepEqual(
    matchingProfiles('333344445555', hints, [
      { profile: 'keys', accountId: '333344445555' },
      { profile: 'old-keys', accountId: '333344445555' },
    ]),
    ['keys', 'old-keys'],
  );
});

test('kept hosts are marked; planAdditions adds the rest with readable unique names, tool and profile, all valid input', () => {
  const files = [
    file('docker', '/d', {
      auths: {
        '111122223333.dkr.ecr.eu-west-1.amazonaws.com': AUTH,
        '444455556666.dkr.ecr-fips.us-east-2.amazonaws.com': AUTH,
        'public.ecr.aws': AUTH,
        '777788889999.dkr.ecr.us-gov-west-1.amazonaws.com': AUTH,
      },
      credHelpers: { '555566667777.dkr-ecr.eu-central-1.on.aws': 'ecr-login' },
    }),
    file('podman', '/p', {
      auths: {
        '222233334444.dkr.ecr.us-east-1.amazonaws.com': AUTH,
        '111122223333.dkr.ecr.eu-west-1.amazonaws.com': AUTH,
      },
    }),
    file('helm', '/h', { auths: { '666677778888.dkr.ecr.cn-north-1.amazonaws.com.cn': AUTH } }),
  ];
  const found = discoverHosts(
    files,
    [{ name: 'dev', type: 'sso', accountId: '111122223333' }],
    [],
    ['777788889999.dkr.ecr.us-gov-west-1.amazonaws.com'],
  );
  assert.equal(found.find((f) => f.host.startsWith('777788889999'))!.kept, true);
  const existing = [{ name: '111122223333-eu-west-1' }];
  const plan = planAdditions(found, existing);
  const by = new Map(plan.map((p) => [p.host, p]));
  assert.equal(by.has('777788889999.dkr.ecr.us-gov-west-1.amazonaws.com'), false, 'kept hosts are not added again');
  assert.deepEqual(by.get('111122223333.dkr.ecr.eu-west-1.amazonaws.com')!.input, {
    name: '111122223333-eu-west-1-2',
    kind: 'private',
    region: 'eu-west-1',
    accountId: '111122223333',
    tool: 'docker',
    profile: 'dev',
  });
  assert.equal(by.get('222233334444.dkr.ecr.us-east-1.amazonaws.com')!.input.tool, 'podman');
  assert.equal(by.get('666677778888.dkr.ecr.cn-north-1.amazonaws.com.cn')!.input.tool, 'docker');
  assert.deepEqual(by.get('444455556666.dkr.ecr-fips.us-east-2.amazonaws.com')!.input, {
    name: '444455556666-us-east-2-fips',
    kind: 'private',
    region: 'us-east-2',
    accountId: '444455556666',
    tool: 'docker',
    registryHost: '444455556666.dkr.ecr-fips.us-east-2.amazonaws.com',
  });
  assert.equal(by.get('555566667777.dkr-ecr.eu-central-1.on.aws')!.input.name, '555566667777-eu-central-1-dualstack');
  assert.equal(by.get('555566667777.dkr-ecr.eu-central-1.on.aws')!.ecrLogin, true);
  assert.deepEqual(by.get('public.ecr.aws')!.input, {
    name: 'ecr-public',
    kind: 'public',
    region: 'us-east-1',
    tool: 'docker',
  });
  // Everything planned passes the one validation module, names unique against each other too.
  const regs: { id: string; name: string }[] = existing.map((e, i) => ({ id: `e${i}`, ...e }));
  for (const p of plan) {
    const v = validateRegistryInput(p.input, { existing: regs as never });
    assert.ok(v.ok, `${p.host}: ${JSON.stringify(!v.ok && v.errors)}`);
    regs.push({ id: p.host, name: p.input.name });
  }
  assert.equal(planAdditions(found, existing, ['public.ecr.aws']).length, 1);
  assert.equal(
    nameForHost({ kind: 'private', accountId: '1', region: 'r', fips: true, dualStack: true }),
    '1-r-fips-dualstack',
  );
});

test('helm registry config path follows helm: HELM_REGISTRY_CONFIG, HELM_CONFIG_HOME, XDG_CONFIG_HOME, then the OS default', () => {
  assert.equal(
    helmRegistryConfigPath({ HELM_REGISTRY_CONFIG: '/x/reg.json', HELM_CONFIG_HOME: '/y' }, 'linux'),
    '/x/reg.json',
  );
  assert.equal(
    helmRegistryConfigPath({ HELM_CONFIG_HOME: '/y', XDG_CONFIG_HOME: '/z' }, 'linux'),
    '/y/registry/config.json',
  );
  assert.equal(helmRegistryConfigPath({ XDG_CONFIG_HOME: '/z', HOME: '/h' }, 'darwin'), '/z/helm/registry/config.json');
  assert.equal(helmRegistryConfigPath({ HOME: '/h' }, 'linux'), '/h/.config/helm/registry/config.json');
  assert.equal(helmRegistryConfigPath({ HOME: '/h' }, 'darwin'), '/h/Library/Preferences/helm/registry/config.json');
  assert.equal(
    helmRegistryConfigPath({ HOME: '/h', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32'),
    join('C:\\Users\\u\\AppData\\Roaming', 'helm', 'registry', 'config.json'),
  );
});

test('credentialFiles: docker, podman (auth file and its XDG fallback), helm; no duplicates', () => {
  const env = { HOME: '/h', XDG_RUNTIME_DIR: '/run/user/1' };
  assert.deepEqual(credentialFiles(env, 'linux'), [
    { tool: 'docker', path: '/h/.docker/config.json' },
    { tool: 'podman', path: '/run/user/1/containers/auth.json' },
    { tool: 'podman', path: '/h/.config/containers/auth.json' },
    { tool: 'helm', path: '/h/.config/helm/registry/config.json' },
  ]);
  // Without a runtime dir podman writes /run/containers/UID/auth.json and still reads the XDG file.
  assert.deepEqual(
    credentialFiles({ HOME: '/h' }, 'linux')
      .filter((f) => f.tool === 'podman')
      .map((f) => f.path),
    [`/run/containers/${process.getuid?.() ?? 0}/auth.json`, '/h/.config/containers/auth.json'],
  );
});

test('discoverOnMachine reads the real files of a home (no network): hosts, profiles from ~/.aws/config, a corrupt file warned about', async () => {
  const home = mkdtempSync(join(tmpdir(), 'ek-discover-'));
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    XDG_RUNTIME_DIR: join(home, 'run'),
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
  };
  mkdirSync(join(home, '.docker'));
  writeFileSync(
    join(home, '.docker', 'config.json'),
    JSON.stringify({ auths: { 'https://111122223333.dkr.ecr.eu-west-1.amazonaws.com/v2/': AUTH, 'ghcr.io': AUTH } }),
  );
  mkdirSync(join(home, 'run', 'containers'), { recursive: true });
  writeFileSync(join(home, 'run', 'containers', 'auth.json'), '{ not json');
  mkdirSync(join(home, '.config', 'helm', 'registry'), { recursive: true });
  writeFileSync(
    join(home, '.config', 'helm', 'registry', 'config.json'),
    JSON.stringify({ auths: { '222233334444.dkr.ecr.us-east-1.amazonaws.com': AUTH } }),
  );
  writeFileSync(
    env.AWS_CONFIG_FILE!,
    '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n\n[profile ci]\nrole_arn = arn:aws:iam::222233334444:role/ci\nsource_profile = dev\n',
  );
  writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, '');
  const r = await discoverOnMachine({ env, platform: 'linux', keptHosts: [] });
  assert.deepEqual(
    r.hosts.map((h) => [h.host, h.profile, h.foundIn]),
    [
      ['111122223333.dkr.ecr.eu-west-1.amazonaws.com', 'dev', [join(home, '.docker', 'config.json')]],
      [
        '222233334444.dkr.ecr.us-east-1.amazonaws.com',
        'ci',
        [join(home, '.config', 'helm', 'registry', 'config.json')],
      ],
    ],
  );
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /auth\.json .*not valid JSON/);
  assert.equal(r.searched.length, 4);
});
