// The CLI's verb framework. Each verb is one table entry ({name, summary, usage, options, args,
// run}); argument parsing, the positional check, `ecr-keeper VERB --help`, `ecr-keeper help VERB`
// and the global help's command list all derive from it, as the GitHub CLI's commands do.
// Nothing heavy is imported here: start-up matters (people wait for it in scripts), so a verb's
// run loads what it needs through dynamic import.
import { parseArgs } from 'node:util';
import type { Keeper } from '../core/keeper';

/** The one table of exit codes; the global help's footer explains them. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Bad usage (nothing was done): printed with a pointer to the verb's help, exit 2. */
export class UsageError extends Error {}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in help: `--region R`. */
  value?: string;
  help: string;
}
export type Options = Record<string, OptionSpec>;

/** Options every verb takes (the dispatcher handles them). */
export const GLOBAL_OPTIONS = {
  'config-dir': {
    type: 'string',
    value: 'DIR',
    help: "settings folder (default: $ECR_KEEPER_CONFIG_DIR or the app's folder)",
  },
  help: { type: 'boolean', short: 'h', help: 'help for a command, e.g. ecr-keeper add --help' },
} as const satisfies Options;

/** Options only the program itself takes, before any verb. */
export const TOP_OPTIONS = {
  version: { type: 'boolean', short: 'v', help: 'print the version' },
} as const satisfies Options;

type ValuesOf<O extends Options> = { [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };

export interface Ctx<O extends Options = Options> {
  values: ValuesOf<O> & ValuesOf<typeof GLOBAL_OPTIONS>;
  positionals: string[];
  io: Io;
  signals: NodeJS.EventEmitter;
  /** The keeper over the --config-dir folder, opened when the verb is ready to use it. */
  open: (opts?: { readOnly?: boolean }) => Promise<Keeper>;
}

/**
 * What a verb takes besides options: nothing, exactly one ARG (checked here, before run), or
 * whatever run checks itself (sub-verbs, lists).
 */
export type Args = 'none' | { one: string; example?: string } | 'own';

export interface Verb<O extends Options = Options> {
  name: string;
  /** One line in the global help's command list. */
  summary: string;
  /** What follows `ecr-keeper ` in both helps. */
  usage: string;
  /** Pre-wrapped text before the options in the verb's help. */
  about?: string;
  options: O;
  /** Pre-wrapped text after the options. */
  notes?: string;
  args: Args;
  /** Sync where nothing is awaited (help). */
  run: (ctx: Ctx<O>) => Promise<number> | number;
}

/** A table entry with its option values typed from its options. */
export function verb<const O extends Options>(v: Verb<O>): Verb {
  return v;
}

/** `--name` or `-s` for that option. */
export function isFlag(arg: string | undefined, name: string, spec: OptionSpec): boolean {
  return arg === `--${name}` || (spec.short !== undefined && arg === `-${spec.short}`);
}

/** The verb's options (and the global ones) parsed strictly: an unknown option is a usage error. */
export function parseOptions(v: Verb, args: string[]): Pick<Ctx, 'values' | 'positionals'> {
  const options = Object.fromEntries(
    Object.entries({ ...GLOBAL_OPTIONS, ...v.options } as Options).map(([k, o]) => [
      k,
      o.short ? { type: o.type, short: o.short } : { type: o.type },
    ]),
  );
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: r.values as Ctx['values'], positionals: r.positionals };
  } catch (err) {
    // Node's own wording, without its hint about `--` (no verb takes a value starting with '-').
    throw new UsageError((err as Error).message.replace(/\. To specify a positional.*$/s, '.'));
  }
}

export function checkArgs(v: Verb, positionals: string[]): void {
  const n = positionals.length;
  if (v.args === 'none' && n) throw new UsageError(`${v.name} takes no arguments.`);
  if (typeof v.args === 'object' && n !== 1) {
    const { one, example } = v.args;
    throw new UsageError(
      n ? `${v.name} takes one ${one}, got ${n}.` : `${v.name} needs a ${one}${example ? `, e.g. ${example}` : '.'}`,
    );
  }
}

export async function openKeeper(
  configDir: string | undefined,
  io: Io,
  opts: { readOnly?: boolean } = {},
): Promise<Keeper> {
  const [{ createKeeper }, { openJsonFile }, { defaultConfigDir }, { terminalMfaPrompt }] = await Promise.all([
    import('../core/engine'),
    import('../core/json-store'),
    import('../core/settings'),
    import('../core/mfa'),
  ]);
  const { keeper, warnings } = createKeeper({
    configDir: configDir ?? defaultConfigDir(io.env),
    env: io.env,
    openStore: openJsonFile,
    // Asks on the terminal; without one (services, CI, `watch` in the background) MFA profiles
    // fail at once with signin-required instead of hanging.
    mfaPrompt: terminalMfaPrompt(),
    signIn: { stdio: 'inherit' },
    readOnly: opts.readOnly,
  });
  for (const w of warnings) io.err(`warning: ${w}`);
  return keeper;
}

// ---- help, derived from the table ----

const WIDTH = 100;
/** Option names are padded to this many characters; a longer one puts its help on the next line. */
const FLAG_COLUMN = 21;

/** Greedy word wrap to WIDTH; continuation lines start `indent` columns in. */
function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function optionLines(options: Options): string[] {
  return Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;
    const help = wrap(o.help, FLAG_COLUMN + 4);
    return flag.length <= FLAG_COLUMN
      ? `  ${flag.padEnd(FLAG_COLUMN)}  ${help}`
      : `  ${flag}\n${' '.repeat(FLAG_COLUMN + 4)}${help}`;
  });
}

const indented = (text: string) =>
  text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');

export function verbHelp(v: Verb): string {
  return [
    `Usage: ecr-keeper ${v.usage}`,
    '',
    ...(v.about ? [indented(v.about)] : []),
    ...optionLines(v.options),
    ...(v.notes ? [indented(v.notes)] : []),
  ]
    .join('\n')
    .trimEnd();
}

export function globalHelp(verbs: readonly Verb[]): string {
  return `ecr-keeper: keeps Amazon ECR docker/podman/helm logins fresh

Usage: ecr-keeper <command> [options]

Commands:
${indented(table(verbs.map((v) => [v.usage, v.summary])))}

Global options:
${optionLines({ ...GLOBAL_OPTIONS, ...TOP_OPTIONS }).join('\n')}

Times are local with their zone; --json output uses ISO 8601.
Exit codes: ${EXIT.ok} success, ${EXIT.failed} an operation failed (status: a registry needs attention),
${EXIT.usage} bad usage or invalid input.`;
}

// ---- output shared by verbs ----

/** Columns padded to their widest cell (the last one is not padded). */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

/** A KeeperError (or an ErrorInfo from a snapshot) as the CLI prints it: category, message, fix. */
export function problemText(p: { category: string; message: string; fix: string }, indent = '  '): string {
  return `${p.category}: ${p.message}\n${indent}fix: ${p.fix}`;
}
