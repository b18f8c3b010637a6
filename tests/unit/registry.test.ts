import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deriveHost,
  isEcrHost,
  parseEcrHost,
  partitionOf,
  registryHostOf,
  validateRegistryInput,
  type Registry,
} from '../../src/core/registry';

test('host derivation per partition', () => {
  assert.equal(deriveHost('123456789012', 'us-east-1'), '123456789012.dkr.ecr.us-east-1.amazonaws.com');
  assert.equal(deriveHost('123456789012', 'cn-north-1'), '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn');
  assert.equal(
    deriveHost('123456789012', 'us-gov-west-1', { fips: true }),
    '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
  );
  assert.equal(deriveHost('123456789012', 'eu-west-1', { dualStack: true }), '123456789012.dkr-ecr.eu-west-1.on.aws');
  assert.equal(
    deriveHost('123456789012', 'cn-northwest-1', { dualStack: true }),
    '123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn',
  );
  assert.equal(deriveHost('123456789012', 'us-iso-east-1'), '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov');
  assert.equal(partitionOf('us-gov-east-1'), 'aws-us-gov');
  assert.equal(partitionOf('us-isob-east-1'), 'aws-iso-b');
});

test('ECR hosts are recognised and look-alikes rejected', () => {
  for (const h of [
    '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr-fips.us-east-2.amazonaws.com',
    '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
    '123456789012.dkr-ecr.us-west-2.on.aws',
    '123456789012.dkr-ecr-fips.us-gov-west-1.on.aws',
    'public.ecr.aws',
  ])
    assert.ok(isEcrHost(h), h);
  for (const h of [
    '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com.cn', // commercial region with China suffix
    '123456789012.dkr.ecr.cn-north-1.amazonaws.com', // China region with commercial suffix
    '12345678901.dkr.ecr.us-east-1.amazonaws.com', // 11 digits
    '123456789012.dkr.ecr.us-east-1.evil.com',
    'evil.example/123456789012.dkr.ecr.us-east-1.amazonaws.com',
    'xx123456789012.dkr.ecr.us-east-1.amazonaws.com',
  ])
    assert.equal(isEcrHost(h), false, h);
  assert.deepEqual(parseEcrHost('123456789012.dkr.ecr.eu-central-1.amazonaws.com'), {
    accountId: '123456789012',
    region: 'eu-central-1',
    partition: 'aws',
    fips: false,
    dualStack: false,
  });
});

test('valid input normalises with defaults', () => {
  const v = validateRegistryInput({ name: 'prod', region: 'eu-west-1', accountId: '123456789012' });
  assert.ok(v.ok);
  assert.deepEqual(v.value, {
    name: 'prod',
    kind: 'private',
    region: 'eu-west-1',
    tool: 'docker',
    enabled: true,
    autoRefresh: true,
    accountId: '123456789012',
  });
  const pub = validateRegistryInput({ name: 'pub', kind: 'public' });
  assert.ok(pub.ok);
  assert.equal(pub.value.region, 'us-east-1');
});

function problems(input: unknown, existing: Registry[] = []): string[] {
  const v = validateRegistryInput(input, { existing });
  assert.equal(v.ok, false, `expected rejection of ${JSON.stringify(input)}`);
  return v.ok ? [] : v.errors.map((e) => `${e.field}: ${e.message}`);
}

test('every rejection names the problem and what is expected', () => {
  assert.match(problems({ region: 'us-east-1' })[0], /^name: Name is required/);
  assert.match(problems({ name: 'a b', region: 'us-east-1' })[0], /^name: .*letters, digits/);
  assert.match(problems({ name: 'x;rm -rf /', region: 'us-east-1' })[0], /^name: /);
  assert.match(
    problems({ name: 'x', region: 'moon-1' })[0],
    /^region: Region "moon-1" is not an AWS region: expected something like us-east-1/,
  );
  assert.match(problems({ name: 'x' })[0], /^region: Region is required/);
  assert.match(problems({ name: 'x', region: 'us-east-1', accountId: '1234' })[0], /^accountId: .*exactly 12 digits/);
  assert.match(
    problems({ name: 'x', region: 'us-east-1', tool: 'nerdctl' })[0],
    /^tool: .*use "docker", "podman", "helm"/,
  );
  assert.match(problems({ name: 'x', region: 'us-east-1', profile: 'dev$(id)' })[0], /^profile: /);
  assert.match(
    problems({
      name: 'x',
      region: 'us-east-1',
      registryHost: '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example',
    })[0],
    /^registryHost: .*looks like an ECR host but is not one/,
  );
  assert.match(
    problems({ name: 'x', region: 'us-east-1', registryHost: 'https://x.example' })[0],
    /^registryHost: .*no scheme/,
  );
  assert.match(
    problems({ name: 'x', region: 'us-east-1', registryHost: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' })[0],
    /^registryHost: .*in eu-west-1 but the region is us-east-1/,
  );
  assert.match(
    problems({ name: 'x', region: 'us-east-1', apiEndpoint: 'http://api.ecr.us-east-1.amazonaws.com' })[0],
    /^apiEndpoint: .*https:\/\//,
  );
  assert.match(
    problems({ name: 'x', region: 'us-east-1', apiEndpoint: 'not a url' })[0],
    /^apiEndpoint: .*must be a URL/,
  );
  assert.match(
    problems({ name: 'x', region: 'us-east-1', apiEndpoint: 'https://u:p@example.com' })[0],
    /^apiEndpoint: .*user name or password/,
  );
  assert.match(
    problems({ name: 'x', kind: 'public', region: 'eu-west-1' })[0],
    /^region: ECR Public tokens come only from us-east-1/,
  );
  assert.match(problems({ name: 'x', region: 'us-east-1', extra: 1 })[0], /^input: Unknown field "extra"/);
  assert.match(problems({ name: 5, region: 'us-east-1' })[0], /^name: Name must be a text value/);
  assert.match(problems(null)[0], /^input: /);
  assert.match(problems('prod')[0], /^input: /);
  const existing: Registry[] = [
    { id: 'a', name: 'Prod', kind: 'private', region: 'us-east-1', tool: 'docker', enabled: true, autoRefresh: true },
  ];
  assert.match(problems({ name: 'prod', region: 'us-east-1' }, existing)[0], /already exists/);
});

test('loopback hosts and http endpoints are allowed for test registries and emulators', () => {
  const v = validateRegistryInput({
    name: 'local',
    region: 'us-east-1',
    registryHost: '127.0.0.1:5000',
    apiEndpoint: 'http://127.0.0.1:4566',
  });
  assert.ok(v.ok);
  const vpce = validateRegistryInput({
    name: 'vpce',
    region: 'us-east-1',
    registryHost: 'vpce-0abc123-xyz.dkr.ecr.us-east-1.vpce.amazonaws.com',
  });
  assert.ok(vpce.ok);
});

test('registryHostOf: override, public, derived, from proxy endpoint', () => {
  const base: Registry = {
    id: '1',
    name: 'a',
    kind: 'private',
    region: 'us-west-2',
    tool: 'docker',
    enabled: true,
    autoRefresh: true,
  };
  assert.equal(registryHostOf({ ...base, accountId: '123456789012' }), '123456789012.dkr.ecr.us-west-2.amazonaws.com');
  assert.equal(
    registryHostOf({ ...base, accountId: '123456789012', apiEndpoint: 'https://ecr-fips.us-west-2.amazonaws.com' }),
    '123456789012.dkr.ecr-fips.us-west-2.amazonaws.com',
  );
  assert.equal(registryHostOf({ ...base, registryHost: 'localhost:5000' }), 'localhost:5000');
  assert.equal(registryHostOf({ ...base, kind: 'public', region: 'us-east-1' }), 'public.ecr.aws');
  assert.equal(registryHostOf(base), undefined);
  assert.equal(
    registryHostOf(base, '999999999999.dkr.ecr.us-west-2.amazonaws.com'),
    '999999999999.dkr.ecr.us-west-2.amazonaws.com',
  );
});

test('a registry host that is not an ECR host is allowed with a warning about where the password goes', () => {
  const warned = (input: Record<string, unknown>) => {
    const v = validateRegistryInput(input);
    assert.ok(v.ok);
    return v.ok ? v.warnings.filter((w) => w.field === 'registryHost').map((w) => w.message) : [];
  };
  assert.match(
    warned({ name: 'm', region: 'us-east-1', registryHost: 'mirror.example.com' })[0] ?? '',
    /ECR password will be sent to mirror\.example\.com/,
  );
  assert.match(warned({ name: 'p', kind: 'public', registryHost: 'other.example' })[0] ?? '', /other\.example/);
  assert.deepEqual(
    warned({ name: 'e', region: 'us-east-1', registryHost: '123456789012.dkr.ecr.us-east-1.amazonaws.com' }),
    [],
  );
  assert.deepEqual(
    warned({ name: 'v', region: 'us-east-1', registryHost: 'vpce-0abc-1234.dkr.ecr.us-east-1.vpce.amazonaws.com' }),
    [],
  );
  assert.deepEqual(warned({ name: 'q', kind: 'public', registryHost: 'public.ecr.aws' }), []);
  assert.deepEqual(
    warned({ name: 'l', region: 'us-east-1', registryHost: '127.0.0.1:5000' }),
    [],
    'loopback: the password stays on this machine',
  );
});

test('the field table: a changed identity field makes the old login stale, a name or switch does not; labels and type checks per field', async () => {
  const { identityChanged, labelOf, REGISTRY_FIELD_NAMES } = await import('../../src/core/registry');
  const a: Registry = {
    id: '1',
    name: 'prod',
    kind: 'private',
    region: 'us-east-1',
    accountId: '123456789012',
    profile: 'p',
    tool: 'docker',
    enabled: true,
    autoRefresh: true,
    registryHost: 'h.example',
    apiEndpoint: 'https://e.example',
  };
  const changed: Record<string, unknown> = {
    name: 'other',
    kind: 'public',
    region: 'eu-west-1',
    accountId: '210987654321',
    profile: 'q',
    tool: 'podman',
    enabled: false,
    autoRefresh: false,
    registryHost: 'g.example',
    apiEndpoint: undefined,
  };
  const stale = REGISTRY_FIELD_NAMES.filter((f) => identityChanged(a, { ...a, [f]: changed[f] }));
  assert.deepEqual(stale.sort(), ['accountId', 'apiEndpoint', 'kind', 'profile', 'region', 'registryHost', 'tool']);
  assert.equal(labelOf('accountId'), 'Account ID');
  assert.equal(labelOf('input'), 'Input');
  const v = validateRegistryInput({ name: 'x', region: 'us-east-1', enabled: 'yes', autoRefresh: 1, registryHost: 5 });
  assert.deepEqual(v.ok ? [] : v.errors.map((e) => `${e.field}: ${e.message}`), [
    'registryHost: Registry host must be a text value.',
    'enabled: Enabled must be a true/false value.',
    'autoRefresh: Auto-refresh must be a true/false value.',
  ]);
});
