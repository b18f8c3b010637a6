// Wires the real parts into a Keeper: the settings files, the AWS token source, the login runner
// and the docker/podman config inspector. The tray app and the CLI both build their keeper here,
// differing only in the JSON store they pass (electron-store vs conf).
import { Keeper } from './keeper';
import { openSettings, type StoreOpener } from './settings';
import { createTokenSource } from './tokens';
import { createLoginRunner } from './login';
import { readDockerConfig, storageForHost } from './docker-config';
import type { Clock } from './scheduler';

export interface EngineOptions {
  configDir: string;
  openStore: StoreOpener;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
}

export function createKeeper(opts: EngineOptions): { keeper: Keeper; warnings: string[]; settingsPath: string } {
  const env = opts.env ?? process.env;
  const { repo, state, warnings } = openSettings(opts.openStore, opts.configDir);
  const tokens = createTokenSource({ env, clock: opts.clock ? () => opts.clock!.now() : undefined });
  const login = createLoginRunner({ env });
  const keeper = new Keeper({
    settings: repo,
    state,
    tokens,
    login,
    clock: opts.clock,
    warnings,
    inspectStorage: async (tool, host) => {
      const { config } = await readDockerConfig(login.credentialFileFor(tool));
      return storageForHost(config, host);
    },
  });
  return { keeper, warnings, settingsPath: repo.path };
}
