// The real test stack behind the window: a loopback docker-registry with htpasswd auth, the ECR API
// emulator (SigV4 checked), AWS config files with a profile for it, and a real keeper (the same
// createKeeper the tray app and CLI use) whose docker logins go to the loopback registry.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { createHandlers } from '../../src/electron/handlers';
import { createKeeper } from '../../src/core/engine';
import type { Keeper } from '../../src/core/keeper';
import type { Clock } from '../../src/core/scheduler';
import { MfaBroker } from '../../src/core/mfa';
import { createServices } from '../../src/electron/services';
import type { Handlers } from '../../src/electron/contract';
import { isolateAwsEnv } from '../fixtures/aws-env';
import { startEcrEmulator, type EcrEmulator } from '../fixtures/ecr-emulator';
import { seedDockerConfig, startRegistry, toolEnv, type RunningRegistry } from '../fixtures/registry';

export const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const ACCOUNT = '111122223333';
/** An ECR host already in the seeded docker config, offered on the first-run screen. */
export const KNOWN_DOCKER_HOST = `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`;

export interface Stack {
  dir: string;
  env: NodeJS.ProcessEnv;
  registry: RunningRegistry;
  emulator: EcrEmulator;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-keeper-ui-'));
  const registry = await startRegistry();
  const emulator = await startEcrEmulator({
    accessKeyId: KEY_ID,
    secretAccessKey: SECRET,
    accountId: ACCOUNT,
    password: registry.password,
  });
  const aws = join(dir, 'aws');
  mkdirSync(aws);
  writeFileSync(
    join(aws, 'config'),
    '[default]\nregion = eu-west-1\n[profile emu]\nregion = eu-west-1\n[profile team]\nregion = us-east-1\n',
  );
  writeFileSync(
    join(aws, 'credentials'),
    [
      '[default]',
      `aws_access_key_id = ${KEY_ID}`,
      `aws_secret_access_key = ${SECRET}`,
      '[emu]',
      `aws_access_key_id = ${KEY_ID}`,
      `aws_secret_access_key = ${SECRET}`,
      '[team]',
      `aws_access_key_id = ${KEY_ID}`,
      `aws_secret_access_key = ${SECRET}`,
      '',
    ].join('\n'),
  );
  const restoreEnv = isolateAwsEnv();
  const awsEnv = {
    AWS_CONFIG_FILE: join(aws, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  Object.assign(process.env, awsEnv);
  const env: NodeJS.ProcessEnv = {
    ...toolEnv(join(dir, 'tools'), registry.registriesConf),
    ...awsEnv,
    // "Detect from profile" and registries without an API endpoint go to the emulator too.
    AWS_ENDPOINT_URL_ECR: emulator.url,
  };
  // A file-store docker config (not `pass`), with one ECR host the user already logs in to.
  seedDockerConfig(env, {
    auths: { [KNOWN_DOCKER_HOST]: { auth: Buffer.from('AWS:old-expired-token').toString('base64') } },
  });
  return {
    dir,
    env,
    registry,
    emulator,
    async stop() {
      await emulator.stop();
      await registry.stop();
      rmSync(dir, { recursive: true, force: true });
      restoreEnv();
    },
  };
}

export interface KeeperUnderTest {
  keeper: Keeper;
  handlers: Handlers;
  mfa: MfaBroker;
  configDir: string;
  settingsPath: string;
  settingsText(): string;
  /** URLs handed to the system browser (shell.openExternal in the app). */
  opened: string[];
  /** Texts written to the clipboard (Electron's clipboard in the app). */
  clipboard: string[];
  stop(): Promise<void>;
}

export interface KeeperOptions {
  /** The keeper's environment instead of the stack's (e.g. its own DOCKER_CONFIG, GNUPGHOME, PATH). */
  env?: NodeJS.ProcessEnv;
  /** The keeper's clock (tests/ui/clock.ts): time passing without waiting for it. */
  clock?: Clock;
}

/**
 * A keeper over `configDir` (created fresh when omitted) with the shell's real services, wired as
 * src/electron/main.ts wires it: MFA codes are asked through the broker (mfa:request -> mfa:answer, so
 * the bridge's page answers them) and `aws sso login` runs with its output piped.
 */
export function keeperFor(
  stack: Stack,
  configDir = mkdtempSync(join(stack.dir, 'config-')),
  opts: KeeperOptions = {},
): KeeperUnderTest {
  const env = opts.env ?? stack.env;
  const mfa = new MfaBroker();
  const { keeper, settingsPath, tokens } = createKeeper({
    configDir,
    env,
    openStore: (o) => new Conf(o),
    mfaPrompt: mfa.prompt,
    signIn: { stdio: 'pipe' },
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  // The system browser and clipboard are Electron's; here they are recorded for the test to read.
  const opened: string[] = [];
  const clipboard: string[] = [];
  const services = createServices({
    keeper,
    configDir,
    env,
    mfa,
    tokens,
    openExternal: (url) => {
      opened.push(url);
      return Promise.resolve();
    },
    writeClipboard: (text) => {
      clipboard.push(text);
    },
  });
  return {
    keeper,
    mfa,
    configDir,
    settingsPath,
    opened,
    clipboard,
    handlers: createHandlers(keeper, services),
    settingsText: () => {
      try {
        return readFileSync(settingsPath, 'utf8');
      } catch {
        return '<no file>';
      }
    },
    stop: () => {
      mfa.cancelAll();
      return keeper.stop();
    },
  };
}

/** Registry input pointing at the test stack: the emulator as API, the loopback registry as host. */
export function stackRegistry(
  stack: Stack,
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    region: 'eu-west-1',
    profile: 'emu',
    registryHost: stack.registry.host,
    apiEndpoint: stack.emulator.url,
    ...extra,
  };
}

/** The stack's registry under its other loopback name: a second host that reaches the same server. */
export function localAlias(stack: Stack): string {
  return `localhost:${stack.registry.port}`;
}

/**
 * `n` registries in `dir`, with persisted state as after a restart: each logged in an hour ago,
 * expiring 3 minutes apart on whole seconds. Returns their ids.
 */
export async function seedManyRegistries(stack: Stack, dir: string, n: number): Promise<string[]> {
  const k = keeperFor(stack, dir);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    // Each its own host (two registries may not share one); they are only rendered, never logged in.
    const name = `reg-${String(i).padStart(3, '0')}`;
    ids.push(
      k.keeper.addRegistry(
        stackRegistry(stack, name, {
          region: ['eu-west-1', 'us-east-1', 'us-west-2'][i % 3],
          registryHost: `${name}.registry.invalid`,
        }),
      ).id,
    );
  }
  await k.stop();
  const now = Date.now();
  const wholeSecond = now - (now % 1000);
  const registries: Record<string, unknown> = {};
  ids.forEach((id, i) => {
    registries[id] = {
      expiresAt: new Date(wholeSecond + (i + 1) * 3 * 60_000).toISOString(),
      lastSuccess: new Date(now - 60 * 60_000).toISOString(),
      failures: 0,
      host: stack.registry.host,
    };
  });
  writeFileSync(join(dir, 'state.json'), JSON.stringify({ registries }));
  return ids;
}
