// The activity log: newest first, at most 200 entries (the keeper keeps the same number). Entries
// are secret-free by construction in the keeper; they are rendered as text only. It can be
// filtered by registry and kind, copied as text and cleared; times are local, with the date when
// not from today, and a failure's fix sits on its own line.
import type { ActivityEntry } from '../electron/contract';
import { call, errorView } from './api';
import { fill, h } from './dom';
import { formatWhen, localizeTimes } from './format';

export const ACTIVITY_LIMIT = 200;

const KIND_LABEL: Record<string, string> = {
  refresh: 'Refresh',
  failure: 'Failure',
  login: 'Login',
  settings: 'Settings',
  registry: 'Registry',
  notice: 'Notice',
  signin: 'Sign-in',
};

export class ActivityLog {
  readonly el: HTMLElement;
  private readonly list = h('ol', { class: 'activity-list', 'aria-label': 'Activity, newest first' });
  private readonly empty = h(
    'p',
    { class: 'empty-note' },
    'Nothing has happened yet. Refreshes, logins, failures and settings changes appear here.',
  );
  private readonly noMatch = h('p', { class: 'empty-note', hidden: true }, 'No entry matches the filter.');
  private readonly regSelect = h('select', {
    'aria-label': 'Show activity for registry',
    'data-role': 'activity-registry',
  });
  private readonly kindSelect = h('select', { 'aria-label': 'Show activity of kind', 'data-role': 'activity-kind' });
  private readonly status = h('span', { class: 'hint', role: 'status' });
  private entries: ActivityEntry[] = [];

  constructor(private readonly announce: (t: string) => void = () => {}) {
    fill(
      this.kindSelect,
      h('option', { value: '' }, 'All kinds'),
      ...Object.entries(KIND_LABEL).map(([k, l]) => h('option', { value: k }, l)),
    );
    this.regSelect.addEventListener('change', () => this.render());
    this.kindSelect.addEventListener('change', () => this.render());
    const tools = h(
      'div',
      { class: 'dash-tools activity-tools' },
      this.regSelect,
      this.kindSelect,
      h(
        'button',
        { type: 'button', class: 'btn', 'data-action': 'copy-activity', onclick: () => void this.copy() },
        'Copy',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn danger-quiet',
          'data-action': 'clear-activity',
          onclick: () => void this.clear(),
        },
        'Clear',
      ),
      this.status,
    );
    this.el = h(
      'section',
      { class: 'view view-activity', 'aria-labelledby': 'activity-heading' },
      h('h2', { id: 'activity-heading', tabindex: -1 }, 'Activity'),
      tools,
      this.empty,
      this.noMatch,
      this.list,
    );
    this.syncRegistries();
  }

  /** Entries shown (after the filters). */
  get count(): number {
    return [...this.list.children].filter((e) => !(e as HTMLElement).hidden).length;
  }

  setAll(entries: readonly ActivityEntry[]): void {
    this.entries = entries.slice(-ACTIVITY_LIMIT);
    this.syncRegistries();
    this.render();
  }

  add(e: ActivityEntry): void {
    this.entries.push(e);
    if (this.entries.length > ACTIVITY_LIMIT) this.entries.splice(0, this.entries.length - ACTIVITY_LIMIT);
    if (e.registryName && ![...this.regSelect.options].some((o) => o.value === e.registryName)) this.syncRegistries();
    const li = row(e, Date.now());
    li.hidden = !this.matches(e);
    this.list.insertBefore(li, this.list.firstChild);
    while (this.list.childElementCount > this.entries.length) this.list.lastElementChild!.remove();
    this.updateNotes();
  }

  private matches(e: ActivityEntry): boolean {
    const reg = this.regSelect.value;
    const kind = this.kindSelect.value;
    return (!reg || e.registryName === reg) && (!kind || e.kind === kind);
  }

  private syncRegistries(): void {
    const keep = this.regSelect.value;
    const names = [...new Set(this.entries.map((e) => e.registryName).filter((n): n is string => Boolean(n)))].sort();
    fill(
      this.regSelect,
      h('option', { value: '' }, 'All registries'),
      ...names.map((n) => h('option', { value: n }, n)),
    );
    this.regSelect.value = names.includes(keep) ? keep : '';
  }

  private render(): void {
    const now = Date.now();
    this.list.replaceChildren(
      ...this.entries
        .slice()
        .reverse()
        .map((e) => {
          const li = row(e, now);
          li.hidden = !this.matches(e);
          return li;
        }),
    );
    this.updateNotes();
  }

  private updateNotes(): void {
    this.empty.hidden = this.entries.length > 0;
    this.noMatch.hidden = this.entries.length === 0 || this.count > 0;
  }

  /** The shown entries as plain text lines, oldest first, with full local date and time. */
  text(): string {
    return this.entries
      .filter((e) => this.matches(e))
      .map((e) => {
        const at = Date.parse(e.at);
        const when = Number.isFinite(at) ? new Date(at).toLocaleString() : e.at;
        return `${when}  ${KIND_LABEL[e.kind] ?? e.kind}${e.registryName ? `  ${e.registryName}` : ''}  ${localizeTimes(e.message, Date.now())}${e.fix ? `  Fix: ${e.fix}` : ''}`;
      })
      .join('\n');
  }

  private async copy(): Promise<void> {
    const text = this.text();
    if (!text) {
      this.status.textContent = 'Nothing to copy.';
      return;
    }
    try {
      await call('writeClipboard', text);
      this.status.textContent = `Copied ${text.split('\n').length} entries.`;
    } catch (err) {
      this.status.textContent = `Could not copy: ${errorView(err).message}`;
    }
  }

  private async clear(): Promise<void> {
    try {
      await call('clearActivity');
      this.entries = [];
      this.syncRegistries();
      this.render();
      this.status.textContent = 'Cleared.';
      this.announce('Activity log cleared.');
    } catch (err) {
      this.status.textContent = `Could not clear: ${errorView(err).message}`;
    }
  }
}

function row(e: ActivityEntry, now: number): HTMLElement {
  const at = Date.parse(e.at);
  return h(
    'li',
    { class: 'activity-item', 'data-kind': e.kind },
    h(
      'time',
      { datetime: e.at, title: Number.isFinite(at) ? new Date(at).toLocaleString() : e.at },
      Number.isFinite(at) ? formatWhen(at, now) : e.at,
    ),
    h('span', { class: `kind kind-${e.kind}` }, KIND_LABEL[e.kind] ?? e.kind),
    e.registryName ? h('span', { class: 'activity-reg' }, e.registryName) : null,
    h('span', { class: 'activity-msg' }, localizeTimes(e.message, now)),
    e.fix ? h('span', { class: 'activity-fix' }, h('strong', {}, 'Fix: '), e.fix) : null,
  );
}
