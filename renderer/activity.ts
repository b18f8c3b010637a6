// The activity log: newest first, at most 200 entries (the keeper keeps the same number). Entries
// are secret-free by construction in the keeper; they are rendered as text only.
import type { ActivityEntry } from '../electron/contract';
import { h } from './dom';
import { formatClock } from './format';

export const ACTIVITY_LIMIT = 200;

const KIND_LABEL: Record<string, string> = {
  refresh: 'Refresh', failure: 'Failure', login: 'Login', settings: 'Settings', registry: 'Registry', notice: 'Notice', signin: 'Sign-in',
};

export class ActivityLog {
  readonly el: HTMLElement;
  private readonly list = h('ol', { class: 'activity-list', 'aria-label': 'Activity, newest first' });
  private readonly empty = h('p', { class: 'empty-note' }, 'Nothing has happened yet. Refreshes, logins, failures and settings changes appear here.');

  constructor() {
    this.el = h('section', { class: 'view view-activity', 'aria-labelledby': 'activity-heading' },
      h('h2', { id: 'activity-heading', tabindex: -1 }, 'Activity'), this.empty, this.list);
  }

  get count(): number { return this.list.childElementCount; }

  setAll(entries: readonly ActivityEntry[]): void {
    this.list.replaceChildren(...entries.slice(-ACTIVITY_LIMIT).reverse().map(row));
    this.empty.hidden = this.count > 0;
  }

  add(e: ActivityEntry): void {
    this.list.insertBefore(row(e), this.list.firstChild);
    while (this.list.childElementCount > ACTIVITY_LIMIT) this.list.lastElementChild!.remove();
    this.empty.hidden = true;
  }
}

function row(e: ActivityEntry): HTMLElement {
  const at = Date.parse(e.at);
  return h('li', { class: 'activity-item', 'data-kind': e.kind },
    h('time', { datetime: e.at, title: new Date(at).toLocaleString() }, Number.isFinite(at) ? formatClock(at, true) : e.at),
    h('span', { class: `kind kind-${e.kind}` }, KIND_LABEL[e.kind] ?? e.kind),
    e.registryName ? h('span', { class: 'activity-reg' }, e.registryName) : null,
    h('span', { class: 'activity-msg' }, e.message));
}
