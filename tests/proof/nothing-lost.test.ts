// Proof: nothing is lost. 20 registries over docker and 20 over podman (the same 20 loopback
// hosts), refreshed all at once by one keeper into credential files that already hold other
// people's entries, round after round. docker and podman read-modify-write their file without a
// lock, so any missing serialisation shows up here as a lost entry.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { needTools, TOOLS } from '../fixtures/tools';
import { startStack, type Stack } from '../fixtures/stack';
import { readConfigJson } from '../fixtures/registry';
import type { DockerAuthEntry, DockerConfig } from '../../src/core/docker-config';
import { hostsOf, realKeeper, registryInput, type RealKeeper } from './helpers';
import { assertStatusTruth } from './status-truth';

const skip = needTools(TOOLS.docker, TOOLS.podman, TOOLS.registry);
const ROUNDS = 5;
const theirs = (user: string) => Buffer.from(`${user}:someone-elses-not-a-secret`).toString('base64');

// Two shapes of an existing docker config, alternated by round: plain auths (no credsStore), and
// one with credHelpers for other hosts plus unrelated top-level keys docker must keep.
/** Other people's docker configs; each has an `auths` of its own. */
const DOCKER_SEEDS: (DockerConfig & { auths: Record<string, DockerAuthEntry> })[] = [
  {
    auths: {
      'ghcr.io': { auth: theirs('gh-user') },
      'https://index.docker.io/v1/': { auth: theirs('hub-user') },
      '999999999999.dkr.ecr.eu-west-1.amazonaws.com': { auth: theirs('AWS') },
    },
  },
  {
    auths: { 'quay.io': { auth: theirs('quay-user') }, 'registry.example.invalid:5000': { auth: theirs('x') } },
    credHelpers: {
      'gcr.io': 'gcloud',
      'us-docker.pkg.dev': 'gcloud',
      '888888888888.dkr.ecr.us-west-2.amazonaws.com': 'ecr-login',
    },
    proxies: { default: { noProxy: '127.0.0.1,localhost' } },
    detachKeys: 'ctrl-e,e',
  },
];
const PODMAN_SEED = {
  auths: { 'registry.redhat.io': { auth: theirs('rh-user') }, 'docker.io': { auth: theirs('hub-user') } },
};

describe('nothing lost: 40 concurrent logins into shared credential files', { skip }, () => {
  let stack: Stack;
  let rk: RealKeeper;
  let hosts: string[];
  let podmanFile: string;

  before(async () => {
    stack = await startStack({ registries: 10, dockerConfig: DOCKER_SEEDS[0] });
    hosts = hostsOf(stack);
    assert.equal(hosts.length, 20);
    podmanFile = stack.env.REGISTRY_AUTH_FILE!;
    mkdirSync(dirname(podmanFile), { recursive: true });
    rk = realKeeper(stack);
    for (const [i, h] of hosts.entries()) {
      rk.keeper.addRegistry(registryInput(stack, `d${i}`, h, 'docker'));
      rk.keeper.addRegistry(registryInput(stack, `p${i}`, h, 'podman'));
    }
  });
  after(async () => {
    await rk?.keeper.stop();
    await stack?.stop();
  });
  // The proof suite's invariant: every registry `status` calls valid opens its registry.
  afterEach(async () => {
    if (stack) await assertStatusTruth(stack.env);
  });

  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: every entry, ours and theirs, is present afterwards`, async () => {
      const dockerSeed = DOCKER_SEEDS[round % DOCKER_SEEDS.length];
      // Each round starts from the other people's entries only, so each round must add all 40.
      writeFileSync(stack.dockerConfigFile, JSON.stringify(dockerSeed, null, 2));
      writeFileSync(podmanFile, JSON.stringify(PODMAN_SEED, null, 2));

      const results = await rk.keeper.refreshAll();
      assert.equal(results.length, 40);
      for (const r of results) assert.equal(r.error, null, `${r.name}: ${r.error?.message}`);
      assert.ok(
        results.every((r) => r.state === 'valid'),
        results.map((r) => `${r.name}=${r.state}`).join(' '),
      );

      const docker = readConfigJson(stack.dockerConfigFile);
      const podman = readConfigJson(podmanFile);
      const expectedAuth = Buffer.from(`AWS:${stack.password}`).toString('base64');
      for (const h of hosts) {
        assert.equal(docker.auths?.[h]?.auth, expectedAuth, `docker entry for ${h}`);
        assert.equal(podman.auths?.[h]?.auth, expectedAuth, `podman entry for ${h}`);
      }
      // Theirs: byte-for-byte the same values, and the other top-level keys untouched.
      for (const [k, v] of Object.entries(dockerSeed.auths))
        assert.deepEqual(docker.auths![k], v, `their docker entry ${k}`);
      for (const [k, v] of Object.entries(PODMAN_SEED.auths))
        assert.deepEqual(podman.auths![k], v, `their podman entry ${k}`);
      for (const key of ['credHelpers', 'proxies', 'detachKeys']) {
        if (key in dockerSeed) assert.deepEqual(docker[key], dockerSeed[key], key);
      }
      assert.equal(Object.keys(docker.auths!).length, Object.keys(dockerSeed.auths).length + 20);
      assert.equal(Object.keys(podman.auths!).length, Object.keys(PODMAN_SEED.auths).length + 20);
    });
  }

  it('one GetAuthorizationToken served all 40 logins of all rounds (single flight + cache)', () => {
    assert.equal(stack.emu.calls.length, 1);
  });
});
