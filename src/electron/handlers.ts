// The main-side implementation of the IPC contract, free of Electron so it runs under plain Node:
// the shell's ipc.ts registers these behind its sender check, and the UI tests bridge the same
// table into Chromium. Every argument is checked here before the keeper sees it; anything
// malformed is rejected with an `invalid-input` error and nothing changes.
import { InputError, KeeperError, toErrorInfo, type ErrorInfo } from '../core/errors';
import { isProfileName, isRegionName, KNOWN_REGIONS, LOGIN_TOOLS, PUBLIC_REGION } from '../core/registry';
import { consoleUrl, isConsoleUrlFor } from '../core/console-url';
import { isStoreName } from '../core/cred-stores';
import { explicitProgram } from '../core/find-program';
import { isToolPath, settingName, validateSettingsPatch } from '../core/settings-model';
import { moveKeeperLogins, storageReport, undo } from '../core/storage-migration';
import { awsFiles } from '../core/aws-profiles';
import { addDiscovered, discoverOnMachine, ecrHostOfKey } from '../core/discover';
import type { Keeper } from '../core/keeper';
import type { AwsProfileView, ErrorView, Handlers, InvokeChannel, Result, SettingsView } from './contract';

export interface HandlerServices {
  /** The settings folder, shown in the settings view. */
  configDir: string;
  listProfiles(): Promise<AwsProfileView[]> | AwsProfileView[];
  /** The account id a profile's token belongs to (from its proxy endpoint). */
  detectAccount(profile: string | null, region: string): Promise<string>;
  /** Resolves a pending MFA prompt; false when no such prompt is waiting. */
  answerMfa(requestId: string, code: string | null): boolean;
  /** Starts `aws sso login` for a profile; resolves when sign-in finished and registries refreshed. */
  signIn(profile: string): Promise<boolean>;
  /** The environment docker/podman run with (where their config files are); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Opens a URL in the system browser (Electron's shell.openExternal). */
  openExternal?(url: string): Promise<void>;
  /** Writes text to the system clipboard (Electron's clipboard.writeText, a promise since Electron 45). */
  writeClipboard?(text: string): Promise<void> | void;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function bad(message: string, field = 'input'): never {
  throw new InputError([{ field, message }]);
}

function argCount(args: unknown[], n: number, channel: string): void {
  if (args.length !== n) bad(`${channel} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}.`);
}

function idArg(v: unknown): string {
  if (typeof v !== 'string' || !ID_RE.test(v))
    bad('Registry id must be a short text of letters, digits, dots, dashes or underscores.', 'id');
  return v;
}

function plainObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype)
    bad(`${what} must be a plain object.`);
  return v as Record<string, unknown>;
}

/** Tool paths (as validation accepted them: absolute, or in the home folder as ~/...) that are not an executable program. */
export function missingTools(toolPaths: unknown): { field: string; message: string }[] {
  if (typeof toolPaths !== 'object' || toolPaths === null) return [];
  const out: { field: string; message: string }[] = [];
  for (const tool of LOGIN_TOOLS) {
    const p = (toolPaths as Record<string, unknown>)[tool];
    // Paths the validation refuses are its to report; the others get the check the login runner
    // makes before it runs the tool (find-program.ts).
    if (!isToolPath(p) || explicitProgram(p, process.env, process.platform)) continue;
    out.push({
      field: `toolPaths.${tool}`,
      message: `The ${settingName(`toolPaths.${tool}`, 'label')} ${p.slice(0, 200)} is not a program: there is no executable file there. Leave it empty to search PATH and the usual places.`,
    });
  }
  return out;
}

function keptHosts(keeper: Keeper): string[] {
  return keeper.snapshot().registries.flatMap((r) => (r.host ? [r.host] : []));
}

export function settingsView(keeper: Keeper, configDir: string): SettingsView {
  const { registries: _r, version: _v, ...rest } = keeper.settings();
  return { ...rest, configDir };
}

/** Builds the channel -> function table. Each function validates its own arguments. */
export function createHandlers(keeper: Keeper, services: HandlerServices): Handlers {
  // After a move or an undo (even a failed one, which restores the backup) the cards' storage
  // notices must describe the files as they are now.
  const withRecheck = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } finally {
      await keeper.recheckStorage();
    }
  };
  return {
    'snapshot:get': () => keeper.snapshot(),
    'registry:list': () => keeper.registries(),
    // A card's Refresh: a new token, not the cached one (Refresh all still shares calls).
    'registry:refresh': (id) => keeper.refresh(idArg(id), { fresh: true }),
    'registry:refreshAll': () => keeper.refreshAll(),
    'registry:refreshMany': (ids) => {
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000)
        bad('Registry ids must be a list of 1 to 1000 ids.', 'ids');
      return keeper.refreshAll(ids.map(idArg));
    },
    'registry:openConsole': async (id) => {
      const reg = keeper.find(idArg(id));
      if (!reg) bad('That registry no longer exists.', 'id');
      const url = consoleUrl(reg);
      // Checked again here, whatever built it: only the console hosts of the registry's partition.
      if (!url || !isConsoleUrlFor(url, reg.kind === 'public' ? PUBLIC_REGION : reg.region)) {
        throw new KeeperError(
          'config',
          `There is no AWS console address known for ${reg.region}.`,
          "Open your partition's AWS console yourself and go to Elastic Container Registry.",
        );
      }
      if (!services.openExternal)
        throw new KeeperError('internal', 'Opening a browser is not available here.', `Open ${url} yourself.`);
      await services.openExternal(url);
      return url;
    },
    'clipboard:write': async (text) => {
      if (typeof text !== 'string' || text.length === 0 || text.length > 10_000)
        bad('Text to copy must be 1 to 10000 characters.', 'text');
      if (!services.writeClipboard)
        throw new KeeperError(
          'internal',
          'The clipboard is not available here.',
          'Select the text and copy it yourself.',
        );
      await services.writeClipboard(text);
      return true;
    },
    'registry:add': (input) => keeper.addRegistry(plainObject(input, 'Registry details')),
    'registry:update': (id, input) => keeper.updateRegistry(idArg(id), plainObject(input, 'Registry details')),
    'registry:remove': (id) => keeper.removeRegistry(idArg(id)),
    'settings:get': () => settingsView(keeper, services.configDir),
    'settings:update': (patch) => {
      const p = plainObject(patch, 'Settings');
      // A well-formed path to nothing would be "Saved." and fail at the next login: check it is there,
      // as the CLI's tool search does. Reported with the form's other problems, by label.
      const v = validateSettingsPatch(p, 'label');
      const problems = [...(v.ok ? [] : v.errors), ...missingTools(p.toolPaths)];
      if (problems.length) throw new InputError(problems);
      keeper.updateSettings(p, 'label');
      return settingsView(keeper, services.configDir);
    },
    'aws:profiles': () => services.listProfiles(),
    'aws:regions': () => [...KNOWN_REGIONS],
    'aws:files': () => {
      const f = awsFiles(services.env ?? process.env);
      return [f.configFile, f.credentialsFile];
    },
    'aws:detectAccount': (profile, region) => {
      if (profile !== null && !isProfileName(profile))
        bad('Profile must be a valid AWS profile name or null for the default chain.', 'profile');
      if (!isRegionName(region)) bad('Region must look like us-east-1.', 'region');
      return services.detectAccount(profile, region);
    },
    'discover:list': async () => {
      const r = await discoverOnMachine({
        env: services.env,
        keptHosts: keptHosts(keeper),
        knownAccounts: keeper.knownAccounts(),
      });
      return { hosts: r.hosts, warnings: r.warnings };
    },
    'discover:add': async (hosts) => {
      if (!Array.isArray(hosts) || hosts.length === 0 || hosts.length > 500)
        bad('Hosts must be a list of 1 to 500 ECR hosts.', 'hosts');
      for (const h of hosts)
        if (typeof h !== 'string' || h.length > 253 || !ecrHostOfKey(h))
          bad('Each host must be an ECR registry host found on this machine.', 'hosts');
      // Found again now, not trusted from the window: only hosts really in the files are added.
      const r = await discoverOnMachine({
        env: services.env,
        keptHosts: keptHosts(keeper),
        knownAccounts: keeper.knownAccounts(),
      });
      return addDiscovered(keeper, r.hosts, hosts);
    },
    'activity:get': () => keeper.activity(),
    'activity:clear': () => {
      keeper.clearActivity();
      return true;
    },
    'mfa:answer': (requestId, code) => {
      if (typeof requestId !== 'string' || !ID_RE.test(requestId)) bad('Unknown MFA request.', 'requestId');
      if (code !== null && (typeof code !== 'string' || !/^\d{6}$/.test(code)))
        bad('The MFA code must be the 6 digits your device shows.', 'code');
      return services.answerMfa(requestId, code);
    },
    'signin:start': (profile) => {
      if (!isProfileName(profile)) bad('Profile must be a valid AWS profile name.', 'profile');
      return services.signIn(profile);
    },
    'storage:get': () => storageReport(keeper.snapshot().registries, { env: services.env }),
    'storage:use': (store) => {
      if (!isStoreName(store))
        bad('Store must be one of osxkeychain, wincred, desktop, secretservice or pass.', 'store');
      return withRecheck(moveKeeperLogins(keeper, store, { env: services.env }));
    },
    'storage:undo': () => withRecheck(undo({ env: services.env })),
  };
}

/** Expected argument counts per channel: extra or missing arguments are malformed input. */
export const ARITY: Record<InvokeChannel, number> = {
  'snapshot:get': 0,
  'registry:list': 0,
  'registry:refresh': 1,
  'registry:refreshAll': 0,
  'registry:refreshMany': 1,
  'registry:openConsole': 1,
  'clipboard:write': 1,
  'registry:add': 1,
  'registry:update': 2,
  'registry:remove': 1,
  'settings:get': 0,
  'settings:update': 1,
  'aws:profiles': 0,
  'aws:regions': 0,
  'aws:files': 0,
  'aws:detectAccount': 2,
  'discover:list': 0,
  'discover:add': 1,
  'activity:get': 0,
  'activity:clear': 0,
  'mfa:answer': 2,
  'signin:start': 1,
  'storage:get': 0,
  'storage:use': 1,
  'storage:undo': 0,
};

export function toErrorView(err: unknown): ErrorView {
  const info: ErrorInfo = toErrorInfo(err);
  const view: ErrorView = {
    category: info.category,
    message: info.message,
    fix: info.fix,
    ...(info.action ? { action: info.action } : {}),
  };
  if (err instanceof InputError) view.problems = err.problems.map((p) => ({ field: p.field, message: p.message }));
  return view;
}

/**
 * Calls one handler by channel name with untrusted arguments and wraps the outcome as a Result.
 * Unknown channels and wrong argument counts are rejected before any handler runs.
 */
export async function dispatch(handlers: Handlers, channel: unknown, args: unknown): Promise<Result<unknown>> {
  try {
    if (typeof channel !== 'string' || !Object.prototype.hasOwnProperty.call(ARITY, channel)) {
      throw new KeeperError(
        'invalid-input',
        `Unknown request "${String(channel).slice(0, 60)}".`,
        'Update the app: the window and the main process disagree.',
      );
    }
    if (!Array.isArray(args)) bad('Arguments must be a list.');
    const ch = channel as InvokeChannel;
    argCount(args, ARITY[ch], ch);
    const fn = handlers[ch] as (...a: unknown[]) => unknown;
    return { result: await fn(...(args as unknown[])) };
  } catch (err) {
    return { error: toErrorView(err) };
  }
}
