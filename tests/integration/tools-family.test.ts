// The other login targets, with the real tools: helm (charts in an OCI registry) through
// `--tool helm`, and the containers family (podman, skopeo, buildah) through `--tool podman`.
// The keeper logs in through the real CLI against the test stack (ECR emulator, loopback
// docker-registry with htpasswd); then the real tools use that login with no credentials of
// their own: helm pushes and pulls a chart it packaged, skopeo reads a manifest, buildah pushes
// and reads the login back. Each proof starts with the same command failing before the login,
// so it cannot pass without it. Loopback registries need no registries.conf entry any more.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { delimiter } from 'node:path';
import { HELM3_DIR, needTools, TOOLS, type ToolNeed } from '../fixtures/tools';
import { addArgs, startStack, type Stack } from '../fixtures/stack';
import { assertStatusTruth, credentialFor, toolFile } from '../proof/status-truth';
import { readJson, realKeeper, registryInput, sleep, waitFor } from '../proof/helpers';
import { initPassStore, killGpgAgents, passSecretFor } from '../fixtures/pass-store';
import { readConfigJson } from '../fixtures/registry';

/**
 * Each helm family with its own login flags: helm 4 (on the stack's PATH) and helm 3.17 (put
 * first on PATH), found by the keeper the way it finds any installed tool.
 */
const HELMS: { label: string; need: ToolNeed; version: RegExp; path?: string }[] = [
  { label: 'helm 4', need: TOOLS.helm, version: /^v4\./ },
  { label: 'helm 3', need: TOOLS.helm3, version: /^v3\.17\./, path: HELM3_DIR },
];

function withHelm(env: NodeJS.ProcessEnv, path?: string): NodeJS.ProcessEnv {
  return path ? { ...env, PATH: [path, env.PATH ?? ''].join(delimiter) } : { ...env };
}
const containersSkip = needTools(TOOLS.podman, TOOLS.skopeo, TOOLS.buildah, TOOLS.registry);

function run(bin: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
  const r = spawnSync(bin, args, { env, cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

const theirs = (user: string) => Buffer.from(`${user}:someone-elses-not-a-secret`).toString('base64');

for (const H of HELMS) {
  describe(`${H.label}: --tool helm keeps helm logged in`, { skip: needTools(H.need, TOOLS.registry) }, () => {
    let stack: Stack;
    let env: NodeJS.ProcessEnv;
    let host: string;
    let helmFile: string;
    let work: string;
    const HELM_SEED = {
      auths: { 'charts.example.invalid': { auth: theirs('charts') }, 'ghcr.io': { auth: theirs('gh') } },
    };

    before(async () => {
      stack = await startStack({ registries: 2 });
      env = withHelm(stack.env, H.path);
      assert.match(run('helm', ['version', '--short'], env).out, H.version);
      host = stack.registries[0].host;
      helmFile = toolFile('helm', env);
      // Resolved by helm's rule: $XDG_CONFIG_HOME/helm/registry/config.json (no HELM_* set in the stack).
      assert.equal(helmFile, join(stack.env.XDG_CONFIG_HOME!, 'helm', 'registry', 'config.json'));
      mkdirSync(join(helmFile, '..'), { recursive: true });
      writeFileSync(helmFile, JSON.stringify(HELM_SEED, null, '\t'), { mode: 0o600 });
      work = join(stack.dir, 'charts');
      mkdirSync(work);
      assert.equal(run('helm', ['create', 'keeper-chart'], env, work).code, 0);
      const pkg = run('helm', ['package', 'keeper-chart', '-d', work], env, work);
      assert.equal(pkg.code, 0, pkg.out);
      assert.ok(existsSync(join(work, 'keeper-chart-0.1.0.tgz')), pkg.out);
    });
    after(async () => {
      await stack?.stop();
    });

    it('helm push fails before the login, and works (push and pull) with the login the keeper made', async () => {
      const chart = join(work, 'keeper-chart-0.1.0.tgz');
      const before = run('helm', ['push', chart, `oci://${host}/charts`, '--plain-http'], env);
      assert.notEqual(before.code, 0, 'no login yet: the registry must refuse the push');
      assert.match(before.out, /401|unauthorized|basic credential not found|no basic auth credentials/i);

      const add = await stack.cli(addArgs(stack, 'charts', host, ['--tool', 'helm']), { env });
      assert.equal(add.code, 0, add.stdout + add.stderr);
      const login = await stack.cli(['login', 'charts'], { env });
      assert.equal(login.code, 0, login.stdout + login.stderr);

      // The login is in helm's own file, next to the entries that were there; docker's file got nothing.
      const cfg = readJson(helmFile) as { auths: Record<string, { auth?: string }> };
      for (const [k, v] of Object.entries(HELM_SEED.auths)) assert.deepEqual(cfg.auths[k], v, `their entry ${k}`);
      assert.equal(Buffer.from(cfg.auths[host].auth!, 'base64').toString(), `AWS:${stack.password}`);
      assert.equal((readJson(stack.dockerConfigFile) as { auths: Record<string, unknown> }).auths[host], undefined);

      const push = run('helm', ['push', chart, `oci://${host}/charts`, '--plain-http'], env);
      assert.equal(push.code, 0, push.out);
      const out = join(work, 'pulled');
      mkdirSync(out);
      const pull = run(
        'helm',
        ['pull', `oci://${host}/charts/keeper-chart`, '--version', '0.1.0', '--plain-http', '-d', out],
        env,
      );
      assert.equal(pull.code, 0, pull.out);
      assert.deepEqual(
        readFileSync(join(out, 'keeper-chart-0.1.0.tgz')),
        readFileSync(chart),
        'the chart came back byte for byte',
      );

      const status = JSON.parse((await stack.cli(['status', '--json'], { env })).stdout) as {
        name: string;
        state: string;
      }[];
      assert.equal(status.find((r) => r.name === 'charts')?.state, 'valid');
      const checked = await assertStatusTruth(env);
      assert.ok(
        checked.some((r) => r.name === 'charts'),
        'the invariant looked at the helm registry',
      );
    });

    it("the storage report names helm's file", async () => {
      const r = await stack.cli(['storage', '--json'], { env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const rep = JSON.parse(r.stdout) as {
        registries: { name: string; tool: string; file: string; storage: string }[];
      };
      const row = rep.registries.find((x) => x.name === 'charts');
      assert.deepEqual(
        { tool: row?.tool, file: row?.file, storage: row?.storage },
        { tool: 'helm', file: helmFile, storage: 'plaintext' },
      );
    });

    it('`helm registry logout` behind a running keeper: the login comes back within seconds, from the cached token', async () => {
      const host2 = stack.registries[1].host;
      const dir = join(stack.dir, 'drift');
      mkdirSync(dir);
      const rk = realKeeper(stack, { configDir: dir, env });
      rk.keeper.addRegistry(registryInput(stack, 'drift', host2, 'helm'));
      try {
        assert.equal((await rk.keeper.refresh('drift')).state, 'valid');
        rk.keeper.start();
        await sleep(300);
        const calls = stack.emu.calls.length;
        const out = run('helm', ['registry', 'logout', host2], env);
        assert.equal(out.code, 0, out.out);
        assert.equal(readConfigJson(helmFile).auths![host2], undefined, 'helm removed it');
        await waitFor(
          'the repair',
          () =>
            Boolean(readConfigJson(helmFile).auths![host2]?.auth) &&
            rk.keeper.snapshot().registries[0].state === 'valid',
          15_000,
        );
        assert.equal(stack.emu.calls.length, calls, 'the cached token was reused');
        assert.ok(
          rk.keeper.activity().some((e) => e.message.includes(helmFile)),
          'says which file changed',
        );
        for (const [k, v] of Object.entries(HELM_SEED.auths))
          assert.deepEqual(readConfigJson(helmFile).auths![k], v, `their entry ${k}`);
      } finally {
        await rk.keeper.stop();
      }
    });
  });

  describe(
    `${H.label} and credential stores: the staging config makes the same store decision helm makes`,
    { skip: needTools(H.need, TOOLS.registry, TOOLS.pass, TOOLS.gpg, TOOLS.credPass) },
    () => {
      let stack: Stack;
      let env: NodeJS.ProcessEnv;
      let helmFile: string;
      let chart: string;

      before(async () => {
        stack = await startStack({ registries: 2 });
        env = withHelm(stack.env, H.path);
        initPassStore(env);
        helmFile = toolFile('helm', env);
        const work = join(stack.dir, 'charts');
        mkdirSync(work);
        assert.equal(run('helm', ['create', 'stored-chart'], env, work).code, 0);
        assert.equal(run('helm', ['package', 'stored-chart', '-d', work], env, work).code, 0);
        chart = join(work, 'stored-chart-0.1.0.tgz');
      });
      after(async () => {
        killGpgAgents();
        await stack?.stop();
      });

      it("no helm file yet: helm picks the platform store (pass) by itself, and so does the keeper's login; helm uses it", async () => {
        const host = stack.registries[0].host;
        assert.ok(!existsSync(helmFile));
        assert.equal((await stack.cli(addArgs(stack, 'stored', host, ['--tool', 'helm']), { env })).code, 0);
        const login = await stack.cli(['login', 'stored'], { env });
        assert.equal(login.code, 0, login.stdout + login.stderr);
        const cfg = readJson(helmFile) as { credsStore?: string; auths?: Record<string, { auth?: string }> };
        assert.equal(cfg.credsStore, 'pass', "the store helm detected is recorded in helm's file, as helm itself does");
        assert.equal(cfg.auths?.[host]?.auth, undefined, 'no plain-text copy');
        assert.deepEqual(passSecretFor(env, host), { ServerURL: host, Username: 'AWS', Secret: stack.password });
        const push = run('helm', ['push', chart, `oci://${host}/charts`, '--plain-http'], env);
        assert.equal(push.code, 0, push.out);
        await assertStatusTruth(env);
      });

      it("`storage use pass` maps a plain-text helm login to pass through credHelpers in helm's file, and helm reads it there", async () => {
        const host = stack.registries[1].host;
        // A helm file with someone's plain-text login (so helm keeps its file store) and no credsStore.
        writeFileSync(helmFile, JSON.stringify({ auths: { 'ghcr.io': { auth: theirs('gh') } } }));
        assert.equal((await stack.cli(['remove', 'stored'], { env })).code, 0);
        assert.equal((await stack.cli(addArgs(stack, 'moved', host, ['--tool', 'helm']), { env })).code, 0);
        assert.equal((await stack.cli(['login', 'moved'], { env })).code, 0);
        assert.ok(readConfigJson(helmFile).auths![host]?.auth, 'plain text before the move');
        const before = JSON.parse((await stack.cli(['storage', '--json'], { env })).stdout) as {
          registries: { name: string; storage: string; file: string }[];
        };
        assert.deepEqual(
          before.registries.map((r) => [r.name, r.storage, r.file]),
          [['moved', 'plaintext', helmFile]],
        );

        const move = await stack.cli(['storage', 'use', 'pass'], { env });
        assert.equal(move.code, 0, move.stdout + move.stderr);
        const cfg = readJson(helmFile) as {
          credHelpers?: Record<string, string>;
          auths: Record<string, { auth?: string }>;
        };
        assert.equal(cfg.credHelpers?.[host], 'pass');
        assert.equal(cfg.auths[host]?.auth, undefined, 'the plain-text copy is gone');
        assert.deepEqual(cfg.auths['ghcr.io'], { auth: theirs('gh') }, 'their entry kept');
        assert.equal(passSecretFor(env, host).Secret, stack.password);
        const push = run('helm', ['push', chart, `oci://${host}/charts`, '--plain-http'], env);
        assert.equal(push.code, 0, push.out);
        await assertStatusTruth(env);
      });
    },
  );
}

describe(
  'containers family: --tool podman is the login podman, skopeo and buildah read',
  { skip: containersSkip },
  () => {
    let stack: Stack;
    let host: string;
    let env: NodeJS.ProcessEnv;
    let storage: string[];

    before(async () => {
      stack = await startStack({ registries: 1 });
      host = stack.registries[0].host;
      // No registries.conf marking the test registry insecure: loopback is plain HTTP by itself now.
      const emptyConf = join(stack.dir, 'registries-empty.conf');
      writeFileSync(emptyConf, '');
      env = { ...stack.env, CONTAINERS_REGISTRIES_CONF: emptyConf };
      // buildah's image store in the test folder, not the machine's.
      storage = [
        '--root',
        join(stack.dir, 'storage'),
        '--runroot',
        join(stack.dir, 'runroot'),
        '--storage-driver',
        'vfs',
      ];
    });
    after(async () => {
      await stack?.stop();
    });

    it('podman logs in to a loopback registry without any registries.conf entry', async () => {
      const add = await stack.cli(addArgs(stack, 'ctr', host, ['--tool', 'podman']), { env });
      assert.equal(add.code, 0, add.stdout + add.stderr);
      const login = await stack.cli(['login', 'ctr'], { env });
      assert.equal(login.code, 0, login.stdout + login.stderr);
      assert.ok(typeof credentialFor('podman', host, env) !== 'string');
      await assertStatusTruth(env);
    });

    it("buildah pushes an image and skopeo reads its manifest, both with the keeper's login only", () => {
      const authFile = toolFile('podman', env);
      assert.equal(
        run('buildah', ['login', '--get-login', host], env).out.trim(),
        'AWS',
        'buildah finds the login in the auth file',
      );

      const ctr = run('buildah', [...storage, 'from', 'scratch'], env);
      assert.equal(ctr.code, 0, ctr.out);
      const name = ctr.out.trim().split('\n').pop()!;
      assert.equal(run('buildah', [...storage, 'config', '--label', 'proof=ecr-keeper', name], env).code, 0);
      const image = `${host}/family/proof:1`;
      const commit = run('buildah', [...storage, 'commit', name, image], env);
      assert.equal(commit.code, 0, commit.out);

      // Without the login (an empty auth file) the registry refuses: the proof below depends on it.
      const noAuth = join(stack.dir, 'no-auth.json');
      writeFileSync(noAuth, '{}');
      const refused = run('buildah', [...storage, 'push', '--authfile', noAuth, '--tls-verify=false', image], env);
      assert.notEqual(refused.code, 0, 'no credentials: the push must be refused');
      assert.match(refused.out, /unauthorized|authentication required|401/i);

      const push = run('buildah', [...storage, 'push', '--tls-verify=false', image], env);
      assert.equal(push.code, 0, push.out);

      const refusedRead = run(
        'skopeo',
        ['inspect', '--authfile', noAuth, '--tls-verify=false', `docker://${image}`],
        env,
      );
      assert.notEqual(refusedRead.code, 0, 'no credentials: the read must be refused');
      const inspect = run('skopeo', ['inspect', '--tls-verify=false', `docker://${image}`], env);
      assert.equal(inspect.code, 0, inspect.out);
      const info = JSON.parse(inspect.out) as { Name: string; Digest: string; Labels: Record<string, string> };
      assert.equal(info.Name, `${host}/family/proof`);
      assert.match(info.Digest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(info.Labels.proof, 'ecr-keeper');
      assert.ok(existsSync(authFile));
    });
  },
);
