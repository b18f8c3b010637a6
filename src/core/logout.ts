// `remove --logout`: takes one host's login out of the tool's credential file (and out of the
// credential store or helper the file sends it to), leaving every other entry as it was.
//
// Not `docker logout` / `podman logout`: those rewrite the whole file without a lock, racing the
// keeper's own logins and the person's. The edit goes through the one locked write path for
// credential files (cred-file.ts updateCredentialFile).
import {
  credentialFilePath,
  normalizeHostKey,
  readDockerConfig,
  storageForHost,
  type DockerConfig,
} from './docker-config';
import { findHelper, runHelper, type Runner } from './cred-stores';
import { updateCredentialFile } from './cred-file';
import { KeeperError } from './errors';
import type { LoginTool } from './registry';

export interface LogoutResult {
  file: string;
  /** auths keys removed from the file (the host in any of its written forms). */
  removedKeys: string[];
  /** The store or helper the secret was erased from, if the file sends it to one. */
  erasedFrom: string | null;
}

export interface LogoutDeps {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  run?: Runner;
}

/** Pure: the config without the host's auths entries (every key form that names it); other keys untouched. */
export function withoutHost(config: DockerConfig, host: string): { config: DockerConfig; removed: string[] } {
  const want = normalizeHostKey(host).replace(/:443$/, '');
  const auths = config.auths && typeof config.auths === 'object' ? config.auths : undefined;
  if (!auths) return { config, removed: [] };
  const removed = Object.keys(auths).filter((k) => normalizeHostKey(k).replace(/:443$/, '') === want);
  if (!removed.length) return { config, removed };
  const nextAuths = { ...auths };
  for (const k of removed) delete nextAuths[k];
  return { config: { ...config, auths: nextAuths }, removed };
}

export async function removeHostEntry(tool: LoginTool, host: string, deps: LogoutDeps = {}): Promise<LogoutResult> {
  const env = deps.env ?? process.env;
  const platform = deps.platform ?? process.platform;
  const file = credentialFilePath(tool, env, platform);
  const { config, error } = await readDockerConfig(file);
  // A file that does not parse is never written.
  if (error) throw new KeeperError('config', error, `Fix or move ${file} aside, then run the logout again.`);
  if (!config) return { file, removedKeys: [], erasedFrom: null };

  let erasedFrom: string | null = null;
  const where = storageForHost(config, host, tool);
  // The ecr-login helper keeps no secret of ours; a store or helper holds the password itself.
  if ((where.storage === 'helper' || where.storage === 'store') && where.helper) {
    const program = findHelper(where.helper, { env, platform });
    if (!program)
      throw new KeeperError(
        'credential-store',
        `docker-credential-${where.helper} was not found, so the login for ${host} could not be erased from it.`,
        `Install docker-credential-${where.helper} (or put it on PATH), then run the logout again.`,
      );
    const r = await (deps.run ?? runHelper)(program, ['erase'], { env, input: host, timeoutMs: 15_000 });
    // Nothing to erase means the goal is met: "credentials not found" (the helpers' shared
    // message) or pass's own "... is not in the password store".
    if (r.code !== 0 && !/not found|not in the password store/i.test(`${r.stdout} ${r.stderr}`)) {
      throw new KeeperError(
        'credential-store',
        `docker-credential-${where.helper} erase failed for ${host}: ${(r.stderr || r.stdout || r.spawnError || 'no output').trim().slice(0, 300)}`,
        `Unlock the ${where.helper} store and run the logout again.`,
      );
    }
    erasedFrom = where.helper;
  }

  // Under the file's lock, on what is on disk now (another process may have written since).
  let removedKeys: string[] = [];
  await updateCredentialFile(file, (current) => {
    const { config: next, removed } = withoutHost(current, host);
    removedKeys = removed;
    return removed.length ? next : null;
  });
  return { file, removedKeys, erasedFrom };
}
