// The window: wires the views to window.ecrKeeper. Views are plain classes owning their DOM;
// this file only routes between them and forwards the keeper's events.
import type { KeeperSnapshot, Registry, RegistryInputView } from '../electron/contract';
import { identityChanged } from '../core/registry';
import { isActive } from '../core/snapshot';
import { call, errorView } from './api';
import { ActivityLog } from './activity';
import { Dashboard } from './dashboard';
import { fill, h, LiveText, richText } from './dom';
import { RegistryForm } from './form';
import { DiscoverPanel } from './discover-view';
import { MfaDialog } from './mfa-dialog';
import { formatClock, formatIn, overallView, parseTime, TONE_ICON } from './format';
import { SettingsPanel } from './settings-view';
import { StorageView } from './storage-view';
import { Ticker } from './ticker';

/** How long "Removed X. Undo" stays. */
const UNDO_MS = 8000;

type ViewName = 'dashboard' | 'form' | 'discover' | 'activity' | 'storage' | 'settings';
type TabName = Exclude<ViewName, 'form' | 'discover'>;

class App {
  private snapshot: KeeperSnapshot | null = null;
  private view: ViewName = 'dashboard';
  private readonly statusRegion = document.getElementById('status')!;
  private readonly overall = h('p', { class: 'overall badge', id: 'overall' });
  private readonly nextExpiry = new LiveText();
  private readonly nextExpiryEl = h('p', { class: 'next-expiry' }, this.nextExpiry.node);
  private readonly refreshAllBtn = h(
    'button',
    { type: 'button', class: 'btn primary', id: 'refresh-all', onclick: () => void this.refreshAll() },
    'Refresh all',
  );
  // Narrow windows show the short labels (styles.css), so the header keeps to one row of buttons.
  private readonly addBtn = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      id: 'add-registry',
      'aria-label': 'Add registry',
      onclick: () => void this.openForm(null),
    },
    h('span', { class: 'label-long' }, 'Add registry'),
    h('span', { class: 'label-short', 'aria-hidden': 'true' }, 'Add'),
  );
  private readonly tabs: Record<TabName, HTMLButtonElement>;
  private readonly dashboard: Dashboard;
  private readonly dashView: HTMLElement;
  private readonly emptyState: HTMLElement;
  // One panel: on the first-run screen, and moved into its own view for "Add from this machine".
  private readonly discover: DiscoverPanel;
  private readonly firstRunSlot = h('div', { class: 'first-run-found' });
  private readonly discoverSlot = h('div', { class: 'discover-slot' });
  private readonly discoverView: HTMLElement;
  private readonly discoverBtn = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      id: 'discover-open',
      'aria-label': 'Add from this machine',
      onclick: () => void this.openDiscover(),
    },
    h('span', { class: 'label-long' }, 'Add from this machine'),
    h('span', { class: 'label-short', 'aria-hidden': 'true' }, 'Find'),
  );
  private readonly form: RegistryForm;
  private readonly settings: SettingsPanel;
  private readonly storage: StorageView;
  private readonly activity = new ActivityLog((t) => this.announce(t));
  private readonly ticker: Ticker;
  private readonly main = document.getElementById('main')!;
  private readonly mfa: MfaDialog;
  private readonly dirtyMark = h(
    'span',
    { class: 'dirty-mark', hidden: true, title: 'Unsaved changes' },
    '•',
    h('span', { class: 'sr-only' }, ' (unsaved changes)'),
  );
  private readonly autoOffText = new LiveText();
  private readonly autoOffNote = h(
    'p',
    { class: 'header-note', 'data-role': 'auto-off', hidden: true },
    this.autoOffText.node,
    h('button', { type: 'button', class: 'link-btn', onclick: () => void this.show('settings') }, 'Settings'),
  );
  private readonly toast = h('div', { class: 'toast', role: 'status', hidden: true });
  private toastTimer: number | undefined;

  constructor() {
    this.dashboard = new Dashboard({
      edit: (id) => void this.openForm(id),
      openSettings: () => void this.show('settings'),
      openStorage: () => void this.show('storage'),
      announce: (t) => this.announce(t),
      removed: (reg) => this.offerUndo(reg),
    });
    this.form = new RegistryForm({
      saved: (reg, before) => void this.onSaved(reg, before),
      cancel: () => void this.show('dashboard'),
    });
    this.settings = new SettingsPanel((t) => this.announce(t));
    this.settings.onEdit = (dirty) => {
      this.dirtyMark.hidden = !dirty;
    };
    this.storage = new StorageView({ announce: (t) => this.announce(t) });
    this.mfa = new MfaDialog((t) => this.announce(t));
    this.discover = new DiscoverPanel(
      {
        // Show what was added, with its notes, in the panel's own view (the first-run screen goes away).
        added: (ids) => {
          if (this.view !== 'discover') void this.show('discover', false, false);
          // As after the form: logged in right away rather than at the next alarm.
          for (const id of ids) void this.dashboard.refreshOne(id);
        },
        edit: (prefill) => void this.openForm(null, prefill),
        announce: (t) => this.announce(t),
        takenNames: () => this.snapshot?.registries.map((r) => r.name) ?? [],
      },
      'found-heading',
      'Found on this computer',
    );
    this.discoverView = h(
      'section',
      { class: 'view view-discover', 'aria-labelledby': 'discover-heading', hidden: true },
      h('h2', { id: 'discover-heading', tabindex: -1 }, 'Add from this machine'),
      h(
        'p',
        { class: 'hint' },
        ...richText(
          'ECR registries docker, podman or helm already log in to here, with the AWS profile whose account matches: the same list as `ecr-keeper discover`.',
        ),
      ),
      this.discoverSlot,
      h(
        'div',
        { class: 'form-actions' },
        h(
          'button',
          { type: 'button', class: 'btn', 'data-action': 'discover-done', onclick: () => void this.show('dashboard') },
          'Back to registries',
        ),
      ),
    );
    this.ticker = new Ticker((now) => this.tick(now));

    const tab = (name: TabName, label: string) =>
      h('button', { type: 'button', class: 'tab', 'data-view': name, onclick: () => void this.show(name) }, label);
    this.tabs = {
      dashboard: tab('dashboard', 'Registries'),
      activity: tab('activity', 'Activity'),
      storage: tab('storage', 'Storage'),
      settings: tab('settings', 'Settings'),
    };
    this.tabs.settings.appendChild(this.dirtyMark);

    this.emptyState = h(
      'section',
      { class: 'empty-state', 'aria-labelledby': 'empty-heading', hidden: true },
      h('h2', { id: 'empty-heading' }, 'Keep your Amazon ECR logins fresh'),
      h(
        'p',
        {},
        'ECR tokens last 12 hours. ECR Keeper logs docker, podman or helm in to your registries and refreshes each login before it expires, even after sleep, and tells you what to do when it cannot.',
      ),
      h(
        'p',
        {},
        'Add a registry to start: a name, an AWS region and, if you use several, the AWS profile to sign in with.',
      ),
      h(
        'button',
        { type: 'button', class: 'btn primary', id: 'add-first', onclick: () => void this.openForm(null) },
        'Add your first registry',
      ),
      this.firstRunSlot,
    );
    this.dashView = h(
      'section',
      { class: 'view view-dashboard', 'aria-labelledby': 'dash-heading' },
      h('h2', { id: 'dash-heading', class: 'sr-only', tabindex: -1 }, 'Registries'),
      this.emptyState,
      this.dashboard.tools,
      this.dashboard.el,
    );

    const header = document.getElementById('header')!;
    fill(
      header,
      h('div', { class: 'header-top' }, h('h1', {}, 'ECR Keeper'), this.overall),
      this.nextExpiryEl,
      this.autoOffNote,
      h('div', { class: 'header-actions' }, this.refreshAllBtn, this.addBtn, this.discoverBtn),
      h(
        'nav',
        { class: 'tabs', 'aria-label': 'Views' },
        this.tabs.dashboard,
        this.tabs.activity,
        this.tabs.storage,
        this.tabs.settings,
      ),
    );
    fill(
      this.main,
      this.dashView,
      this.form.el,
      this.discoverView,
      this.activity.el,
      this.storage.el,
      this.settings.el,
    );
    document.body.appendChild(this.mfa.el);
    document.body.appendChild(this.toast);
  }

  async start(): Promise<void> {
    const k = window.ecrKeeper;
    k.on('keeper:change', (snap) => this.render(snap));
    k.on('keeper:activity', (e) => this.activity.add(e));
    k.on('app:focusRegistry', (id) => void this.focusRegistry(id));
    k.on('mfa:request', (req) => this.mfa.ask(req));
    k.on('mfa:ended', (e) => this.mfa.ended(e.requestId, e.reason));
    await this.show('dashboard', false);
    const [snap, log] = await Promise.allSettled([call('getSnapshot'), call('getActivity')]);
    if (snap.status === 'fulfilled') this.render(snap.value);
    else this.announce(`Could not read the registries: ${errorView(snap.reason).message}`);
    if (log.status === 'fulfilled') this.activity.setAll(log.value);
    this.ticker.start();
    document.body.dataset.ready = 'true';
  }

  private render(snap: KeeperSnapshot): void {
    this.snapshot = snap;
    const o = overallView(snap.overall, snap.registries);
    this.overall.className = `overall badge tone-${o.tone}`;
    this.overall.dataset.overall = snap.overall;
    // "N registries need attention" leads to them: the quick filter, focus on the first.
    if (snap.overall === 'error') {
      fill(
        this.overall,
        h(
          'button',
          {
            type: 'button',
            class: 'overall-link tone-bad',
            'data-action': 'show-attention',
            onclick: () => void this.showAttention(),
          },
          `${TONE_ICON[o.tone]} ${o.text}`,
        ),
      );
    } else fill(this.overall, `${TONE_ICON[o.tone]} ${o.text}`);
    // Nothing refreshes by itself: say so where it is always seen.
    const enabled = snap.registries.filter(isActive);
    const autoOff = !snap.autoRefresh
      ? 'Auto refresh is off: logins expire unless you refresh them.'
      : enabled.length > 0 && enabled.every((r) => !r.autoRefresh)
        ? 'Auto refresh is off for every registry.'
        : '';
    this.autoOffText.set(autoOff ? `${autoOff} ` : '');
    this.autoOffNote.hidden = !autoOff;
    const empty = snap.registries.length === 0;
    this.refreshAllBtn.disabled = empty || !snap.registries.some((r) => r.enabled);
    this.emptyState.hidden = !empty;
    this.dashboard.el.hidden = empty;
    if (empty && this.view === 'dashboard' && this.discover.el.parentNode !== this.firstRunSlot) {
      this.firstRunSlot.appendChild(this.discover.el);
      void this.discover.load();
    }
    this.dashboard.render(snap.registries);
    this.tick(Date.now());
  }

  private tick(now: number): void {
    const next = parseTime(this.snapshot?.nextExpiry ?? null);
    const text = next !== null && next > now ? `Next expiry ${formatIn(next, now)} (${formatClock(next)})` : '';
    this.nextExpiry.set(text);
    if (this.nextExpiryEl.hidden !== !text) this.nextExpiryEl.hidden = !text;
    if (this.view === 'dashboard') this.dashboard.tick(now);
  }

  /** "Add from this machine": a fresh look at the credential files. */
  private async openDiscover(): Promise<void> {
    this.discover.reset();
    await this.show('discover');
  }

  private async show(view: ViewName, focus = true, reload = true): Promise<void> {
    this.view = view;
    this.dashView.hidden = view !== 'dashboard';
    this.form.el.hidden = view !== 'form';
    this.discoverView.hidden = view !== 'discover';
    if (view === 'discover') {
      this.discoverSlot.appendChild(this.discover.el);
      if (reload) void this.discover.load();
    } else if (
      view === 'dashboard' &&
      this.snapshot?.registries.length === 0 &&
      this.discover.el.parentNode !== this.firstRunSlot
    ) {
      this.firstRunSlot.appendChild(this.discover.el);
      void this.discover.load();
    }
    this.activity.el.hidden = view !== 'activity';
    this.storage.el.hidden = view !== 'storage';
    this.settings.el.hidden = view !== 'settings';
    for (const [name, t] of Object.entries(this.tabs)) {
      if (name === view) t.setAttribute('aria-current', 'page');
      else t.removeAttribute('aria-current');
    }
    document.body.dataset.view = view;
    if (view === 'settings') await this.settings.load();
    // The storage report runs each store's helper (seconds at worst): show the view, then fill it.
    if (view === 'storage') void this.storage.load();
    if (view === 'dashboard') this.tick(Date.now());
    if (focus && view !== 'form') document.querySelector<HTMLElement>(`.view-${view} h2`)?.focus();
  }

  private async openForm(id: string | null, prefill: RegistryInputView = {}): Promise<void> {
    let reg: Registry | null = null;
    if (id) {
      try {
        reg = (await call('listRegistries')).find((r) => r.id === id) ?? null;
      } catch (err) {
        this.announce(errorView(err).message);
        return;
      }
      if (!reg) {
        this.announce('That registry no longer exists.');
        return;
      }
    }
    // Fill first, then show: the form never appears half-loaded.
    await this.form.open(reg, prefill);
    await this.show('form', false);
    this.form.focus();
  }

  private async onSaved(reg: Registry, before: Registry | null): Promise<void> {
    this.announce(before ? `Saved ${reg.name}.` : `Added ${reg.name}.`);
    try {
      this.render(await call('getSnapshot'));
    } catch {
      /* the change event will follow */
    }
    await this.show('dashboard', false);
    this.dashboard.focus(reg.id);
    // A new registry, one that now identifies a different login, or one enabled again is logged in
    // right away rather than at the next alarm; other edits keep the login it has.
    const loginNow = !before || identityChanged(before, reg) || !before.enabled;
    if (loginNow && reg.enabled) void this.dashboard.refreshOne(reg.id);
  }

  private async showAttention(): Promise<void> {
    if (this.view !== 'dashboard') await this.show('dashboard', false);
    this.dashboard.showAttention();
  }

  /** "Removed prod. Undo" for a few seconds: undo adds it back with the same settings and logs it in. */
  private offerUndo(reg: Registry): void {
    window.clearTimeout(this.toastTimer);
    const undo = h('button', { type: 'button', class: 'link-btn', 'data-action': 'undo-remove' }, 'Undo');
    undo.addEventListener(
      'click',
      () =>
        void (async () => {
          this.toast.hidden = true;
          const { id: _id, ...input } = reg;
          try {
            const back = await call('addRegistry', input);
            this.announce(`${back.name} is back.`);
            try {
              this.render(await call('getSnapshot'));
            } catch {
              /* the change event will follow */
            }
            this.dashboard.focus(back.id);
            if (back.enabled) void this.dashboard.refreshOne(back.id);
          } catch (err) {
            this.announce(`Could not undo: ${errorView(err).message}`);
          }
        })(),
    );
    fill(this.toast, h('span', {}, `Removed ${reg.name}.`), undo);
    this.toast.hidden = false;
    this.announce(`Removed ${reg.name}. Undo is available for a few seconds.`);
    this.toastTimer = window.setTimeout(() => {
      this.toast.hidden = true;
    }, UNDO_MS);
  }

  private async refreshAll(): Promise<void> {
    this.refreshAllBtn.disabled = true;
    this.refreshAllBtn.setAttribute('aria-busy', 'true');
    try {
      await this.dashboard.refreshAll();
    } finally {
      this.refreshAllBtn.disabled = false;
      this.refreshAllBtn.removeAttribute('aria-busy');
    }
  }

  private async focusRegistry(id: string): Promise<void> {
    if (this.view !== 'dashboard') await this.show('dashboard', false);
    if (!this.dashboard.focus(id)) this.announce('That registry no longer exists.');
  }

  announce(text: string): void {
    // Re-setting the same text would not be read again; clear first.
    this.statusRegion.textContent = '';
    window.setTimeout(() => {
      this.statusRegion.textContent = text;
    }, 30);
  }

  /** Runs one countdown tick as of `now` (the tick benchmark calls this; the ticker calls it each second). */
  tickAt(now: number): void {
    this.tick(now);
  }
}

const app = new App();
// Read-only hook for bench/ui-tick.mjs: one countdown tick for a given time. Harmless: it only
// redraws countdown text.
Object.defineProperty(window, '__ekTick', { value: (now: number) => app.tickAt(now) });
void app.start();
