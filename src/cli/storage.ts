// `ecr-keeper storage`: where each registry's login lives, which credential stores work here,
// and the one-step move into a store (`use STORE`) and back (`undo`).
import type { StorageReport } from '../core/storage-migration';
import { EXIT, table, UsageError, verb } from './command';

export const storage = verb({
  name: 'storage',
  summary: 'where logins are stored; move them into a keychain/store',
  usage: 'storage [use STORE | undo] [--json]',
  about: `(no verb)   show where each registry's login is stored and which credential stores work here
use STORE   move the logins of ECR Keeper's registries into STORE (osxkeychain, wincred,
            desktop, secretservice, pass): backs up the docker config beside itself, maps only
            those hosts to STORE through credHelpers, logs each in again and removes their
            plain-text entries. Nothing changes if STORE does not work; a failure half way
            restores the backup.
undo        put the docker config (and podman's and helm's files) back exactly as before the last "use"`,
  args: 'own',
  options: { json: { type: 'boolean', help: 'machine-readable output (no verb only)' } },
  async run({ values, positionals: [sub, ...more], io, open }) {
    const core = await import('../core/storage-migration');
    if (sub === undefined) {
      const keeper = await open();
      const regs = keeper.snapshot().registries.map((r) => ({ name: r.name, host: r.host, tool: r.tool }));
      const report = await core.storageReport(regs, { env: io.env });
      io.out(values.json ? JSON.stringify(report, null, 2) : formatStorageReport(report));
      return EXIT.ok;
    }
    if (values.json) throw new UsageError('--json goes with "ecr-keeper storage" alone.');

    if (sub === 'use') {
      if (more.length !== 1)
        throw new UsageError(
          more.length ? 'use takes one STORE.' : 'use needs a STORE, e.g. ecr-keeper storage use pass',
        );
      const { isStoreName, STORE_NAMES } = await import('../core/cred-stores');
      if (!isStoreName(more[0]))
        throw new UsageError(
          `"${more[0].slice(0, 40)}" is not a credential store; choose one of ${STORE_NAMES.join(', ')}.`,
        );
      const keeper = await open();
      const result = await core.moveKeeperLogins(keeper, more[0], { env: io.env });
      for (const n of result.notMoved) {
        io.out(
          n.reason === 'disabled'
            ? `skip ${n.name}: disabled (its login stays where it is)`
            : `later ${n.name}: host not known yet; it is mapped to ${result.store} at its first login`,
        );
      }
      for (const s of result.skipped) io.out(`skip ${s.host}: ${s.reason}`);
      for (const h of result.hosts) io.out(`ok ${h}: login now in ${result.store}`);
      io.out(
        `Backup: ${result.backups.join(', ')} (it still holds the old plain-text logins; delete it once you no longer need "ecr-keeper storage undo").`,
      );
      return EXIT.ok;
    }

    if (sub === 'undo') {
      if (more.length) throw new UsageError('undo takes no arguments.');
      const result = await core.undo({ env: io.env });
      for (const f of result.restored) io.out(`restored ${f}`);
      io.out('The logins are back where they were. Run `ecr-keeper login --all` if they have expired since.');
      return EXIT.ok;
    }
    throw new UsageError(`Unknown storage command "${sub.slice(0, 40)}".`);
  },
});

function formatStorageReport(report: StorageReport): string {
  const lines: string[] = [];
  if (report.registries.length) {
    lines.push(
      table([
        ['REGISTRY', 'HOST', 'TOOL', 'LOGIN STORED'],
        ...report.registries.map((r) => [r.name, r.host ?? '-', r.tool, r.description]),
      ]),
    );
  } else {
    lines.push('No registries yet. Add one: ecr-keeper add NAME --region REGION');
  }
  lines.push('', 'Credential stores:');
  for (const s of report.stores) {
    lines.push(
      `  ${s.works ? 'works  ' : 'no     '}${s.store.padEnd(14)}${s.works ? (s.program ?? '') : (s.reason ?? '')}`,
    );
    if (!s.works && s.fix) lines.push(`  ${' '.repeat(21)}fix: ${s.fix}`);
  }
  const working = report.stores.filter((s) => s.works).map((s) => s.store);
  const plain = report.registries.filter((r) => r.storage === 'plaintext').length;
  lines.push('');
  if (report.chosen)
    lines.push(
      `ECR Keeper keeps its docker logins in "${report.chosen}"; registries added later are mapped there too.`,
    );
  if (plain && working.length)
    lines.push(
      `${plain} login${plain === 1 ? ' is' : 's are'} in plain text. Move ${plain === 1 ? 'it' : 'them'}: ecr-keeper storage use ${working[0]}`,
    );
  else if (plain)
    lines.push(
      `${plain} login${plain === 1 ? ' is' : 's are'} in plain text, and no credential store works here yet (see the fixes above).`,
    );
  if (report.interrupted)
    lines.push(
      `A move to "${report.interrupted}" was interrupted (every login still works): finish it with ecr-keeper storage use ${report.interrupted}, or roll it back with ecr-keeper storage undo.`,
    );
  if (report.canUndo) lines.push('Undo the last move: ecr-keeper storage undo');
  while (lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
