// `ecr-keeper storage`: where each registry's login lives, which credential stores work here,
// and the one-step move into a store (`use STORE`) and back (`undo`).
// Exit codes as in cli.ts: 0 success, 1 an operation failed, 2 bad usage or invalid input.
import { parseArgs } from 'node:util';
import { KeeperError } from '../core/errors';
import type { Keeper } from '../core/keeper';
import type { StorageReport } from '../core/storage-migration';

export const STORAGE_HELP = `Usage: ecr-keeper storage [--json]
       ecr-keeper storage use STORE
       ecr-keeper storage undo

  (no verb)   show where each registry's login is stored and which credential stores work here
  use STORE   move the logins of ECR Keeper's registries into STORE (osxkeychain, wincred,
              desktop, secretservice, pass): backs up the docker config beside itself, maps only
              those hosts to STORE through credHelpers, logs each in again and removes their
              plain-text entries. Nothing changes if STORE does not work; a failure half way
              restores the backup.
  undo        put the docker config (and podman's and helm's files) back exactly as before the last "use"
  --json      machine-readable output (no verb only)`;

export interface StorageIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

export type OpenKeeper = (configDir: string | undefined, io: StorageIo) => Promise<Keeper>;

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function usage(io: StorageIo, message: string): number {
  io.err(`error: ${message}\nRun \`ecr-keeper storage --help\` for usage.`);
  return EXIT.usage;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

export function formatStorageReport(report: StorageReport): string {
  const lines: string[] = [];
  if (report.registries.length) {
    lines.push(table([
      ['REGISTRY', 'HOST', 'TOOL', 'LOGIN STORED'],
      ...report.registries.map((r) => [r.name, r.host ?? '-', r.tool, r.description]),
    ]));
  } else {
    lines.push('No registries yet. Add one: ecr-keeper add NAME --region REGION');
  }
  lines.push('', 'Credential stores:');
  for (const s of report.stores) {
    lines.push(`  ${s.works ? 'works  ' : 'no     '}${s.store.padEnd(14)}${s.works ? s.program ?? '' : s.reason ?? ''}`);
    if (!s.works && s.fix) lines.push(`  ${' '.repeat(21)}fix: ${s.fix}`);
  }
  const working = report.stores.filter((s) => s.works).map((s) => s.store);
  const plain = report.registries.filter((r) => r.storage === 'plaintext').length;
  lines.push('');
  if (report.chosen) lines.push(`ECR Keeper keeps its docker logins in "${report.chosen}"; registries added later are mapped there too.`);
  if (plain && working.length) lines.push(`${plain} login${plain === 1 ? ' is' : 's are'} in plain text. Move ${plain === 1 ? 'it' : 'them'}: ecr-keeper storage use ${working[0]}`);
  else if (plain) lines.push(`${plain} login${plain === 1 ? ' is' : 's are'} in plain text, and no credential store works here yet (see the fixes above).`);
  if (report.interrupted) lines.push(`A move to "${report.interrupted}" was interrupted (every login still works): finish it with ecr-keeper storage use ${report.interrupted}, or roll it back with ecr-keeper storage undo.`);
  if (report.canUndo) lines.push('Undo the last move: ecr-keeper storage undo');
  while (lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

export async function cmdStorage(args: string[], io: StorageIo, openKeeper: OpenKeeper): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    const r = parseArgs({
      args,
      options: { 'config-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    values = r.values;
    positionals = r.positionals;
  } catch (err) {
    return usage(io, (err as Error).message.replace(/\. To specify a positional.*$/s, '.'));
  }
  if (values.help) { io.out(STORAGE_HELP); return EXIT.ok; }
  const [verb, ...more] = positionals;
  const configDir = values['config-dir'] as string | undefined;
  const core = await import('../core/storage-migration');

  try {
    if (verb === undefined) {
      const keeper = await openKeeper(configDir, io);
      const regs = keeper.snapshot().registries.map((r) => ({ name: r.name, host: r.host, tool: r.tool }));
      const report = await core.storageReport(regs, { env: io.env });
      io.out(values.json ? JSON.stringify(report, null, 2) : formatStorageReport(report));
      return EXIT.ok;
    }
    if (values.json) return usage(io, '--json goes with "ecr-keeper storage" alone.');

    if (verb === 'use') {
      if (more.length !== 1) return usage(io, more.length ? 'use takes one STORE.' : 'use needs a STORE, e.g. ecr-keeper storage use pass');
      const { isStoreName, STORE_NAMES } = await import('../core/cred-stores');
      if (!isStoreName(more[0])) return usage(io, `"${more[0]!.slice(0, 40)}" is not a credential store; choose one of ${STORE_NAMES.join(', ')}.`);
      const keeper = await openKeeper(configDir, io);
      const result = await core.moveKeeperLogins(keeper, more[0], { env: io.env });
      for (const n of result.notMoved) {
        io.out(n.reason === 'disabled' ? `skip ${n.name}: disabled (its login stays where it is)` : `later ${n.name}: host not known yet; it is mapped to ${result.store} at its first login`);
      }
      for (const s of result.skipped) io.out(`skip ${s.host}: ${s.reason}`);
      for (const h of result.hosts) io.out(`ok ${h}: login now in ${result.store}`);
      io.out(`Backup: ${result.backups.join(', ')} (it still holds the old plain-text logins; delete it once you no longer need "ecr-keeper storage undo").`);
      return EXIT.ok;
    }

    if (verb === 'undo') {
      if (more.length) return usage(io, 'undo takes no arguments.');
      const result = await core.undo({ env: io.env });
      for (const f of result.restored) io.out(`restored ${f}`);
      io.out('The logins are back where they were. Run `ecr-keeper login --all` if they have expired since.');
      return EXIT.ok;
    }
    return usage(io, `Unknown storage command "${verb.slice(0, 40)}".`);
  } catch (err) {
    if (err instanceof KeeperError) {
      io.err(`error: ${err.category}: ${err.message}\n  fix: ${err.fix}`);
      return err.category === 'invalid-input' ? EXIT.usage : EXIT.failed;
    }
    throw err;
  }
}
