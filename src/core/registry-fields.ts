// A registry's fields, written out once. The Registry type, what a person may supply
// (RegistryInput), the field names problems are reported under, the labels, the type checks, the
// identity test and the CLI's flags all derive from REGISTRY_FIELDS, and the `satisfies` below
// ties it to Registry both ways: a field added to one and not the other does not compile.
//
// Its own module, without the SDK's region table registry.ts loads, so the CLI can build its option
// lists from it at every start for nothing.

// podman's auth file is also the one buildah and skopeo read (containers/image); helm logs in to
// OCI registries for charts with its own file.
export type LoginTool = 'docker' | 'podman' | 'helm';
export const LOGIN_TOOLS: readonly LoginTool[] = ['docker', 'podman', 'helm'];
export type RegistryKind = 'private' | 'public';

export interface Registry {
  /** Stable id; survives renames. */
  id: string;
  name: string;
  kind: RegistryKind;
  region: string;
  accountId?: string;
  profile?: string;
  tool: LoginTool;
  enabled: boolean;
  /** Per-registry auto-refresh (the global switch lives in settings). */
  autoRefresh: boolean;
  /** Log in to this host instead of the derived one (VPC endpoint names, test registries). */
  registryHost?: string;
  /** Call the ECR API here instead of the default endpoint (FIPS, VPC endpoints, emulators). */
  apiEndpoint?: string;
}

/** How one field is described; `type` must match the field's TypeScript type. */
interface FieldSpec<T> {
  /** What the window and the problems call it. */
  label: string;
  /** What a person supplies: text ('' means "not set") or true/false. */
  type: NonNullable<T> extends boolean ? 'boolean' : 'text';
  /** Part of what a login is for: changing it makes the old login say nothing about the new one. */
  identity: boolean;
  /** The CLI's `--flag VALUE` for it in add and edit; null where the verbs have switches of their own (--public, --disable, --auto-refresh on|off). */
  flag: string | null;
}

export const REGISTRY_FIELDS = {
  name: { label: 'Name', type: 'text', identity: false, flag: 'name' },
  kind: { label: 'Kind', type: 'text', identity: true, flag: null },
  region: { label: 'Region', type: 'text', identity: true, flag: 'region' },
  accountId: { label: 'Account ID', type: 'text', identity: true, flag: 'account' },
  profile: { label: 'AWS profile', type: 'text', identity: true, flag: 'profile' },
  tool: { label: 'Login tool', type: 'text', identity: true, flag: 'tool' },
  registryHost: { label: 'Registry host', type: 'text', identity: true, flag: 'registry-host' },
  apiEndpoint: { label: 'API endpoint', type: 'text', identity: true, flag: 'api-endpoint' },
  // Last, so problems come text fields first as they always have.
  enabled: { label: 'Enabled', type: 'boolean', identity: false, flag: null },
  autoRefresh: { label: 'Auto-refresh', type: 'boolean', identity: false, flag: null },
} as const satisfies { [K in Exclude<keyof Registry, 'id'>]-?: FieldSpec<Registry[K]> };

/** The fields a person supplies (everything but the id). */
export type RegistryFieldName = keyof typeof REGISTRY_FIELDS;
export const REGISTRY_FIELD_NAMES = Object.keys(REGISTRY_FIELDS) as RegistryFieldName[];

/** What a person (CLI flags, the form, IPC) supplies; strings may be empty meaning "not set". */
export type RegistryInput = { [K in RegistryFieldName]?: unknown };

/** Where a problem is shown: a field, or the input as a whole. */
export type RegistryField = RegistryFieldName | 'input';

export function labelOf(field: RegistryField): string {
  return field === 'input' ? 'Input' : REGISTRY_FIELDS[field].label;
}

const IDENTITY = REGISTRY_FIELD_NAMES.filter((f) => REGISTRY_FIELDS[f].identity);

/** A change to what identifies a login: the old login says nothing about the new one. */
export function identityChanged(a: Registry, b: Registry): boolean {
  return IDENTITY.some((f) => a[f] !== b[f]);
}
