// The invariant the proof suite checks after every test that writes: each registry that a fresh
// `ecr-keeper status` calls valid has its credential where its tool reads it, and that
// credential opens the registry. It is checked independently of the keeper's own code: the
// credential is looked up the way docker, podman and helm look it up (credHelpers, credsStore, auths),
// read from the real credential helper when one is configured, and tried against the real
// registry with HTTP basic auth.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../fixtures/stack';

const VALID = new Set(['valid', 'expiring']);

interface Row {
  name: string;
  host: string | null;
  state: string;
}
type Tool = 'docker' | 'podman' | 'helm';
interface Reg {
  name: string;
  tool: Tool;
}

/**
 * docker: $DOCKER_CONFIG/config.json; podman: $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json
 * (podman 4), else the runtime dir; helm (on Linux): $HELM_REGISTRY_CONFIG, else
 * $HELM_CONFIG_HOME/registry/config.json, else $XDG_CONFIG_HOME/helm/registry/config.json, else ~/.config/helm/...
 */
export function toolFile(tool: Tool, env: NodeJS.ProcessEnv): string {
  if (tool === 'helm') {
    if (env.HELM_REGISTRY_CONFIG) return env.HELM_REGISTRY_CONFIG;
    const home = env.HELM_CONFIG_HOME ?? join(env.XDG_CONFIG_HOME ?? join(env.HOME!, '.config'), 'helm');
    return join(home, 'registry', 'config.json');
  }
  if (tool === 'podman') {
    if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE;
    if (!env.DOCKER_CONFIG) return join(env.XDG_RUNTIME_DIR!, 'containers', 'auth.json');
  }
  return join(env.DOCKER_CONFIG!, 'config.json');
}

/** The user name and secret the tool would use for `host`, or why there is none. */
export function credentialFor(
  tool: Tool,
  host: string,
  env: NodeJS.ProcessEnv,
): { user: string; secret: string } | string {
  const file = toolFile(tool, env);
  if (!existsSync(file)) return `${file} does not exist`;
  let cfg: { auths?: Record<string, { auth?: string }>; credHelpers?: Record<string, string>; credsStore?: string };
  try {
    cfg = JSON.parse(readFileSync(file, 'utf8')) as typeof cfg;
  } catch (err) {
    return `${file} does not parse: ${(err as Error).message}`;
  }
  // helm reads credsStore as docker does (oras-go); podman (containers/image) does not.
  const helper = cfg.credHelpers?.[host] ?? (tool !== 'podman' ? cfg.credsStore : undefined);
  if (helper) {
    const r = spawnSync(`docker-credential-${helper}`, ['get'], {
      input: host,
      env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (r.status !== 0) return `docker-credential-${helper} get ${host} failed: ${r.stdout}${r.stderr}`;
    const got = JSON.parse(r.stdout) as { Username: string; Secret: string };
    return { user: got.Username, secret: got.Secret };
  }
  const auth = cfg.auths?.[host]?.auth;
  if (!auth) return `${file} has no auths entry for ${host}`;
  const text = Buffer.from(auth, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return { user: text.slice(0, i), secret: text.slice(i + 1) };
}

/** Whether the registry accepts the credential (loopback test registries speak plain HTTP). */
async function opens(host: string, cred: { user: string; secret: string }): Promise<number> {
  const res = await fetch(`http://${host}/v2/`, {
    headers: { authorization: `Basic ${Buffer.from(`${cred.user}:${cred.secret}`).toString('base64')}` },
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Runs a fresh `ecr-keeper status --json` (and `list --json` for each registry's tool) in `env`
 * and asserts the invariant for every registry it calls valid. Returns the rows it checked.
 */
export async function assertStatusTruth(env: NodeJS.ProcessEnv, configDir?: string): Promise<Row[]> {
  const dirArgs = configDir ? ['--config-dir', configDir] : [];
  const status = await runCli(['status', '--json', ...dirArgs], env);
  // `status` exits 1 when something needs attention; the JSON is what matters here.
  assert.ok(status.code === 0 || status.code === 1, `status failed: ${status.stderr}`);
  const rows = JSON.parse(status.stdout) as Row[];
  const list = await runCli(['list', '--json', ...dirArgs], env);
  assert.equal(list.code, 0, list.stderr);
  const regs = new Map((JSON.parse(list.stdout) as Reg[]).map((r) => [r.name, r]));
  const checked: Row[] = [];
  for (const row of rows) {
    if (!VALID.has(row.state) || !row.host) continue;
    const tool = regs.get(row.name)?.tool ?? 'docker';
    const cred = credentialFor(tool, row.host, env);
    if (typeof cred === 'string')
      assert.fail(`status calls ${row.name} (${tool}, ${row.host}) ${row.state}, but ${cred}`);
    const code = await opens(row.host, cred);
    assert.equal(
      code,
      200,
      `status calls ${row.name} ${row.state}, but ${row.host} answers ${code} to the credential ${tool} would use`,
    );
    checked.push(row);
  }
  return checked;
}
