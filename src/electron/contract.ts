// The one IPC contract between the main process and the window.
//
// Every request channel is declared once in `Invokes` (channel -> signature); the preload turns
// each into one method of `window.ecrKeeper` (names in `METHODS`), and the main process registers
// one handler per channel (src/electron/ipc.ts). Results cross the bridge as `{result}` or
// `{error}` so a categorised error with its fix survives structured cloning.
//
// Nothing here ever carries a token or password: snapshots, registry configs, settings and
// activity entries are all secret-free by construction.
import type { ErrorAction, ErrorCategory } from '../core/errors';
import type { Registry } from '../core/registry';
import type { Settings } from '../core/settings';
import type { ActivityEntry, KeeperSnapshot, RegistrySnapshot } from '../core/snapshot';
import type { KeeperMove, StorageReport, UndoResult } from '../core/storage-migration';
import type { StoreName } from '../core/cred-stores';
import type { AddedFromDiscovery, DiscoveredHost } from '../core/discover';

export type {
  ActivityEntry,
  KeeperSnapshot,
  RegistrySnapshot,
  Registry,
  StorageReport,
  KeeperMove,
  UndoResult,
  StoreName,
  DiscoveredHost,
  AddedFromDiscovery,
};

/** The ECR registries found in this machine's credential files (no network), and files that could not be read. */
export interface DiscoveryView {
  hosts: DiscoveredHost[];
  warnings: string[];
}

export interface ErrorView {
  category: ErrorCategory;
  message: string;
  fix: string;
  /** For invalid input: one entry per field, shown next to that field. */
  problems?: { field: string; message: string }[];
  /** What failed in a refresh: the AWS API or the registry login. */
  stage?: 'aws' | 'registry';
  /** What the person can do (a Sign in button, an MFA prompt, a tool path): decided on this, never on the text. */
  action?: ErrorAction;
}

export type Result<T> = { result: T } | { error: ErrorView };

/** Settings as the window sees them: everything but the registry list (which has its own calls). */
export type SettingsView = Omit<Settings, 'registries' | 'version'> & { configDir: string };

/** What the registry form sends: any of a registry's fields (src/core/registry-fields.ts); empty strings mean "not set". */
export type RegistryInputView = Partial<Omit<Registry, 'id'>>;

export interface AwsProfileView {
  name: string;
  /** 'sso' | 'mfa' | 'role' | 'static' | 'process' | 'web-identity' | 'other' */
  type: string;
  region: string | null;
}

export interface MfaRequest {
  requestId: string;
  profile: string;
  mfaSerial: string;
}

/** Request channels: channel -> the handler's signature (what the window calls, what main answers). */
export interface Invokes {
  'snapshot:get': () => KeeperSnapshot;
  'registry:list': () => Registry[];
  'registry:refresh': (id: string) => RegistrySnapshot;
  'registry:refreshAll': () => RegistrySnapshot[];
  /** "Log in now" for a chosen set: one batch, sharing token calls as Refresh all does. */
  'registry:refreshMany': (ids: string[]) => RegistrySnapshot[];
  /** Opens the registry's repository list in the AWS console, in the system browser. Returns the URL. */
  'registry:openConsole': (id: string) => string;
  /** Puts text (a host, a command; never a secret) on the system clipboard. */
  'clipboard:write': (text: string) => boolean;
  'registry:add': (input: RegistryInputView) => Registry;
  'registry:update': (id: string, input: RegistryInputView) => Registry;
  'registry:remove': (id: string) => Registry;
  'settings:get': () => SettingsView;
  'settings:update': (patch: Partial<Omit<SettingsView, 'configDir'>>) => SettingsView;
  'aws:profiles': () => AwsProfileView[];
  'aws:regions': () => string[];
  /** The AWS config and credentials files profiles are read from (named in "profile not found" warnings). */
  'aws:files': () => string[];
  /** The account behind a profile (from a token's proxy endpoint), for "detect from profile". */
  'aws:detectAccount': (profile: string | null, region: string) => string;
  /** The ECR registries in docker/podman/helm credential files (same as `ecr-keeper discover`). */
  'discover:list': () => DiscoveryView;
  /** Adds the found hosts given (those not kept yet), as `ecr-keeper discover --add` would. */
  'discover:add': (hosts: string[]) => { added: AddedFromDiscovery[]; failed: { host: string; message: string }[] };
  'activity:get': () => ActivityEntry[];
  'activity:clear': () => boolean;
  /** Answers an MFA prompt (null cancels). */
  'mfa:answer': (requestId: string, code: string | null) => boolean;
  /** Runs `aws sso login --profile P` and refreshes that profile's registries afterwards. */
  'signin:start': (profile: string) => boolean;
  /** Where each registry's login lives and which credential stores work on this machine. */
  'storage:get': () => StorageReport;
  /** Moves ECR Keeper's logins into a working credential store (checked first; backup kept). */
  'storage:use': (store: StoreName) => KeeperMove;
  /** Restores the docker/podman config from before the last move. */
  'storage:undo': () => UndoResult;
}

export type InvokeChannel = keyof Invokes;

/** Events main pushes to the window: channel -> payload. */
export interface Events {
  'keeper:change': KeeperSnapshot;
  'keeper:activity': ActivityEntry;
  /** A notification was clicked: show this registry. */
  'app:focusRegistry': string;
  'mfa:request': MfaRequest;
  /** An MFA request ended without an answer from the window (timed out, or the app is quitting). */
  'mfa:ended': { requestId: string; reason: 'timeout' | 'cancelled' };
}

export type EventChannel = keyof Events;

/** window.ecrKeeper method name -> channel. One method per message. */
export const METHODS = {
  getSnapshot: 'snapshot:get',
  listRegistries: 'registry:list',
  refresh: 'registry:refresh',
  refreshAll: 'registry:refreshAll',
  refreshMany: 'registry:refreshMany',
  openConsole: 'registry:openConsole',
  writeClipboard: 'clipboard:write',
  clearActivity: 'activity:clear',
  addRegistry: 'registry:add',
  updateRegistry: 'registry:update',
  removeRegistry: 'registry:remove',
  getSettings: 'settings:get',
  updateSettings: 'settings:update',
  listProfiles: 'aws:profiles',
  listRegions: 'aws:regions',
  awsFiles: 'aws:files',
  detectAccount: 'aws:detectAccount',
  discover: 'discover:list',
  addDiscovered: 'discover:add',
  getActivity: 'activity:get',
  answerMfa: 'mfa:answer',
  startSignIn: 'signin:start',
  getStorage: 'storage:get',
  useStore: 'storage:use',
  undoStorage: 'storage:undo',
} as const satisfies Record<string, InvokeChannel>;

export type MethodName = keyof typeof METHODS;

export const EVENT_CHANNELS: readonly EventChannel[] = [
  'keeper:change',
  'keeper:activity',
  'app:focusRegistry',
  'mfa:request',
  'mfa:ended',
];
export const INVOKE_CHANNELS = Object.values(METHODS) as InvokeChannel[];

/** The API the preload exposes as `window.ecrKeeper`. */
export type EcrKeeperApi = {
  [M in MethodName]: (
    ...args: Parameters<Invokes[(typeof METHODS)[M]]>
  ) => Promise<Result<ReturnType<Invokes[(typeof METHODS)[M]]>>>;
} & {
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/** The main-side handler table: one function per channel, typed from `Invokes`. */
export type Handlers = {
  [C in InvokeChannel]: (...args: Parameters<Invokes[C]>) => ReturnType<Invokes[C]> | Promise<ReturnType<Invokes[C]>>;
};

declare global {
  interface Window {
    ecrKeeper: EcrKeeperApi;
  }
}
