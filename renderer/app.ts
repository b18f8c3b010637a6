// The window: wires the views to window.ecrKeeper. Views are plain classes owning their DOM;
// this file only routes between them and forwards the keeper's events.
import type { KeeperSnapshot, Registry, RegistryInputView } from '../electron/contract';
import { identityChanged } from '../electron/core/registry';
import { call, errorView } from './api';
import { ActivityLog } from './activity';
import { Dashboard } from './dashboard';
import { fill, h, LiveText } from './dom';
import { prefillFromHost, RegistryForm } from './form';
import { MfaDialog } from './mfa-dialog';
import { formatClock, formatIn, overallView, parseTime, suggestName, TONE_ICON } from './format';
import { SettingsPanel } from './settings-view';
import { StorageView } from './storage-view';
import { Ticker } from './ticker';

/** How long "Removed X. Undo" stays. */
const UNDO_MS = 8000;

type ViewName = 'dashboard' | 'form' | 'activity' | 'storage' | 'settings';
type TabName = Exclude<ViewName, 'form'>;

class App {
  private snapshot: KeeperSnapshot | null = null;
  private view: ViewName = 'dashboard';
  private readonly statusRegion = document.getElementById('status')!;
  private readonly overall = h('p', { class: 'overall badge', id: 'overall' });
  private readonly nextExpiry = new LiveText();
  private readonly nextExpiryEl = h('p', { class: 'next-expiry' }, this.nextExpiry.node);
  private readonly refreshAllBtn = h('button', { type: 'button', class: 'btn primary', id: 'refresh-all', onclick: () => void this.refreshAll() }, 'Refresh all');
  private readonly addBtn = h('button', { type: 'button', class: 'btn', id: 'add-registry', onclick: () => void this.openForm(null) }, 'Add registry');
  private readonly tabs: Record<TabName, HTMLButtonElement>;
  private readonly dashboard: Dashboard;
  private readonly dashView: HTMLElement;
  private readonly emptyState: HTMLElement;
  private readonly hostOffers = h('div', { class: 'host-offers' });
  private readonly form: RegistryForm;
  private readonly settings: SettingsPanel;
  private readonly storage: StorageView;
  private readonly activity = new ActivityLog((t) => this.announce(t));
  private readonly ticker: Ticker;
  private readonly main = document.getElementById('main')!;
  private readonly mfa: MfaDialog;
  private readonly dirtyMark = h('span', { class: 'dirty-mark', hidden: true, title: 'Unsaved changes' }, '•', h('span', { class: 'sr-only' }, ' (unsaved changes)'));
  private readonly autoOffText = new LiveText();
  private readonly autoOffNote = h('p', { class: 'header-note', 'data-role': 'auto-off', hidden: true }, this.autoOffText.node,
    h('button', { type: 'button', class: 'link-btn', onclick: () => void this.show('settings') }, 'Settings'));
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
    this.settings.onEdit = (dirty) => { this.dirtyMark.hidden = !dirty; };
    this.storage = new StorageView({ announce: (t) => this.announce(t) });
    this.mfa = new MfaDialog((t) => this.announce(t));
    this.ticker = new Ticker((now) => this.tick(now));

    const tab = (name: TabName, label: string) =>
      h('button', { type: 'button', class: 'tab', 'data-view': name, onclick: () => void this.show(name) }, label);
    this.tabs = { dashboard: tab('dashboard', 'Registries'), activity: tab('activity', 'Activity'), storage: tab('storage', 'Storage'), settings: tab('settings', 'Settings') };
    this.tabs.settings.appendChild(this.dirtyMark);

    this.emptyState = h('section', { class: 'empty-state', 'aria-labelledby': 'empty-heading', hidden: true },
      h('h2', { id: 'empty-heading' }, 'Keep your Amazon ECR logins fresh'),
      h('p', {}, 'ECR tokens last 12 hours. ECR Keeper logs docker, podman or helm in to your registries and refreshes each login before it expires, even after sleep, and tells you what to do when it cannot.'),
      h('p', {}, 'Add a registry to start: a name, an AWS region and, if you use several, the AWS profile to sign in with.'),
      h('button', { type: 'button', class: 'btn primary', id: 'add-first', onclick: () => void this.openForm(null) }, 'Add your first registry'),
      this.hostOffers);
    this.dashView = h('section', { class: 'view view-dashboard', 'aria-labelledby': 'dash-heading' },
      h('h2', { id: 'dash-heading', class: 'sr-only', tabindex: -1 }, 'Registries'),
      this.emptyState, this.dashboard.tools, this.dashboard.el);

    const header = document.getElementById('header')!;
    fill(header,
      h('div', { class: 'header-top' },
        h('h1', {}, 'ECR Keeper'),
        this.overall),
      this.nextExpiryEl,
      this.autoOffNote,
      h('div', { class: 'header-actions' }, this.refreshAllBtn, this.addBtn),
      h('nav', { class: 'tabs', 'aria-label': 'Views' }, this.tabs.dashboard, this.tabs.activity, this.tabs.storage, this.tabs.settings));
    fill(this.main, this.dashView, this.form.el, this.activity.el, this.storage.el, this.settings.el);
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
      fill(this.overall, h('button', { type: 'button', class: 'overall-link tone-bad', 'data-action': 'show-attention', onclick: () => void this.showAttention() }, `${TONE_ICON[o.tone]} ${o.text}`));
    } else fill(this.overall, `${TONE_ICON[o.tone]} ${o.text}`);
    // Nothing refreshes by itself: say so where it is always seen.
    const enabled = snap.registries.filter((r) => r.enabled && r.state !== 'helper-managed');
    const autoOff = !snap.autoRefresh ? 'Auto refresh is off: logins expire unless you refresh them.'
      : enabled.length > 0 && enabled.every((r) => !r.autoRefresh) ? 'Auto refresh is off for every registry.' : '';
    this.autoOffText.set(autoOff ? `${autoOff} ` : '');
    this.autoOffNote.hidden = !autoOff;
    const empty = snap.registries.length === 0;
    this.refreshAllBtn.disabled = empty || !snap.registries.some((r) => r.enabled);
    this.emptyState.hidden = !empty;
    this.dashboard.el.hidden = empty;
    if (!empty) this.hostOffers.dataset.loaded = 'false';
    else if (this.hostOffers.dataset.loaded !== 'true') void this.offerHosts();
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

  /** First run: offer the ECR hosts already in the docker config as one-click prefills. */
  private async offerHosts(): Promise<void> {
    this.hostOffers.dataset.loaded = 'true';
    let hosts: string[] = [];
    try { hosts = await call('dockerEcrHosts'); } catch { /* nothing to offer */ }
    if (!hosts.length) { fill(this.hostOffers); return; }
    const taken = this.snapshot?.registries.map((r) => r.name) ?? [];
    fill(this.hostOffers,
      h('h3', { id: 'offers-heading' }, 'Found in your docker config'),
      h('ul', { 'aria-labelledby': 'offers-heading' }, ...hosts.map((host) =>
        h('li', {}, h('button', { type: 'button', class: 'btn host-offer', 'data-host': host, onclick: () => void this.openForm(null, prefillFromHost(host, taken, suggestName)) },
          h('span', { class: 'sr-only' }, 'Add '), host)))));
  }

  private async show(view: ViewName, focus = true): Promise<void> {
    this.view = view;
    this.dashView.hidden = view !== 'dashboard';
    this.form.el.hidden = view !== 'form';
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
    if (focus && view !== 'form') (document.querySelector(`.view-${view} h2`) as HTMLElement | null)?.focus();
  }

  private async openForm(id: string | null, prefill: RegistryInputView = {}): Promise<void> {
    let reg: Registry | null = null;
    if (id) {
      try {
        reg = (await call('listRegistries')).find((r) => r.id === id) ?? null;
      } catch (err) { this.announce(errorView(err).message); return; }
      if (!reg) { this.announce('That registry no longer exists.'); return; }
    }
    // Fill first, then show: the form never appears half-loaded.
    await this.form.open(reg, prefill);
    await this.show('form', false);
    this.form.focus();
  }

  private async onSaved(reg: Registry, before: Registry | null): Promise<void> {
    this.announce(before ? `Saved ${reg.name}.` : `Added ${reg.name}.`);
    try { this.render(await call('getSnapshot')); } catch { /* the change event will follow */ }
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
    undo.addEventListener('click', () => void (async () => {
      this.toast.hidden = true;
      const { id: _id, ...input } = reg;
      try {
        const back = await call('addRegistry', input);
        this.announce(`${back.name} is back.`);
        try { this.render(await call('getSnapshot')); } catch { /* the change event will follow */ }
        this.dashboard.focus(back.id);
        if (back.enabled) void this.dashboard.refreshOne(back.id);
      } catch (err) { this.announce(`Could not undo: ${errorView(err).message}`); }
    })());
    fill(this.toast, h('span', {}, `Removed ${reg.name}.`), undo);
    this.toast.hidden = false;
    this.announce(`Removed ${reg.name}. Undo is available for a few seconds.`);
    this.toastTimer = window.setTimeout(() => { this.toast.hidden = true; }, UNDO_MS);
  }

  private async refreshAll(): Promise<void> {
    this.refreshAllBtn.disabled = true;
    this.refreshAllBtn.setAttribute('aria-busy', 'true');
    try { await this.dashboard.refreshAll(); } finally {
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
    window.setTimeout(() => { this.statusRegion.textContent = text; }, 30);
  }

  /** Runs one countdown tick as of `now` (the tick benchmark calls this; the ticker calls it each second). */
  tickAt(now: number): void { this.tick(now); }
}

const app = new App();
// Read-only hook for bench/ui-tick.mjs: one countdown tick for a given time. Harmless: it only
// redraws countdown text.
Object.defineProperty(window, '__ekTick', { value: (now: number) => app.tickAt(now) });
void app.start();
