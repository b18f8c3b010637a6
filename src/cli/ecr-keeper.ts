// The headless `ecr-keeper` CLI: the same keeper as the tray app, for servers and CI.
// Exit codes: 0 success, 1 an operation failed, 2 bad usage or invalid input (nothing written).
// Start-up matters (people wait for it in scripts): heavy modules load only in the verbs that
// need them, through dynamic import.
import * as nodeModule from 'node:module';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError, KeeperError, withFix } from '../core/errors';
import { watchSettingsFile } from '../core/settings-watch';
import { formatLeft, formatLocalTime } from '../core/time-text';
import { CONFIG_KEYS } from '../core/config-keys';
import { REGISTRY_FLAGS } from '../core/registry-fields';
import type { Keeper } from '../core/keeper';
import { needsAttention, type RegistrySnapshot } from '../core/snapshot';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

class UsageError extends Error {}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

const GLOBAL_HELP = `ecr-keeper: keeps Amazon ECR docker/podman/helm logins fresh

Usage: ecr-keeper <command> [options]

Commands:
  add NAME --region R [options]   add a registry
  edit NAME [options]             change a registry (region, profile, tool, host, on/off...)
  remove NAME [--logout]          remove a registry (--logout: also remove its login)
  list                            list configured registries
  login [NAME...] [--all]         log in now (exit 0 only if every one logged in)
  signin PROFILE                  sign in to AWS SSO (aws sso login), then refresh its registries
  status [--json]                 show each registry's state and time left (exit 1: needs attention)
  config [get KEY | set KEY VALUE]  show or change preferences (refresh lead, notifications...)
  watch                           stay in the foreground keeping logins fresh
  storage [use STORE | undo]      where logins are stored; move them into a keychain/store
  discover [--json] [--add]       find the ECR registries already in docker/podman/helm files

Global options:
  --config-dir DIR   settings folder (default: $ECR_KEEPER_CONFIG_DIR or the app's folder)
  -h, --help         help for a command, e.g. ecr-keeper add --help
  -v, --version      print the version

Times are local with their zone; --json output uses ISO 8601.
Exit codes: 0 success, 1 an operation failed (status: a registry needs attention),
2 bad usage or invalid input.`;

const HELP: Record<string, string> = {
  add: `Usage: ecr-keeper add NAME --region R [options]

  --region R             AWS region, e.g. us-east-1 (required for private registries)
  --account ID           12-digit account id (default: from the token's proxy endpoint)
  --profile P            AWS profile from ~/.aws/config (default: the default credential chain)
  --tool docker|podman|helm
                         login tool (default: docker). docker writes docker's config.json
                         (nerdctl and Finch read it too); podman writes the containers auth
                         file that podman, buildah and skopeo all read; helm writes helm's
                         registry config (helm registry login; helm 3.8 or later)
  --registry-host HOST   log in to this host instead of the derived one
  --api-endpoint URL     call the ECR API here (FIPS, VPC endpoints, emulators)
  --public               an ECR Public registry (public.ecr.aws; token from us-east-1)
  --disabled             add it switched off`,
  remove: `Usage: ecr-keeper remove NAME [--logout]

  Removes the registry from ECR Keeper. Its login stays in the tool's credential file until the
  token expires (at most 12 hours).
  --logout   also remove that login now (from the file, and from the credential store it uses)`,
  edit: `Usage: ecr-keeper edit NAME [options]

  Changes only what is given; an empty value clears an optional setting (--profile '').
  --name NEW             rename
  --region R             AWS region
  --account ID           12-digit account id ('' : from the token)
  --profile P            AWS profile ('' : the default credential chain)
  --tool docker|podman   login tool
  --registry-host HOST   log in to this host ('' : the derived one)
  --api-endpoint URL     call the ECR API here ('' : the default endpoint)
  --enable | --disable   switch the registry on or off
  --auto-refresh on|off  refresh this registry automatically`,
  config: `Usage: ecr-keeper config [get [KEY] | set KEY VALUE]

  Shows or changes the preferences the app's Settings view shows (same checks, same file).
  Keys: ${CONFIG_KEYS.join(', ')}
  Examples: ecr-keeper config set refreshLeadMinutes 45
            ecr-keeper config set notifications.expiring off
            ecr-keeper config set toolPaths.docker /usr/local/bin/docker   ('' clears it)`,
  list: 'Usage: ecr-keeper list [--json]',
  login: `Usage: ecr-keeper login [NAME...] [--all] [--signin]

  Logs the named registries (or --all enabled ones) in now and prints the result of each.
  Profiles with mfa_serial ask for the MFA code on this terminal.
  --signin   when an AWS SSO session has expired, run aws sso login for it and try again
  Exits 0 only if every one logged in.`,
  signin: `Usage: ecr-keeper signin PROFILE

  Runs aws sso login --profile PROFILE (AWS CLI v2; it opens the browser), then refreshes every
  registry using that profile. Exits 0 only if sign-in and every refresh succeeded.`,
  status: `Usage: ecr-keeper status [--json]

  Shows each registry's state, time left and last refresh (local time), as the credential files
  are now: a host handed to the ecr-login helper since shows as helper-managed.
  --json   an array of {name, host, state, expiresAt, secondsLeft, lastRefresh, error} (ISO times)
  Exit code: 1 when any enabled registry needs attention (error, sign-in needed, expired), as the
  tray and the window count them; else 0 (valid, expiring, not logged in yet, or handled by the
  ecr-login helper). Scripts can test it without parsing the output.`,
  discover: `Usage: ecr-keeper discover [--json] [--add]

  Lists every Amazon ECR registry found in the credential files on this machine (docker's
  config.json: auths and credHelpers; podman's auth.json; helm's registry/config.json), with its
  account, region, the files it is in, the credential helper that handles it, the AWS profile whose
  account matches (sso_account_id, role_arn, or an account seen in an earlier token) and whether
  ECR Keeper already keeps it. Reads local files only: no network call.
  --json   an array of {host, accountId, region, kind, foundIn, helper, profile, candidates, kept}
  --add    add every found registry not yet kept (named like 111122223333-eu-west-1), with the
           matching profile and the tool whose file it was found in; changes none of those files`,
  watch: `Usage: ecr-keeper watch

  Stays in the foreground refreshing every enabled registry before its token expires, one log
  line per event. Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.`,
};

const GLOBAL_OPTS = {
  'config-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = Record<string, string | boolean | undefined>;

function parse(args: string[], options: ParseArgsConfig['options']): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...GLOBAL_OPTS, ...options }, allowPositionals: true, strict: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, '.'));
  }
}

async function openKeeper(configDir: string | undefined, io: Io, opts: { readOnly?: boolean } = {}) {
  const [{ createKeeper }, { openJsonFile }, { defaultConfigDir }] = await Promise.all([
    import('../core/engine'),
    import('../core/json-store'),
    import('../core/settings'),
  ]);
  const dir = configDir ?? defaultConfigDir(io.env);
  const { keeper, warnings } = createKeeper({
    configDir: dir,
    env: io.env,
    openStore: openJsonFile,
    // Asks on the terminal; without one (services, CI, `watch` in the background) MFA profiles
    // fail at once with signin-required instead of hanging.
    mfaPrompt: (await import('../core/mfa')).terminalMfaPrompt(),
    signIn: { stdio: 'inherit' },
    readOnly: opts.readOnly,
  });
  for (const w of warnings) io.err(`warning: ${w}`);
  return keeper;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

export function statusJson(snaps: RegistrySnapshot[], now: number) {
  return snaps.map((r) => ({
    name: r.name,
    host: r.host,
    state: r.state,
    expiresAt: r.expiresAt,
    secondsLeft: r.expiresAt ? Math.max(0, Math.floor((Date.parse(r.expiresAt) - now) / 1000)) : null,
    lastRefresh: r.lastRefresh,
    error: r.error ? { category: r.error.category, message: r.error.message, fix: r.error.fix } : null,
  }));
}

function describeResult(r: RegistrySnapshot, now: number): { ok: boolean; text: string } {
  if (r.state === 'helper-managed') return { ok: true, text: `= ${r.name}  ${r.host}: handled by the ecr-login credential helper; nothing to do` };
  if (r.error) return { ok: false, text: `x ${r.name}  ${r.host ?? ''}\n    ${r.error.category}: ${r.error.message}\n    fix: ${r.error.fix}${r.error.retryAt ? `\n    next automatic try (ecr-keeper watch or the app): ${formatLocalTime(r.error.retryAt)}` : ''}` };
  const left = r.expiresAt ? formatLeft(Date.parse(r.expiresAt) - now) : 'unknown';
  const notes = r.notices.map((n) => `\n    note: ${withFix(n.message, n.fix)}`).join('');
  return { ok: true, text: `ok ${r.name}  ${r.host}  valid for ${left} (until ${r.expiresAt ? formatLocalTime(r.expiresAt) : 'unknown'})${notes}` };
}

/** The registry fields' `--flag VALUE` options (src/core/registry-fields.ts), and the input they give. */
type FieldFlags = typeof REGISTRY_FLAGS;
function fieldOptions(fields: FieldFlags): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(fields.map(([, flag]) => [flag, { type: 'string' as const }]));
}
function fieldValues(fields: FieldFlags, values: Values): Record<string, unknown> {
  return Object.fromEntries(fields.map(([field, flag]) => [field, values[flag]]));
}

async function cmdAdd(args: string[], io: Io): Promise<number> {
  const fields = REGISTRY_FLAGS.filter(([f]) => f !== 'name'); // the name is the positional NAME
  const { values, positionals } = parse(args, {
    ...fieldOptions(fields),
    public: { type: 'boolean' },
    disabled: { type: 'boolean' },
  });
  if (values.help) { io.out(HELP.add!); return EXIT.ok; }
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `add takes one NAME, got ${positionals.length}.` : 'add needs a NAME, e.g. ecr-keeper add prod --region us-east-1');
  const keeper = await openKeeper(values['config-dir'] as string | undefined, io);
  const input: Record<string, unknown> = {
    name: positionals[0],
    kind: values.public ? 'public' : 'private',
    ...fieldValues(fields, values),
  };
  if (values.disabled) input.enabled = false;
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  const warnings = await doorWarnings(keeper, input, io.env);
  const reg = keeper.addRegistry(input);
  const host = keeper.snapshot().registries.find((r) => r.id === reg.id)?.host;
  io.out(`Added ${reg.name} (${reg.kind === 'public' ? 'ECR Public' : reg.region}${host ? `, ${host}` : ', host from the first token'}).`);
  for (const w of warnings) io.err(`warning: ${w.message}`);
  return EXIT.ok;
}

/**
 * The warnings the one validation module gives for this input (a region newer than our SDK, a
 * profile not in the AWS files); the keeper validates again when it saves, so errors surface there.
 */
async function doorWarnings(keeper: Keeper, input: Record<string, unknown>, env: NodeJS.ProcessEnv, base?: import('../core/registry').Registry) {
  const [{ validateRegistryInput }, aws] = await Promise.all([import('../core/registry'), import('../core/aws-profiles')]);
  let profiles: { names: string[]; files: string[] } | undefined;
  try {
    const f = aws.awsFiles(env);
    profiles = { names: (await aws.listProfiles(env)).map((p) => p.name), files: [f.configFile, f.credentialsFile] };
  } catch { /* unreadable AWS files: the first refresh will say so with its fix */ }
  const v = validateRegistryInput(input, { existing: keeper.registries(), editingId: base?.id, base, profiles });
  return v.ok ? v.warnings : [];
}

async function cmdRemove(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { logout: { type: 'boolean' } });
  if (values.help) { io.out(HELP.remove!); return EXIT.ok; }
  if (positionals.length !== 1) throw new UsageError('remove needs exactly one NAME.');
  const keeper = await openKeeper(values['config-dir'] as string | undefined, io);
  const snap = keeper.snapshot().registries.find((x) => x.id === keeper.find(positionals[0]!)?.id);
  const r = keeper.removeRegistry(positionals[0]!);
  const host = snap?.host;
  if (!values.logout || !host) {
    io.out(`Removed ${r.name}.`);
    if (host && snap.state !== 'helper-managed' && snap.expiresAt) {
      io.out(`Its login to ${host} stays in ${r.tool}'s credentials until it expires (${formatLocalTime(snap.expiresAt)}); \`ecr-keeper remove NAME --logout\` also removes the login.`);
    } else if (values.logout) io.out('It had no host yet, so there was no login to remove.');
    return EXIT.ok;
  }
  const { removeHostEntry } = await import('../core/logout');
  try {
    const out = await removeHostEntry(r.tool, host, { env: io.env });
    const where = [out.removedKeys.length ? out.file : '', out.erasedFrom ? `the ${out.erasedFrom} credential store` : ''].filter(Boolean).join(' and ');
    io.out(`Removed ${r.name} and its login to ${host}${where ? ` (from ${where})` : ' (there was none)'}.`);
    return EXIT.ok;
  } catch (err) {
    io.out(`Removed ${r.name}.`);
    const k = err instanceof KeeperError ? err : new KeeperError('internal', (err as Error).message, 'Try again.');
    io.err(`error: the login to ${host} could not be removed: ${k.category}: ${k.message}\n  fix: ${k.fix}`);
    return EXIT.failed;
  }
}

async function cmdEdit(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ...fieldOptions(REGISTRY_FLAGS),
    enable: { type: 'boolean' },
    disable: { type: 'boolean' },
    'auto-refresh': { type: 'string' },
  });
  if (values.help) { io.out(HELP.edit!); return EXIT.ok; }
  if (positionals.length !== 1) throw new UsageError('edit needs exactly one NAME, e.g. ecr-keeper edit prod --profile prod-admin');
  if (values.enable && values.disable) throw new UsageError('give --enable or --disable, not both.');
  const auto = values['auto-refresh'];
  if (auto !== undefined && !['on', 'off'].includes(auto as string)) throw new UsageError('--auto-refresh takes on or off.');
  const input: Record<string, unknown> = {
    ...fieldValues(REGISTRY_FLAGS, values),
    enabled: values.enable ? true : values.disable ? false : undefined,
    autoRefresh: auto === undefined ? undefined : auto === 'on',
  };
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  if (!Object.keys(input).length) throw new UsageError('edit needs at least one change, e.g. --region eu-west-1 or --disable.');
  const keeper = await openKeeper(values['config-dir'] as string | undefined, io);
  const cur = keeper.find(positionals[0]!);
  if (!cur) throw new InputError([{ field: 'name', message: `No registry named "${positionals[0]!.slice(0, 80)}". Run \`ecr-keeper list\` to see them.` }]);
  const warnings = await doorWarnings(keeper, input, io.env, cur);
  const next = keeper.updateRegistry(cur.id, input);
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== cur[k]);
  for (const k of Object.keys(cur) as (keyof typeof cur)[]) if (!(k in next) && !changed.includes(k)) changed.push(k);
  io.out(changed.length ? `Updated ${next.name}: ${changed.map((k) => `${k} ${next[k] === undefined ? '(cleared)' : `= ${String(next[k])}`}`).join(', ')}.` : `${next.name}: nothing changed.`);
  for (const w of warnings) io.err(`warning: ${w.message}`);
  return EXIT.ok;
}

async function cmdConfig(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (values.help) { io.out(HELP.config!); return EXIT.ok; }
  const [verb = 'get', key, value, ...extra] = positionals;
  const cfg = await import('../core/config-keys');
  if (verb !== 'get' && verb !== 'set') throw new UsageError(`config takes get or set, not "${verb.slice(0, 20)}".`);
  if (key !== undefined && !cfg.isConfigKey(key)) throw new UsageError(`Unknown setting "${key.slice(0, 40)}". Settings: ${cfg.CONFIG_KEYS.join(', ')}.`);
  if (verb === 'get' && (value !== undefined || extra.length)) throw new UsageError('config get takes at most one KEY.');
  if (verb === 'set' && (key === undefined || value === undefined || extra.length)) throw new UsageError('config set needs KEY and VALUE, e.g. ecr-keeper config set refreshLeadMinutes 45');
  const keeper = await openKeeper(values['config-dir'] as string | undefined, io);
  if (verb === 'set') keeper.updateSettings(cfg.patchFor(keeper.settings(), key as import('../core/config-keys').ConfigKey, value!));
  const s = keeper.settings();
  const keys = key ? [key as import('../core/config-keys').ConfigKey] : [...cfg.CONFIG_KEYS];
  if (values.json) { io.out(JSON.stringify(Object.fromEntries(keys.map((k) => [k, cfg.readKey(s, k) ?? null])), null, 2)); return EXIT.ok; }
  if (verb === 'get' && key) { io.out(String(cfg.readKey(s, key as import('../core/config-keys').ConfigKey) ?? '')); return EXIT.ok; }
  io.out(keys.map((k) => `${k} = ${cfg.readKey(s, k) ?? '(not set)'}`).join('\n'));
  return EXIT.ok;
}

async function cmdList(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (values.help) { io.out(HELP.list!); return EXIT.ok; }
  if (positionals.length) throw new UsageError('list takes no arguments.');
  const keeper = await openKeeper(values['config-dir'] as string | undefined, io, { readOnly: true });
  const snap = keeper.snapshot();
  if (values.json) { io.out(JSON.stringify(keeper.registries(), null, 2)); return EXIT.ok; }
  if (!snap.registries.length) { io.out('No registries yet. Add one: ecr-keeper add NAME --region REGION [--account ID] [--profile P]'); return EXIT.ok; }
  io.out(table([
    ['NAME', 'HOST', 'REGION', 'PROFILE', 'TOOL', 'ENABLED'],
    ...snap.registries.map((r) => [r.name, r.host ?? '(from first token)', r.region, r.profile ?? '(default chain)', r.tool, r.enabled ? 'yes' : 'no']),
  ]));
  return EXIT.ok;
}

async function cmdStatus(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (values.help) { io.out(HELP.status!); return EXIT.ok; }
  if (positionals.length) throw new UsageError('status takes no arguments.');
  const keeper = await openKeeper(values['config-dir'] as string | undefined, io, { readOnly: true });
  // The files decide, not what this process remembers: a host since handed to ecr-login (or a
  // login moved to a store) is reported as it is now, and a login removed since (docker logout,
  // another tool, a crash) is not reported valid.
  await keeper.verifyDisk();
  const snap = keeper.snapshot();
  const now = Date.parse(snap.at);
  // The one "needs attention" predicate the tray and the window use.
  const code = snap.registries.some((r) => r.enabled && needsAttention(r)) ? EXIT.failed : EXIT.ok;
  if (values.json) { io.out(JSON.stringify(statusJson(snap.registries, now), null, 2)); return code; }
  if (!snap.registries.length) { io.out('No registries yet. Add one: ecr-keeper add NAME --region REGION (or find them: ecr-keeper discover)'); return code; }
  io.out(table([
    ['NAME', 'HOST', 'STATE', 'TIME LEFT', 'LAST REFRESH'],
    ...snap.registries.map((r) => [
      r.name, r.host ?? '-', r.state,
      r.expiresAt ? formatLeft(Date.parse(r.expiresAt) - now) : '-',
      r.lastRefresh ? formatLocalTime(r.lastRefresh) : 'never',
    ]),
  ]));
  for (const r of snap.registries) if (r.error) io.out(`\n${r.name}: ${r.error.category}: ${r.error.message}\n  fix: ${r.error.fix}`);
  return code;
}

async function cmdDiscover(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, add: { type: 'boolean' } });
  if (values.help) { io.out(HELP.discover!); return EXIT.ok; }
  if (positionals.length) throw new UsageError('discover takes no arguments.');
  const d = await import('../core/discover');
  const keeper = await openKeeper(values['config-dir'] as string | undefined, io);
  const look = () => d.discoverOnMachine({
    env: io.env,
    keptHosts: keeper.snapshot().registries.flatMap((r) => (r.host ? [r.host] : [])),
    knownAccounts: keeper.knownAccounts(),
  });
  let found = await look();
  for (const w of found.warnings) io.err(`warning: ${w}`);
  let failed = false;
  if (values.add) {
    const say = values.json ? io.err : io.out;
    const { added, failed: notAdded } = d.addDiscovered(keeper, found.hosts);
    for (const a of added) {
      say(`Added ${a.name} (${a.host}, ${a.tool}, ${a.profile ? `profile ${a.profile}` : 'the default credential chain'}).`);
      for (const n of a.notes) say(`    note: ${n.message}`);
    }
    for (const f of notAdded) io.err(`x ${f.host}: not added: ${f.message}`);
    failed = notAdded.length > 0;
    if (!added.length && !notAdded.length && !values.json && found.hosts.length) io.out('Every ECR registry found is already kept.');
    if (added.length) found = await look();
  }
  if (values.json) { io.out(JSON.stringify(found.hosts.map(d.discoveredJson), null, 2)); return failed ? EXIT.failed : EXIT.ok; }
  if (!found.hosts.length) {
    io.out(`No ECR registries found in ${found.searched.join(', ')}.\nAdd one: ecr-keeper add NAME --region REGION [--account ID] [--profile P]`);
    return failed ? EXIT.failed : EXIT.ok;
  }
  if (!values.add) {
    io.out(table([
      ['HOST', 'REGION', 'PROFILE', 'HELPER', 'KEPT', 'FOUND IN'],
      ...found.hosts.map((h) => [
        h.host, h.region ?? '-',
        h.profile ?? (h.candidates.length ? `one of ${h.candidates.join(', ')}` : '-'),
        h.helper ?? '-', h.kept ? 'yes' : 'no', h.foundIn.join(', '),
      ]),
    ]));
    if (found.hosts.some((h) => !h.kept)) io.out('\nAdd the ones not kept yet: ecr-keeper discover --add');
  }
  return failed ? EXIT.failed : EXIT.ok;
}

/** `login --signin`: one `aws sso login` per profile whose SSO session ran out, then those registries again. */
async function signInWhereNeeded(keeper: Keeper, results: RegistrySnapshot[], io: Io): Promise<RegistrySnapshot[]> {
  const profiles = new Set(results.flatMap((r) => (r.error?.action?.kind === 'sso-login' ? [r.error.action.profile] : [])));
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const profile of profiles) {
    io.err(`Signing in: aws sso login --profile ${profile}`);
    try {
      for (const r of await keeper.signIn(profile)) byId.set(r.id, r);
    } catch (err) {
      const k = err instanceof KeeperError ? err : undefined;
      io.err(`x sign-in for ${profile} failed: ${k ? `${k.category}: ${k.message}\n    fix: ${k.fix}` : (err as Error).message}`);
    }
  }
  return results.map((r) => byId.get(r.id) ?? r);
}

async function cmdSignin(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) { io.out(HELP.signin!); return EXIT.ok; }
  if (positionals.length !== 1) throw new UsageError('signin needs exactly one AWS PROFILE, e.g. ecr-keeper signin dev-sso');
  const keeper = await openKeeper(values['config-dir'] as string | undefined, io);
  const results = await keeper.signIn(positionals[0]!);
  io.out(`Signed in to AWS SSO for profile ${positionals[0]}.`);
  if (!results.length) io.out(`No enabled registry uses profile ${positionals[0]}.`);
  const now = Date.now();
  let ok = true;
  for (const r of results) {
    const d = describeResult(r, now);
    ok &&= d.ok;
    (d.ok ? io.out : io.err)(d.text);
  }
  return ok ? EXIT.ok : EXIT.failed;
}

async function cmdLogin(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { all: { type: 'boolean' }, signin: { type: 'boolean' } });
  if (values.help) { io.out(HELP.login!); return EXIT.ok; }
  if (!values.all && positionals.length === 0) throw new UsageError('login needs registry names or --all.');
  if (values.all && positionals.length) throw new UsageError('give registry names or --all, not both.');
  const keeper = await openKeeper(values['config-dir'] as string | undefined, io);
  let targets: string[];
  if (values.all) {
    targets = keeper.registries().filter((r) => r.enabled).map((r) => r.id);
    if (!targets.length) { io.err('No enabled registries. Add one: ecr-keeper add NAME --region REGION'); return EXIT.failed; }
  } else {
    const unknown = positionals.filter((n) => !keeper.find(n));
    if (unknown.length) throw new InputError(unknown.map((n) => ({ field: 'name', message: `No registry named "${n.slice(0, 80)}". Run \`ecr-keeper list\` to see them.` })));
    targets = [...new Set(positionals.map((n) => keeper.find(n)!.id))];
  }
  let results = await Promise.all(targets.map((id) => keeper.refresh(id)));
  if (values.signin) results = await signInWhereNeeded(keeper, results, io);
  const now = Date.now();
  let ok = true;
  for (const r of results) {
    const d = describeResult(r, now);
    ok &&= d.ok;
    (d.ok ? io.out : io.err)(d.text);
  }
  return ok ? EXIT.ok : EXIT.failed;
}

async function cmdWatch(args: string[], io: Io, signals: NodeJS.EventEmitter): Promise<number> {
  const { values, positionals } = parse(args, {});
  if (values.help) { io.out(HELP.watch!); return EXIT.ok; }
  if (positionals.length) throw new UsageError('watch takes no arguments.');
  // Listen for signals before anything is printed: a supervisor may send SIGTERM as soon as it
  // sees the first line, and an unhandled SIGTERM would kill the process without a clean stop.
  // `on`, not `once`: the atomic writer (atomically's when-exit) re-sends the signal to the process after
  // its own cleanup; with no listener left, that second delivery would kill us mid-stop.
  const stopped = new Promise<void>((resolve) => {
    signals.on('SIGINT', () => resolve());
    signals.on('SIGTERM', () => resolve());
  });
  // The keeper's alarm is unref'd; this keeps the process alive until a signal arrives.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  const keeper: Keeper = await openKeeper(values['config-dir'] as string | undefined, io);
  const enabled = keeper.registries().filter((r) => r.enabled).length;
  keeper.on('activity', (e) => io.out(`${formatLocalTime(e.at)} ${e.kind}${e.registryName ? ` ${e.registryName}` : ''}: ${withFix(e.message, e.fix)}`));
  keeper.on('notify', (n) => io.out(`${formatLocalTime(Date.now())} notice: ${n.title}: ${n.body}`));
  io.out(`${formatLocalTime(Date.now())} watching ${enabled} registr${enabled === 1 ? 'y' : 'ies'} (Ctrl-C to stop)`);
  keeper.start();
  // Registries added or edited by another `ecr-keeper` (or the tray app) join without a restart.
  const settingsWatch = watchSettingsFile(keeper.settingsPath, () => keeper.reload());
  await stopped;
  settingsWatch.close();
  clearInterval(keepAlive);
  await keeper.stop();
  io.out(`${formatLocalTime(Date.now())} stopped`);
  return EXIT.ok;
}

export async function main(argvIn: string[], io: Io, signals: NodeJS.EventEmitter = process): Promise<number> {
  // `--config-dir DIR` may also come before the command; move it after, where each verb parses it.
  const argv = [...argvIn];
  const lead: string[] = [];
  while (argv[0]?.startsWith('--config-dir')) {
    lead.push(argv.shift()!);
    if (!lead[lead.length - 1]!.includes('=') && argv.length) lead.push(argv.shift()!);
  }
  const [cmd, ...restArgs] = argv;
  const rest = [...restArgs, ...lead];
  try {
    switch (cmd) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        if (cmd === 'help' && rest[0] && HELP[rest[0]]) io.out(HELP[rest[0]]!);
        else io.out(GLOBAL_HELP);
        return cmd === undefined ? EXIT.usage : EXIT.ok;
      case '-v':
      case '--version':
        io.out(VERSION);
        return EXIT.ok;
      case 'add': return await cmdAdd(rest, io);
      case 'remove': return await cmdRemove(rest, io);
      case 'edit': return await cmdEdit(rest, io);
      case 'config': return await cmdConfig(rest, io);
      case 'list': return await cmdList(rest, io);
      case 'status': return await cmdStatus(rest, io);
      case 'login': return await cmdLogin(rest, io);
      case 'signin': return await cmdSignin(rest, io);
      case 'watch': return await cmdWatch(rest, io, signals);
      case 'discover': return await cmdDiscover(rest, io);
      case 'storage': return await (await import('./storage')).cmdStorage(rest, io, openKeeper);
      default:
        throw new UsageError(`Unknown command "${String(cmd).slice(0, 40)}".`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\nRun \`ecr-keeper ${cmd && HELP[cmd] ? `${cmd} ` : ''}--help\` for usage.`);
      return EXIT.usage;
    }
    if (err instanceof InputError) {
      for (const p of err.problems) io.err(`error: ${p.message}`);
      io.err('Nothing was changed.');
      return EXIT.usage;
    }
    if (err instanceof KeeperError) {
      io.err(`error: ${err.category}: ${err.message}\n  fix: ${err.fix}`);
      return err.category === 'invalid-input' ? EXIT.usage : EXIT.failed;
    }
    io.err(`error: ${(err as Error).message ?? String(err)}`);
    return EXIT.failed;
  }
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

// Run when executed directly (dist/cli.js), not when imported by tests.
const invokedDirectly = (() => {
  try {
    const argv1 = process.argv[1] ?? '';
    return /(?:^|[\\/])(cli\.(?:js|ts)|ecr-keeper)$/.test(argv1);
  } catch { return false; }
})();

if (invokedDirectly) {
  // Node keeps the compiled code of the chunks loaded below (settings, the AWS SDK) on disk and
  // reuses it on the next start (Node >= 22.1; a no-op where it is missing or disabled with
  // NODE_DISABLE_COMPILE_CACHE=1). Measured in docs/PERFORMANCE.md.
  nodeModule.enableCompileCache?.();
  // A reader that closes the pipe early (`ecr-keeper status | head -1`) is not an error: stop
  // writing to it, finish the command, exit with its code, and print no EPIPE trace.
  const closed = new Set<NodeJS.WriteStream>();
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') closed.add(stream);
      else throw err;
    });
  }
  const write = (stream: NodeJS.WriteStream) => (s: string) => { if (!closed.has(stream)) stream.write(`${s}\n`); };
  main(process.argv.slice(2), { out: write(process.stdout), err: write(process.stderr), env: process.env })
    .then((code) => { process.exitCode = code; });
}
