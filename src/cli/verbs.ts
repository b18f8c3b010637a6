// The CLI's verb table: every `ecr-keeper` verb with its help, options and run. Parsing and all
// help texts derive from these entries (command.ts); the storage verb lives in storage.ts.
import { InputError, KeeperError, withFix } from '../core/errors';
import { watchSettingsFile } from '../core/settings-watch';
import { formatLeft, formatLocalTime } from '../core/time-text';
import { CONFIG_KEYS } from '../core/config-keys';
import type { Keeper } from '../core/keeper';
import type { Registry } from '../core/registry';
import { REGISTRY_FIELDS, type RegistryFieldName } from '../core/registry-fields';
import { needsAttention, type RegistrySnapshot } from '../core/snapshot';
import {
  EXIT,
  globalHelp,
  problemText,
  table,
  UsageError,
  verb,
  verbHelp,
  type Io,
  type OptionSpec,
  type Verb,
} from './command';
import { storage } from './storage';

interface FieldOption {
  /** The value's placeholder in help. */
  value: string;
  help: string;
  /** add's help: what an absent option means (or `onAdd` instead). */
  default?: string;
  onAdd?: string;
  /** edit's help: an empty value clears the field, back to `default`. */
  clearable?: boolean;
}

/**
 * The help add and edit give for the registry fields they take as `--flag VALUE` (the flag itself
 * is the field table's, src/core/registry-fields.ts), in one list so the two verbs and their help
 * cannot drift: add shows each field's default, edit (every field optional) says what an empty
 * value falls back to. The name is add's positional NAME and edit's --name, so it is not here.
 */
const FIELD_HELP = {
  region: { value: 'R', help: 'AWS region, e.g. us-east-1', onAdd: 'required for private registries' },
  accountId: { value: 'ID', help: '12-digit account id', default: "from the token's proxy endpoint", clearable: true },
  profile: {
    value: 'P',
    help: 'AWS profile from ~/.aws/config',
    default: 'the default credential chain',
    clearable: true,
  },
  tool: {
    value: 'docker|podman|helm',
    help: "login tool: docker writes docker's config.json (nerdctl and Finch read it too); podman writes the containers auth file that podman, buildah and skopeo all read; helm (3.8 or later) writes helm's registry config, as helm registry login does",
    default: 'docker',
  },
  registryHost: { value: 'HOST', help: 'log in to this host', default: 'the derived one', clearable: true },
  apiEndpoint: {
    value: 'URL',
    help: 'call the ECR API here: FIPS, VPC endpoints, emulators',
    default: "the AWS SDK's endpoint",
    clearable: true,
  },
} satisfies { [F in Exclude<FlaggedField, 'name'>]: FieldOption };

/** Every field with a flag in the field table but the name has its help above, or this does not compile. */
type FlaggedField = {
  [F in RegistryFieldName]: (typeof REGISTRY_FIELDS)[F]['flag'] extends string ? F : never;
}[RegistryFieldName];
const fieldEntries = (Object.keys(FIELD_HELP) as (keyof typeof FIELD_HELP)[]).map(
  (field) => [REGISTRY_FIELDS[field].flag, field, FIELD_HELP[field] as FieldOption] as const,
);

/** The field options, each with the help `help` writes for it (add's or edit's wording). */
function fieldOptions(help: (f: FieldOption) => string): Record<string, OptionSpec & { type: 'string' }> {
  return Object.fromEntries(
    fieldEntries.map(([flag, , f]) => [flag, { type: 'string', value: f.value, help: help(f) }]),
  );
}

/** The given field options as registry input (absent ones left out). */
function fieldInput(values: Partial<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    fieldEntries.flatMap(([flag, field]) => (values[flag] === undefined ? [] : [[field, values[flag]]])),
  );
}

/**
 * The warnings the one validation module gives for this input (a region newer than our SDK, a
 * profile not in the AWS files); the keeper validates again when it saves, so errors surface there.
 */
async function doorWarnings(keeper: Keeper, input: Record<string, unknown>, env: NodeJS.ProcessEnv, base?: Registry) {
  const [{ validateRegistryInput }, aws] = await Promise.all([
    import('../core/registry'),
    import('../core/aws-profiles'),
  ]);
  let profiles: { names: string[]; files: string[] } | undefined;
  try {
    const f = aws.awsFiles(env);
    profiles = { names: (await aws.listProfiles(env)).map((p) => p.name), files: [f.configFile, f.credentialsFile] };
  } catch {
    /* unreadable AWS files: the first refresh will say so with its fix */
  }
  const v = validateRegistryInput(input, { existing: keeper.registries(), editingId: base?.id, base, profiles });
  return v.ok ? v.warnings : [];
}

const noSuchRegistry = (name: string) =>
  new InputError([
    { field: 'name', message: `No registry named "${name.slice(0, 80)}". Run \`ecr-keeper list\` to see them.` },
  ]);

function describeResult(r: RegistrySnapshot, now: number): { ok: boolean; text: string } {
  if (r.state === 'helper-managed')
    return { ok: true, text: `= ${r.name}  ${r.host}: handled by the ecr-login credential helper; nothing to do` };
  if (r.error)
    return {
      ok: false,
      text: `x ${r.name}  ${r.host ?? ''}\n    ${problemText(r.error, '    ')}${r.error.retryAt ? `\n    next automatic try (ecr-keeper watch or the app): ${formatLocalTime(r.error.retryAt)}` : ''}`,
    };
  const left = r.expiresAt ? formatLeft(Date.parse(r.expiresAt) - now) : 'unknown';
  const notes = r.notices.map((n) => `\n    note: ${withFix(n.message, n.fix)}`).join('');
  return {
    ok: true,
    text: `ok ${r.name}  ${r.host}  valid for ${left} (until ${r.expiresAt ? formatLocalTime(r.expiresAt) : 'unknown'})${notes}`,
  };
}

/** Each refresh result on its own line (failures on stderr); exit 0 only if all succeeded. */
function printResults(results: RegistrySnapshot[], io: Io): number {
  const now = Date.now();
  let ok = true;
  for (const r of results) {
    const d = describeResult(r, now);
    ok &&= d.ok;
    (d.ok ? io.out : io.err)(d.text);
  }
  return ok ? EXIT.ok : EXIT.failed;
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

/** `login --signin`: one `aws sso login` per profile whose SSO session ran out, then those registries again. */
async function signInWhereNeeded(keeper: Keeper, results: RegistrySnapshot[], io: Io): Promise<RegistrySnapshot[]> {
  const profiles = new Set(
    results.flatMap((r) => (r.error?.action?.kind === 'sso-login' ? [r.error.action.profile] : [])),
  );
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const profile of profiles) {
    io.err(`Signing in: aws sso login --profile ${profile}`);
    try {
      for (const r of await keeper.signIn(profile)) byId.set(r.id, r);
    } catch (err) {
      io.err(
        `x sign-in for ${profile} failed: ${err instanceof KeeperError ? problemText(err, '    ') : (err as Error).message}`,
      );
    }
  }
  return results.map((r) => byId.get(r.id) ?? r);
}

const add = verb({
  name: 'add',
  summary: 'add a registry',
  usage: 'add NAME --region R [options]',
  args: { one: 'NAME', example: 'ecr-keeper add prod --region us-east-1' },
  options: {
    ...fieldOptions((f) => `${f.help} (${f.onAdd ?? `default: ${f.default}`})`),
    public: { type: 'boolean', help: 'an ECR Public registry (public.ecr.aws; token from us-east-1)' },
    disabled: { type: 'boolean', help: 'add it switched off' },
  },
  async run({ values, positionals, io, open }) {
    const keeper = await open();
    const input: Record<string, unknown> = {
      name: positionals[0],
      kind: values.public ? 'public' : 'private',
      ...fieldInput(values),
    };
    if (values.disabled) input.enabled = false;
    const warnings = await doorWarnings(keeper, input, io.env);
    const reg = keeper.addRegistry(input);
    const host = keeper.snapshot().registries.find((r) => r.id === reg.id)?.host;
    io.out(
      `Added ${reg.name} (${reg.kind === 'public' ? 'ECR Public' : reg.region}${host ? `, ${host}` : ', host from the first token'}).`,
    );
    for (const w of warnings) io.err(`warning: ${w.message}`);
    return EXIT.ok;
  },
});

const edit = verb({
  name: 'edit',
  summary: 'change a registry (region, profile, tool, host, on/off...)',
  usage: 'edit NAME [options]',
  about: "Changes only what is given; an empty value clears an optional setting (--profile '').",
  args: { one: 'NAME', example: 'ecr-keeper edit prod --profile prod-admin' },
  options: {
    name: { type: 'string', value: 'NEW', help: 'rename' },
    ...fieldOptions((f) => `${f.help}${f.clearable ? ` ('' : ${f.default})` : ''}`),
    enable: { type: 'boolean', help: 'switch the registry on' },
    disable: { type: 'boolean', help: 'switch the registry off' },
    'auto-refresh': { type: 'string', value: 'on|off', help: 'refresh this registry automatically' },
  },
  async run({ values, positionals, io, open }) {
    if (values.enable && values.disable) throw new UsageError('give --enable or --disable, not both.');
    const auto = values['auto-refresh'];
    if (auto !== undefined && !['on', 'off'].includes(auto)) throw new UsageError('--auto-refresh takes on or off.');
    const input: Record<string, unknown> = {
      name: values.name,
      ...fieldInput(values),
      enabled: values.enable ? true : values.disable ? false : undefined,
      autoRefresh: auto === undefined ? undefined : auto === 'on',
    };
    for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
    if (!Object.keys(input).length)
      throw new UsageError('edit needs at least one change, e.g. --region eu-west-1 or --disable.');
    const keeper = await open();
    const cur = keeper.find(positionals[0]);
    if (!cur) throw noSuchRegistry(positionals[0]);
    const warnings = await doorWarnings(keeper, input, io.env, cur);
    const next = keeper.updateRegistry(cur.id, input);
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== cur[k]);
    for (const k of Object.keys(cur) as (keyof typeof cur)[]) if (!(k in next) && !changed.includes(k)) changed.push(k);
    io.out(
      changed.length
        ? `Updated ${next.name}: ${changed.map((k) => `${k} ${next[k] === undefined ? '(cleared)' : `= ${String(next[k])}`}`).join(', ')}.`
        : `${next.name}: nothing changed.`,
    );
    for (const w of warnings) io.err(`warning: ${w.message}`);
    return EXIT.ok;
  },
});

const remove = verb({
  name: 'remove',
  summary: 'remove a registry (--logout: also remove its login)',
  usage: 'remove NAME [--logout]',
  about: `Removes the registry from ECR Keeper. Its login stays in the tool's credential file until the
token expires (at most 12 hours).`,
  args: { one: 'NAME' },
  options: {
    logout: {
      type: 'boolean',
      help: 'also remove that login now (from the file, and from the credential store it uses)',
    },
  },
  async run({ values, positionals, io, open }) {
    const keeper = await open();
    const snap = keeper.snapshot().registries.find((x) => x.id === keeper.find(positionals[0])?.id);
    const r = keeper.removeRegistry(positionals[0]);
    const host = snap?.host;
    if (!values.logout || !host) {
      io.out(`Removed ${r.name}.`);
      if (host && snap.state !== 'helper-managed' && snap.expiresAt) {
        io.out(
          `Its login to ${host} stays in ${r.tool}'s credentials until it expires (${formatLocalTime(snap.expiresAt)}); \`ecr-keeper remove NAME --logout\` also removes the login.`,
        );
      } else if (values.logout) io.out('It had no host yet, so there was no login to remove.');
      return EXIT.ok;
    }
    const { removeHostEntry } = await import('../core/logout');
    try {
      const out = await removeHostEntry(r.tool, host, { env: io.env });
      const where = [
        out.removedKeys.length ? out.file : '',
        out.erasedFrom ? `the ${out.erasedFrom} credential store` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      io.out(`Removed ${r.name} and its login to ${host}${where ? ` (from ${where})` : ' (there was none)'}.`);
      return EXIT.ok;
    } catch (err) {
      io.out(`Removed ${r.name}.`);
      const k = err instanceof KeeperError ? err : new KeeperError('internal', (err as Error).message, 'Try again.');
      io.err(`error: the login to ${host} could not be removed: ${problemText(k)}`);
      return EXIT.failed;
    }
  },
});

const list = verb({
  name: 'list',
  summary: 'list configured registries',
  usage: 'list [--json]',
  args: 'none',
  options: { json: { type: 'boolean', help: 'the registries as saved, as a JSON array' } },
  async run({ values, io, open }) {
    const keeper = await open({ readOnly: true });
    const snap = keeper.snapshot();
    if (values.json) {
      io.out(JSON.stringify(keeper.registries(), null, 2));
      return EXIT.ok;
    }
    if (!snap.registries.length) {
      io.out('No registries yet. Add one: ecr-keeper add NAME --region REGION [--account ID] [--profile P]');
      return EXIT.ok;
    }
    io.out(
      table([
        ['NAME', 'HOST', 'REGION', 'PROFILE', 'TOOL', 'ENABLED'],
        ...snap.registries.map((r) => [
          r.name,
          r.host ?? '(from first token)',
          r.region,
          r.profile ?? '(default chain)',
          r.tool,
          r.enabled ? 'yes' : 'no',
        ]),
      ]),
    );
    return EXIT.ok;
  },
});

const login = verb({
  name: 'login',
  summary: 'log in now (exit 0 only if every one logged in)',
  usage: 'login [NAME...] [--all] [--signin]',
  about: `Logs the named registries (or --all enabled ones) in now and prints the result of each.
Profiles with mfa_serial ask for the MFA code on this terminal.`,
  args: 'own',
  options: {
    all: { type: 'boolean', help: 'every enabled registry' },
    signin: { type: 'boolean', help: 'when an AWS SSO session has expired, run aws sso login for it and try again' },
  },
  notes: 'Exits 0 only if every one logged in.',
  async run({ values, positionals, io, open }) {
    if (!values.all && positionals.length === 0) throw new UsageError('login needs registry names or --all.');
    if (values.all && positionals.length) throw new UsageError('give registry names or --all, not both.');
    const keeper = await open();
    let targets: string[];
    if (values.all) {
      targets = keeper
        .registries()
        .filter((r) => r.enabled)
        .map((r) => r.id);
      if (!targets.length) {
        io.err('No enabled registries. Add one: ecr-keeper add NAME --region REGION');
        return EXIT.failed;
      }
    } else {
      const unknown = positionals.filter((n) => !keeper.find(n));
      if (unknown.length) throw new InputError(unknown.flatMap((n) => noSuchRegistry(n).problems));
      targets = [...new Set(positionals.map((n) => keeper.find(n)!.id))];
    }
    let results = await keeper.refreshEach(targets);
    if (values.signin) results = await signInWhereNeeded(keeper, results, io);
    return printResults(results, io);
  },
});

const signin = verb({
  name: 'signin',
  summary: 'sign in to AWS SSO (aws sso login), then refresh its registries',
  usage: 'signin PROFILE',
  about: `Runs aws sso login --profile PROFILE (AWS CLI v2; it opens the browser), then refreshes every
registry using that profile. Exits 0 only if sign-in and every refresh succeeded.`,
  args: { one: 'PROFILE', example: 'ecr-keeper signin dev-sso' },
  options: {},
  async run({ positionals: [profile], io, open }) {
    const keeper = await open();
    const results = await keeper.signIn(profile);
    io.out(`Signed in to AWS SSO for profile ${profile}.`);
    if (!results.length) io.out(`No enabled registry uses profile ${profile}.`);
    return printResults(results, io);
  },
});

const status = verb({
  name: 'status',
  summary: "show each registry's state and time left (exit 1: needs attention)",
  usage: 'status [--json]',
  about: `Shows each registry's state, time left and last refresh (local time), as the credential files
are now: a host handed to the ecr-login helper since shows as helper-managed.`,
  args: 'none',
  options: {
    json: {
      type: 'boolean',
      help: 'an array of {name, host, state, expiresAt, secondsLeft, lastRefresh, error} (ISO times)',
    },
  },
  notes: `Exit code: 1 when any enabled registry needs attention (error, sign-in needed, expired), as the
tray and the window count them; else 0 (valid, expiring, not logged in yet, or handled by the
ecr-login helper). Scripts can test it without parsing the output.`,
  async run({ values, io, open }) {
    const keeper = await open({ readOnly: true });
    // The files decide, not what this process remembers: a host since handed to ecr-login (or a
    // login moved to a store) is reported as it is now, and a login removed since (docker logout,
    // another tool, a crash) is not reported valid.
    await keeper.verifyDisk();
    const snap = keeper.snapshot();
    const now = Date.parse(snap.at);
    // The one "needs attention" predicate the tray and the window use.
    const code = snap.registries.some((r) => r.enabled && needsAttention(r)) ? EXIT.failed : EXIT.ok;
    if (values.json) {
      io.out(JSON.stringify(statusJson(snap.registries, now), null, 2));
      return code;
    }
    if (!snap.registries.length) {
      io.out('No registries yet. Add one: ecr-keeper add NAME --region REGION (or find them: ecr-keeper discover)');
      return code;
    }
    io.out(
      table([
        ['NAME', 'HOST', 'STATE', 'TIME LEFT', 'LAST REFRESH'],
        ...snap.registries.map((r) => [
          r.name,
          r.host ?? '-',
          r.state,
          r.expiresAt ? formatLeft(Date.parse(r.expiresAt) - now) : '-',
          r.lastRefresh ? formatLocalTime(r.lastRefresh) : 'never',
        ]),
      ]),
    );
    for (const r of snap.registries) if (r.error) io.out(`\n${r.name}: ${problemText(r.error)}`);
    return code;
  },
});

const config = verb({
  name: 'config',
  summary: 'show or change preferences (refresh lead, notifications...)',
  usage: 'config [get [KEY] | set KEY VALUE]',
  about: `Shows or changes the preferences the app's Settings view shows (same checks, same file).
Keys: ${CONFIG_KEYS.join(', ')}`,
  args: 'own',
  options: { json: { type: 'boolean', help: 'the values as one JSON object' } },
  notes: `Examples: ecr-keeper config set refreshLeadMinutes 45
          ecr-keeper config set notifications.expiring off
          ecr-keeper config set toolPaths.docker /usr/local/bin/docker   ('' clears it)`,
  async run({ values, positionals, io, open }) {
    const [sub = 'get', key, value, ...extra] = positionals;
    const cfg = await import('../core/config-keys');
    if (sub !== 'get' && sub !== 'set') throw new UsageError(`config takes get or set, not "${sub.slice(0, 20)}".`);
    if (key !== undefined && !cfg.isConfigKey(key))
      throw new UsageError(`Unknown setting "${key.slice(0, 40)}". Settings: ${cfg.CONFIG_KEYS.join(', ')}.`);
    if (sub === 'get' && (value !== undefined || extra.length))
      throw new UsageError('config get takes at most one KEY.');
    if (sub === 'set' && (key === undefined || value === undefined || extra.length))
      throw new UsageError('config set needs KEY and VALUE, e.g. ecr-keeper config set refreshLeadMinutes 45');
    const keeper = await open();
    if (sub === 'set') keeper.updateSettings(cfg.patchFor(keeper.settings(), key, value));
    const s = keeper.settings();
    const keys = key ? [key] : [...cfg.CONFIG_KEYS];
    if (values.json) {
      io.out(JSON.stringify(Object.fromEntries(keys.map((k) => [k, cfg.readKey(s, k) ?? null])), null, 2));
      return EXIT.ok;
    }
    if (sub === 'get' && key) {
      io.out(String(cfg.readKey(s, key) ?? ''));
      return EXIT.ok;
    }
    io.out(keys.map((k) => `${k} = ${cfg.readKey(s, k) ?? '(not set)'}`).join('\n'));
    return EXIT.ok;
  },
});

const watch = verb({
  name: 'watch',
  summary: 'stay in the foreground keeping logins fresh',
  usage: 'watch',
  about: `Stays in the foreground refreshing every enabled registry before its token expires, one log
line per event. Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.`,
  args: 'none',
  options: {},
  async run({ io, open, signals }) {
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
    const keeper = await open();
    const enabled = keeper.registries().filter((r) => r.enabled).length;
    keeper.on('activity', (e) =>
      io.out(
        `${formatLocalTime(e.at)} ${e.kind}${e.registryName ? ` ${e.registryName}` : ''}: ${withFix(e.message, e.fix)}`,
      ),
    );
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
  },
});

const discover = verb({
  name: 'discover',
  summary: 'find the ECR registries already in docker/podman/helm files',
  usage: 'discover [--json] [--add]',
  about: `Lists every Amazon ECR registry found in the credential files on this machine (docker's
config.json: auths and credHelpers; podman's auth.json; helm's registry/config.json), with its
account, region, the files it is in, the credential helper that handles it, the AWS profile whose
account matches (sso_account_id, role_arn, or an account seen in an earlier token) and whether
ECR Keeper already keeps it. Reads local files only: no network call.`,
  args: 'none',
  options: {
    json: {
      type: 'boolean',
      help: 'an array of {host, accountId, region, kind, foundIn, helper, profile, candidates, kept}',
    },
    add: {
      type: 'boolean',
      help: 'add every found registry not yet kept (named like 111122223333-eu-west-1), with the matching profile and the tool whose file it was found in; changes none of those files',
    },
  },
  async run({ values, io, open }) {
    const d = await import('../core/discover');
    const keeper = await open();
    const look = () =>
      d.discoverOnMachine({
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
        say(
          `Added ${a.name} (${a.host}, ${a.tool}, ${a.profile ? `profile ${a.profile}` : 'the default credential chain'}).`,
        );
        for (const n of a.notes) say(`    note: ${n.message}`);
      }
      for (const f of notAdded) io.err(`x ${f.host}: not added: ${f.message}`);
      failed = notAdded.length > 0;
      if (!added.length && !notAdded.length && !values.json && found.hosts.length)
        io.out('Every ECR registry found is already kept.');
      if (added.length) found = await look();
    }
    const code = failed ? EXIT.failed : EXIT.ok;
    if (values.json) {
      io.out(JSON.stringify(found.hosts.map(d.discoveredJson), null, 2));
      return code;
    }
    if (!found.hosts.length) {
      io.out(
        `No ECR registries found in ${found.searched.join(', ')}.\nAdd one: ecr-keeper add NAME --region REGION [--account ID] [--profile P]`,
      );
      return code;
    }
    if (!values.add) {
      io.out(
        table([
          ['HOST', 'REGION', 'PROFILE', 'HELPER', 'KEPT', 'FOUND IN'],
          ...found.hosts.map((h) => [
            h.host,
            h.region ?? '-',
            h.profile ?? (h.candidates.length ? `one of ${h.candidates.join(', ')}` : '-'),
            h.helper ?? '-',
            h.kept ? 'yes' : 'no',
            h.foundIn.join(', '),
          ]),
        ]),
      );
      if (found.hosts.some((h) => !h.kept)) io.out('\nAdd the ones not kept yet: ecr-keeper discover --add');
    }
    return code;
  },
});

const help = verb({
  name: 'help',
  summary: "this list, or a command's help (the same as ecr-keeper COMMAND --help)",
  usage: 'help [COMMAND]',
  args: 'own',
  options: {},
  run({ positionals: [name, ...extra], io }) {
    if (extra.length) throw new UsageError('help takes at most one COMMAND.');
    if (name === undefined) {
      io.out(globalHelp(VERBS));
      return EXIT.ok;
    }
    const v = VERBS.find((x) => x.name === name);
    if (!v)
      throw new UsageError(`Unknown command "${name.slice(0, 40)}". Commands: ${VERBS.map((x) => x.name).join(', ')}.`);
    io.out(verbHelp(v));
    return EXIT.ok;
  },
});

/** Every verb, in the order the global help lists them. */
export const VERBS: readonly Verb[] = [
  add,
  edit,
  remove,
  list,
  login,
  signin,
  status,
  config,
  watch,
  storage,
  discover,
  help,
];
