// The headless `ecr-keeper` CLI: the same keeper as the tray app, for servers and CI. main()
// finds the verb in the table (verbs.ts), parses its options, shows help, runs it and turns what
// it throws into a message and an exit code (command.ts: EXIT). The programs that run it:
// ecr-keeper.ts (dist/cli.js, on Node) and standalone.ts (the single-file binary).
import { InputError, KeeperError } from '../core/errors';
import {
  checkArgs,
  EXIT,
  GLOBAL_OPTIONS,
  globalHelp,
  isFlag,
  openKeeper,
  parseOptions,
  problemText,
  TOP_OPTIONS,
  UsageError,
  verbHelp,
  type Io,
  type Verb,
} from './command';
import { VERBS } from './verbs';

export async function main(argvIn: string[], io: Io, signals: NodeJS.EventEmitter = process): Promise<number> {
  // `--config-dir DIR` may also come before the command; move it after, where each verb parses it.
  const argv = [...argvIn];
  const lead: string[] = [];
  while (argv[0]?.startsWith('--config-dir')) {
    lead.push(argv.shift()!);
    if (!lead[lead.length - 1].includes('=') && argv.length) lead.push(argv.shift()!);
  }
  const [cmd, ...restArgs] = argv;
  const rest = [...restArgs, ...lead];
  const v = VERBS.find((x) => x.name === cmd);
  try {
    if (cmd === undefined || isFlag(cmd, 'help', GLOBAL_OPTIONS.help)) {
      io.out(globalHelp(VERBS));
      return cmd === undefined ? EXIT.usage : EXIT.ok;
    }
    if (isFlag(cmd, 'version', TOP_OPTIONS.version)) {
      io.out(VERSION);
      return EXIT.ok;
    }
    if (!v) throw new UsageError(`Unknown command "${cmd.slice(0, 40)}".`);
    return await run(v, rest, io, signals);
  } catch (err) {
    return report(err, v, io);
  }
}

async function run(v: Verb, args: string[], io: Io, signals: NodeJS.EventEmitter): Promise<number> {
  const { values, positionals } = parseOptions(v, args);
  if (values.help) {
    io.out(verbHelp(v));
    return EXIT.ok;
  }
  checkArgs(v, positionals);
  return v.run({ values, positionals, io, signals, open: (opts) => openKeeper(values['config-dir'], io, opts) });
}

/** What a verb threw, as the one message and exit code for it. */
function report(err: unknown, v: Verb | undefined, io: Io): number {
  if (err instanceof UsageError) {
    io.err(`error: ${err.message}\nRun \`ecr-keeper ${v ? `${v.name} ` : ''}--help\` for usage.`);
    return EXIT.usage;
  }
  if (err instanceof InputError) {
    for (const p of err.problems) io.err(`error: ${p.message}`);
    io.err('Nothing was changed.');
    return EXIT.usage;
  }
  if (err instanceof KeeperError) {
    io.err(`error: ${problemText(err)}`);
    return err.category === 'invalid-input' ? EXIT.usage : EXIT.failed;
  }
  io.err(`error: ${(err as Error).message ?? String(err)}`);
  return EXIT.failed;
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

/**
 * Runs the command in process.argv (after node and the script, or after the standalone binary's
 * own two entries: both put the arguments from argv[2]) with the process's streams, and sets the
 * exit code. Used by both entries: ecr-keeper.ts (Node) and standalone.ts (the binary).
 */
export function runCommandLine(): void {
  // A reader that closes the pipe early (`ecr-keeper status | head -1`) is not an error: stop
  // writing to it, finish the command, exit with its code, and print no EPIPE trace.
  const closed = new Set<NodeJS.WriteStream>();
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') closed.add(stream);
      else throw err;
    });
  }
  const write = (stream: NodeJS.WriteStream) => (s: string) => {
    if (!closed.has(stream)) stream.write(`${s}\n`);
  };
  void main(process.argv.slice(2), { out: write(process.stdout), err: write(process.stderr), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
  );
}
