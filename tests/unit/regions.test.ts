// Region checks at the door: the list is the installed AWS SDK's own partition data, a typo is
// refused naming the likely region, a region-shaped newcomer is accepted with a warning, and a
// profile missing from the AWS files is accepted with a warning naming the files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partition } from '@aws-sdk/core/client';
import {
  checkRegion,
  closestRegion,
  editDistance,
  isRegistry,
  KNOWN_REGIONS,
  validateRegistryInput,
} from '../../src/core/registry';
// @ts-expect-error: a plain .mjs build script without type declarations
import { readSdkPartitions as readSdkPartitionsUntyped } from '../../scripts/aws-regions.mjs';

// Its shape as far as these tests read it (the script has no declarations).
const readSdkPartitions = readSdkPartitionsUntyped as () => { partitions: { regions: string[] }[] };

test("the region list is exactly the installed SDK's partition data, and the SDK knows each one", () => {
  const sdk = readSdkPartitions();
  const fromSdk = sdk.partitions.flatMap((p) => p.regions).filter((r) => r !== 'eusc-de-east-1');
  assert.deepEqual([...KNOWN_REGIONS].sort(), fromSdk.sort());
  for (const r of KNOWN_REGIONS)
    assert.ok((partition(r) as { description?: string }).description, `${r} is a known region of the SDK`);
  for (const r of ['us-east-1', 'eu-west-1', 'cn-north-1', 'us-gov-west-1', 'ap-southeast-2'])
    assert.ok(KNOWN_REGIONS.includes(r));
});

test('edit distance counts a swap of neighbours as one edit', () => {
  assert.equal(editDistance('us-esat-1', 'us-east-1'), 1);
  assert.equal(editDistance('us-east1', 'us-east-1'), 1);
  assert.equal(editDistance('eu-wset-1', 'eu-west-1'), 1);
  assert.equal(editDistance('abc', 'abc'), 0);
  assert.equal(editDistance('', 'ab'), 2);
});

test('typos are refused with the likely region; region-shaped unknowns pass with a warning; known regions pass silently', () => {
  const refused: [string, string | null][] = [
    ['us-esat-1', 'us-east-1'],
    ['us-east1', 'us-east-1'],
    ['eu-wset-1', 'eu-west-1'],
    ['ap-southest-2', 'ap-southeast-2'],
    ['us-gov-wes-1', 'us-gov-west-1'],
    ['cn-nroth-1', 'cn-north-1'],
    ['US-EAST-1', 'us-east-1'],
    ['mars-1', null],
    ['xx-east-1', 'ap-east-1'],
    ['qq-zzzzz-7', null],
  ];
  for (const [region, near] of refused) {
    const r = checkRegion(region);
    assert.equal(r.ok, false, region);
    if (!r.ok)
      assert.match(
        r.message,
        near ? new RegExp(`did you mean ${near}\\?`) : /expected something like us-east-1/,
        region,
      );
  }
  for (const region of ['eu-west-9', 'ap-southeast-12', 'us-gov-east-3', 'me-north-1']) {
    const r = checkRegion(region);
    assert.ok(r.ok && r.warning, region);
    if (r.ok)
      assert.match(
        r.warning,
        /not in the region list of this ECR Keeper's AWS SDK \(@aws-sdk\/core [\d.]+\): fine if it is a new region/,
      );
  }
  for (const region of ['us-east-1', 'eu-central-2', 'cn-northwest-1', 'us-iso-east-1'])
    assert.deepEqual(checkRegion(region), { ok: true });
  assert.equal(closestRegion('zz-zzzzz-9'), undefined);
});

test('validateRegistryInput returns the warnings as data and the errors as before', () => {
  const bad = validateRegistryInput({ name: 'x', region: 'us-esat-1' });
  assert.equal(bad.ok, false);
  if (!bad.ok)
    assert.deepEqual(bad.errors, [
      { field: 'region', message: 'Region "us-esat-1" is not an AWS region: did you mean us-east-1?' },
    ]);
  const newer = validateRegistryInput({ name: 'x', region: 'eu-west-9' });
  assert.ok(newer.ok);
  if (newer.ok)
    assert.deepEqual(
      newer.warnings.map((w) => w.field),
      ['region'],
    );
  const files = ['/home/u/.aws/config', '/home/u/.aws/credentials'];
  const missing = validateRegistryInput(
    { name: 'x', region: 'us-east-1', profile: 'prod' },
    { profiles: { names: ['default', 'dev'], files } },
  );
  assert.ok(missing.ok);
  if (missing.ok)
    assert.deepEqual(missing.warnings, [
      {
        field: 'profile',
        message:
          'AWS profile "prod" is not in /home/u/.aws/config or /home/u/.aws/credentials: refreshes will fail with profile-not-found until it is added there.',
      },
    ]);
  const present = validateRegistryInput(
    { name: 'x', region: 'us-east-1', profile: 'dev' },
    { profiles: { names: ['default', 'dev'], files } },
  );
  assert.ok(present.ok && present.warnings.length === 0);
});

test('a registry stored before a stricter rule is still read back (only its shape is checked)', () => {
  assert.equal(
    isRegistry({
      id: 'a',
      name: 'old',
      kind: 'private',
      region: 'us-esat-1',
      tool: 'docker',
      enabled: true,
      autoRefresh: true,
    }),
    true,
  );
  assert.equal(
    isRegistry({
      id: 'a',
      name: 'old',
      kind: 'private',
      region: 'mars',
      tool: 'docker',
      enabled: true,
      autoRefresh: true,
    }),
    false,
  );
});
