// The credential storage view: where each registry's login lives (plain text, a store, a helper),
// which credential stores work on this computer (and, for those that do not, why and what to do),
// moving ECR Keeper's logins into a working store (after a confirm step: a backup is kept) and
// undoing the last move. The keeper checks the store again before touching anything; this view
// only offers what the report says can work.
import { withFix } from '../core/errors';
import type { ErrorView, KeeperMove, StorageReport, StoreName, UndoResult } from '../electron/contract';
import { call, errorView } from './api';
import { fill, h, richText } from './dom';
import { storageBadge, storeTitle, TONE_ICON } from './format';

type RegistryRow = StorageReport['registries'][number];
type StoreRow = StorageReport['stores'][number];

export interface StorageHooks {
  announce(text: string): void;
}

/** A registry whose login a move to `store` would change: its host is known and not already there. */
export function movable(r: RegistryRow, store: string): boolean {
  if (!r.host || r.storage === 'unknown' || r.storage === 'ecr-login') return false;
  return !((r.storage === 'helper' || r.storage === 'store') && r.helper === store);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export class StorageView {
  readonly el: HTMLElement;
  private report: StorageReport | null = null;
  private loadSeq = 0;
  private busy = false;
  /** What the last action did (or why it failed); stays until the next action. */
  private readonly outcome = h('div', { class: 'storage-outcome', tabindex: -1, hidden: true });
  private readonly loading = h(
    'p',
    { class: 'hint storage-loading', hidden: true },
    'Checking where logins are kept and which credential stores work here…',
  );
  private readonly body = h('div', { class: 'storage-body' });
  private readonly checkBtn = h(
    'button',
    { type: 'button', class: 'btn', 'data-action': 'recheck', onclick: () => void this.load() },
    'Check again',
  );

  constructor(private readonly hooks: StorageHooks) {
    this.el = h(
      'section',
      { class: 'view view-storage', 'aria-labelledby': 'storage-heading' },
      h('h2', { id: 'storage-heading', tabindex: -1 }, 'Credential storage'),
      h(
        'p',
        { class: 'intro' },
        'Unless a credential store is set up, docker, podman and helm keep each login in plain text (base64) in their config file, where any program you run can read it. ',
        'ECR Keeper can move the logins of its own registries into a store that works on this computer; other registries are left as they are.',
      ),
      this.outcome,
      this.loading,
      this.body,
    );
  }

  /** Reads the report again (on every visit: stores can start or stop working at any time). */
  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    this.el.setAttribute('aria-busy', 'true');
    this.loading.hidden = false;
    this.checkBtn.disabled = true;
    try {
      const report = await call('getStorage');
      if (seq !== this.loadSeq) return;
      this.report = report;
      this.render();
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.report = null;
      fill(
        this.body,
        errorPanel('Could not read the credential storage', errorView(err)),
        h('div', { class: 'form-actions' }, this.checkBtn),
      );
    } finally {
      if (seq === this.loadSeq) {
        this.el.setAttribute('aria-busy', 'false');
        this.loading.hidden = true;
        this.checkBtn.disabled = false;
      }
    }
  }

  private render(): void {
    const r = this.report!;
    const working = r.stores.filter((s) => s.works);
    fill(this.body, this.registriesSection(r), this.storesSection(r), this.actionsSection(r, working));
  }

  private registriesSection(r: StorageReport): HTMLElement {
    const rows = r.registries.map((reg) => {
      const b = storageBadge(reg.storage, reg.helper);
      return h(
        'li',
        {
          class: 'storage-row',
          'data-registry': reg.name,
          'data-storage': reg.storage,
          'data-helper': reg.helper ?? '',
        },
        h(
          'div',
          { class: 'row-head' },
          h('span', { class: 'row-name' }, reg.name),
          h('span', { class: `badge tone-${b.tone}` }, `${TONE_ICON[b.tone]} ${b.text}`),
        ),
        reg.host ? h('p', { class: 'row-host' }, reg.host, h('span', { class: 'row-tool' }, ` · ${reg.tool}`)) : null,
        h('p', { class: 'row-desc' }, `Stored: ${reg.description}.`),
      );
    });
    return h(
      'section',
      { class: 'storage-section', 'aria-labelledby': 'storage-regs-heading' },
      h('h3', { id: 'storage-regs-heading' }, 'Where each login lives'),
      rows.length
        ? h('ul', { class: 'storage-list', 'aria-labelledby': 'storage-regs-heading' }, ...rows)
        : h(
            'p',
            { class: 'empty-note' },
            'No registries yet. Add one on the Registries tab; its login shows up here after the first refresh.',
          ),
    );
  }

  private storesSection(r: StorageReport): HTMLElement {
    const row = (s: StoreRow) => {
      const chosen = r.chosen === s.store;
      return h(
        'li',
        { class: `store-row${s.works ? '' : ' is-off'}`, 'data-store': s.store, 'data-works': String(s.works) },
        h(
          'div',
          { class: 'row-head' },
          h('span', { class: 'row-name' }, storeTitle(s.store)),
          h(
            'span',
            { class: `badge tone-${s.works ? 'ok' : 'muted'}` },
            s.works ? `${TONE_ICON.ok} Works here` : `${TONE_ICON.muted} Not available`,
          ),
        ),
        chosen
          ? h(
              'p',
              { class: 'row-desc' },
              'ECR Keeper keeps its logins here; registries you add later are stored here too.',
            )
          : null,
        s.works && s.program ? h('p', { class: 'row-host' }, s.program) : null,
        !s.works && s.reason
          ? h('p', { class: 'store-reason' }, h('strong', {}, 'Why: '), ...richText(s.reason))
          : null,
        !s.works && s.fix ? h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), ...richText(s.fix)) : null,
      );
    };
    return h(
      'section',
      { class: 'storage-section', 'aria-labelledby': 'storage-stores-heading' },
      h('h3', { id: 'storage-stores-heading' }, 'Credential stores on this computer'),
      h('ul', { class: 'store-list', 'aria-labelledby': 'storage-stores-heading' }, ...r.stores.map(row)),
    );
  }

  private actionsSection(r: StorageReport, working: StoreRow[]): HTMLElement {
    const parts: (HTMLElement | null)[] = [];
    if (working.length === 0) {
      parts.push(
        h(
          'p',
          { class: 'note', 'data-role': 'no-store' },
          'No credential store works on this computer yet, so the logins stay where they are. Set one up with the fix shown next to it, then check again.',
        ),
      );
    } else {
      for (const s of working) {
        const targets = r.registries.filter((reg) => movable(reg, s.store));
        if (targets.length === 0) {
          parts.push(
            h(
              'p',
              { class: 'note', 'data-role': 'all-in', 'data-store': s.store },
              r.registries.some((reg) => reg.host)
                ? `Every login ECR Keeper can move is in ${s.store} already.`
                : `Nothing to move to ${s.store} yet: a registry's host is known after its first refresh.`,
            ),
          );
          continue;
        }
        parts.push(
          this.confirmable({
            label: `Move logins to ${s.store}`,
            action: 'move',
            store: s.store,
            primary: true,
            question: () => moveQuestion(s.store, targets),
            confirmLabel: `Move to ${s.store}`,
            run: () => this.move(s.store),
          }),
        );
      }
    }
    if (r.canUndo) {
      const file = r.registries[0]?.file ?? 'the docker config';
      parts.push(
        this.confirmable({
          label: 'Undo last move',
          action: 'undo',
          primary: false,
          question: () => [
            `Put ${file} back exactly as it was before the last move, from the backup ECR Keeper kept? `,
            'Logins made since then are not in that copy; refresh a registry to log it in again.',
          ],
          confirmLabel: 'Restore backup',
          run: () => this.undo(),
        }),
      );
    }
    parts.push(h('div', { class: 'form-actions' }, this.checkBtn));
    return h(
      'section',
      { class: 'storage-section storage-actions', 'aria-labelledby': 'storage-actions-heading' },
      h('h3', { id: 'storage-actions-heading' }, 'Change where logins are kept'),
      ...parts,
    );
  }

  /** A button that opens an inline confirm row (the same pattern as removing a registry). */
  private confirmable(o: {
    label: string;
    action: string;
    store?: string;
    primary: boolean;
    question: () => (string | HTMLElement)[];
    confirmLabel: string;
    run: () => Promise<void>;
  }): HTMLElement {
    const text = h('p', { class: 'confirm-text' });
    const open = h(
      'button',
      {
        type: 'button',
        class: `btn${o.primary ? ' primary' : ''}`,
        'data-action': o.action,
        'data-store': o.store ?? null,
      },
      o.label,
    );
    const yes = h(
      'button',
      { type: 'button', class: 'btn primary', 'data-action': `confirm-${o.action}` },
      o.confirmLabel,
    );
    const no = h('button', { type: 'button', class: 'btn', 'data-action': `cancel-${o.action}` }, 'Cancel');
    const row = h(
      'div',
      { class: 'confirm storage-confirm', role: 'group', 'aria-label': o.label, hidden: true },
      text,
      yes,
      no,
    );
    const wrap = h('div', { class: 'storage-action' }, open, row);
    open.disabled = this.busy;
    open.addEventListener('click', () => {
      fill(text, ...o.question());
      row.hidden = false;
      open.hidden = true;
      no.focus();
    });
    no.addEventListener('click', () => {
      row.hidden = true;
      open.hidden = false;
      open.focus();
    });
    yes.addEventListener('click', () => {
      if (this.busy) return;
      yes.disabled = true;
      no.disabled = true;
      void o.run();
    });
    return wrap;
  }

  private async move(store: StoreName): Promise<void> {
    await this.act(
      `Moving logins to ${store}: backing up the config, logging each registry in again…`,
      'Nothing was moved',
      async () => {
        const res: KeeperMove = await call('useStore', store);
        const lines: (string | HTMLElement)[] = [
          h(
            'p',
            { class: 'outcome-title' },
            `${TONE_ICON.ok} Moved ${plural(res.hosts.length, 'login', 'logins')} to ${store}.`,
          ),
          h('p', {}, `Now in ${store}: ${res.hosts.join(', ')}.`),
        ];
        if (res.backups.length)
          lines.push(h('p', {}, 'Backup kept: ', ...res.backups.flatMap((b, i) => [i ? ', ' : '', h('code', {}, b)])));
        for (const s of res.skipped) lines.push(h('p', { class: 'hint' }, `Left alone: ${s.host} (${s.reason}).`));
        for (const n of res.notMoved)
          lines.push(
            h(
              'p',
              { class: 'hint' },
              n.reason === 'disabled'
                ? `Not moved: ${n.name} is disabled; its login stays where it is.`
                : `Not moved yet: ${n.name} (its host is known after the first refresh; it will go to ${store} then).`,
            ),
          );
        return {
          lines,
          say: `Moved ${plural(res.hosts.length, 'login', 'logins')} to ${store}. A backup of the docker config was kept.`,
        };
      },
    );
  }

  private async undo(): Promise<void> {
    await this.act('Restoring the backup…', 'Could not restore the backup', async () => {
      const res: UndoResult = await call('undoStorage');
      const lines: (string | HTMLElement)[] = [
        h('p', { class: 'outcome-title' }, `${TONE_ICON.ok} Restored the configuration from before the move.`),
        h('p', {}, 'Put back: ', ...res.restored.flatMap((f, i) => [i ? ', ' : '', h('code', {}, f)])),
      ];
      return { lines, say: 'Restored the docker configuration from its backup.' };
    });
  }

  /** Runs one change, shows what it did (or its error with the fix), then re-reads the report. */
  private async act(
    progress: string,
    failTitle: string,
    job: () => Promise<{ lines: (string | HTMLElement)[]; say: string }>,
  ): Promise<void> {
    this.busy = true;
    this.el.setAttribute('aria-busy', 'true');
    this.outcome.className = 'storage-outcome is-busy';
    fill(this.outcome, h('p', {}, progress));
    this.outcome.hidden = false;
    for (const b of this.body.querySelectorAll('button')) b.disabled = true;
    let say: string;
    try {
      const done = await job();
      this.outcome.className = 'storage-outcome is-ok';
      this.outcome.setAttribute('data-outcome', 'ok');
      fill(this.outcome, ...done.lines);
      say = done.say;
    } catch (err) {
      const v = errorView(err);
      this.outcome.className = 'storage-outcome is-error';
      this.outcome.setAttribute('data-outcome', 'error');
      fill(this.outcome, errorPanel(failTitle, v));
      say = withFix(v.message, v.fix);
    } finally {
      this.busy = false;
    }
    await this.load();
    this.hooks.announce(say);
    this.outcome.focus();
  }
}

function moveQuestion(store: string, targets: RegistryRow[]): (string | HTMLElement)[] {
  const files = [...new Set(targets.map((t) => t.file))];
  return [
    `Move the ${targets.length === 1 ? 'login' : 'logins'} of ${targets.map((t) => t.name).join(', ')} into ${store}? `,
    'ECR Keeper first keeps a backup of ',
    ...files.flatMap((f, i) => [i ? ' and ' : '', h('code', {}, f)]),
    ' beside it, logs these registries in again through the store and removes their plain-text entries. Other registries are not touched, and Undo puts the backup back.',
  ];
}

function errorPanel(title: string, v: ErrorView): HTMLElement {
  return h(
    'div',
    { class: 'error-panel', role: 'group', 'aria-label': `Error: ${title}`, 'data-category': v.category },
    h(
      'p',
      { class: 'error-title' },
      h('span', { class: 'error-icon', 'aria-hidden': 'true' }, '✕'),
      h('span', { class: 'error-category' }, title),
    ),
    h('p', { class: 'error-message' }, ...richText(v.message)),
    h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), ...richText(v.fix)),
  );
}
