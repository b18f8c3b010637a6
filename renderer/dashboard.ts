// The registry cards. Each card is built once and then patched: a snapshot change rewrites only
// that card's changed parts, and the shared per-second tick (ticker.ts) touches only a few text
// nodes and one transform per card, so hundreds of registries tick cheaply.
import type { ErrorView, RegistrySnapshot } from '../electron/contract';
import { call, errorView } from './api';
import { fill, h, LiveText, richText } from './dom';
import {
  categoryTitle, formatAgo, formatClock, formatCountdown, formatDurationWords, formatIn, lifeLeft, parseTime,
  ssoLoginCommand, STATE_LABEL, STATE_TONE, TONE_ICON,
} from './format';

export interface DashboardHooks {
  edit(id: string): void;
  openSettings(): void;
  /** The credential storage view (linked from the plain-text notice). */
  openStorage(): void;
  announce(text: string): void;
}

class Card {
  readonly el: HTMLElement;
  snap: RegistrySnapshot;
  private sig = '';
  /** A refresh this window started and is waiting for (the keeper's own flag may lag a moment). */
  pending = false;
  /** `aws sso login` this card started is running (the browser is open). */
  private signingIn = false;
  /** Why the last sign-in from this card failed (shown under its button until the next try). */
  private signInError: ErrorView | null = null;

  private readonly title = h('h2', { class: 'card-title' });
  private readonly badge = h('span', { class: 'badge' });
  private readonly meta = h('p', { class: 'card-meta' });
  private readonly host = h('p', { class: 'card-host' });
  private readonly countLabel = new LiveText();
  private readonly countText = new LiveText();
  private readonly countWords = new LiveText();
  private readonly timeEl: HTMLTimeElement;
  private readonly bar: HTMLElement;
  private readonly barFill = h('div', { class: 'bar-fill' });
  private readonly lastText = new LiveText();
  private readonly nextText = new LiveText();
  private readonly retryText = new LiveText();
  private readonly progress = h('div', { class: 'progress', hidden: true }, h('div', { class: 'progress-track' }, h('div', { class: 'progress-run' })), h('span', {}, 'Refreshing…'));
  private readonly problems = h('div', { class: 'card-problems' });
  private readonly actions = h('div', { class: 'card-actions' });
  private readonly refreshBtn: HTMLButtonElement;
  private readonly editBtn: HTMLButtonElement;
  private readonly removeBtn: HTMLButtonElement;
  private readonly confirmRow: HTMLElement;

  // Cached numbers for the tick.
  private expiresMs: number | null = null;
  private lastMs: number | null = null;
  private nextMs: number | null = null;
  private retryMs: number | null = null;
  private barPermille = -1;

  constructor(snap: RegistrySnapshot, private readonly dash: Dashboard) {
    this.snap = snap;
    const titleId = `card-title-${snap.id}`;
    this.title.id = titleId;
    this.timeEl = h('time', { class: 'countdown-value' });
    this.timeEl.appendChild(this.countText.node);
    this.bar = h('div', { class: 'bar', role: 'progressbar', 'aria-label': 'Token life left', 'aria-valuemin': 0, 'aria-valuemax': 100 }, this.barFill);
    this.refreshBtn = h('button', { type: 'button', class: 'btn primary', onclick: () => void this.refresh() }, 'Refresh');
    this.editBtn = h('button', { type: 'button', class: 'btn', onclick: () => dash.hooks.edit(this.snap.id) }, 'Edit');
    this.removeBtn = h('button', { type: 'button', class: 'btn danger-quiet', onclick: () => this.askRemove() }, 'Remove');
    const confirmText = h('span', {});
    this.confirmRow = h('div', { class: 'confirm', hidden: true, role: 'group' },
      confirmText,
      h('button', { type: 'button', class: 'btn danger', 'data-action': 'confirm-remove', onclick: () => void this.remove() }, 'Remove'),
      h('button', { type: 'button', class: 'btn', 'data-action': 'cancel-remove', onclick: () => this.cancelRemove() }, 'Cancel'),
    );
    this.confirmRow.dataset.text = '';
    append(this.actions, this.refreshBtn, this.editBtn, this.removeBtn);
    this.el = h('article', { class: 'card', 'aria-labelledby': titleId, 'data-id': snap.id, tabindex: -1 },
      h('header', { class: 'card-head' }, this.title, this.badge),
      this.host,
      this.meta,
      h('div', { class: 'countdown' },
        h('span', { class: 'countdown-label' }, this.countLabel.node),
        this.timeEl,
        h('span', { class: 'sr-only' }, this.countWords.node)),
      this.bar,
      h('p', { class: 'card-times' },
        h('span', { class: 'last' }, this.lastText.node),
        h('span', { class: 'next' }, this.nextText.node)),
      this.progress,
      this.problems,
      this.actions,
      this.confirmRow,
    );
    this.update(snap, true);
  }

  get busy(): boolean { return this.pending || this.snap.refreshing || this.snap.state === 'refreshing'; }

  update(snap: RegistrySnapshot, force = false): void {
    const prev = this.snap;
    this.snap = snap;
    if (snap.error?.category !== 'signin-required') this.signInError = null;
    const sig = JSON.stringify(snap) + (this.pending ? '+' : '') + (this.signingIn ? 's' : '') + (this.signInError ? 'e' : '');
    if (!force && sig === this.sig) return;
    this.sig = sig;

    this.title.textContent = snap.name;
    const state = this.busy ? 'refreshing' : snap.state;
    const tone = STATE_TONE[state];
    this.badge.className = `badge tone-${tone}`;
    this.badge.textContent = `${TONE_ICON[tone]} ${STATE_LABEL[state]}`;
    this.el.dataset.state = state;
    this.el.classList.toggle('is-busy', this.busy);
    this.el.setAttribute('aria-busy', String(this.busy));
    this.host.textContent = snap.host ?? (snap.kind === 'public' ? 'public.ecr.aws' : 'Host known after the first login');
    const parts = [snap.kind === 'public' ? 'ECR Public' : null, snap.profile ? `profile ${snap.profile}` : 'default credentials', snap.region, snap.tool];
    this.meta.textContent = parts.filter(Boolean).join(' · ');

    this.expiresMs = parseTime(snap.expiresAt);
    this.lastMs = parseTime(snap.lastRefresh);
    this.nextMs = parseTime(snap.nextRefresh);
    this.retryMs = parseTime(snap.error?.retryAt ?? null);
    this.timeEl.setAttribute('datetime', snap.expiresAt ?? '');
    this.bar.classList.toggle('is-empty', this.expiresMs === null);
    this.bar.dataset.tone = tone;
    this.progress.hidden = !this.busy;
    this.refreshBtn.disabled = this.busy || !snap.enabled;
    this.refreshBtn.setAttribute('aria-label', `Refresh ${snap.name}`);
    this.editBtn.setAttribute('aria-label', `Edit ${snap.name}`);
    this.removeBtn.setAttribute('aria-label', `Remove ${snap.name}`);
    this.renderProblems(snap);
    this.barPermille = -1;
    this.tick(Date.now());

    if (!force && !this.pending && prev.state !== snap.state && snap.state !== 'refreshing') this.announceState(snap);
  }

  setPending(on: boolean): void {
    this.pending = on;
    this.update(this.snap, true);
  }

  private announceState(snap: RegistrySnapshot): void {
    if (snap.error) this.dash.hooks.announce(`${snap.name}: ${categoryTitle(snap.error.category)}. ${snap.error.message}`);
    else if (snap.state === 'valid' && this.expiresMs) this.dash.hooks.announce(`${snap.name}: logged in, valid for ${formatDurationWords(this.expiresMs - Date.now())}.`);
    else this.dash.hooks.announce(`${snap.name}: ${STATE_LABEL[snap.state]}.`);
  }

  private renderProblems(snap: RegistrySnapshot): void {
    const blocks: HTMLElement[] = [];
    if (snap.error) blocks.push(this.errorPanel(snap.error, snap));
    // docker's own "stored unencrypted" warning says the same as our plaintext notice: show one.
    const plaintext = snap.notices.some((n) => n.kind === 'plaintext-credentials');
    for (const n of snap.notices) {
      if (plaintext && n.kind === 'tool-warning' && /unencrypted|credential helper|credentials-store/i.test(n.message)) continue;
      // Notices are not errors: a compact line that opens to the explanation and the fix.
      const title = n.kind === 'plaintext-credentials' ? 'Stored unencrypted' : n.kind === 'helper-managed' ? 'Handled by the ecr-login helper' : `Note from ${snap.tool}`;
      // The plain-text notice's fix names the CLI verb; in the window the Storage view does that job.
      const body = n.kind === 'plaintext-credentials'
        ? [h('p', { class: 'fix' }, 'Keep it in a credential store instead (a keychain, pass or secretservice).'),
          h('button', { type: 'button', class: 'link-btn', 'data-action': 'open-storage', onclick: () => this.dash.hooks.openStorage() }, 'See credential storage and move logins')]
        : [n.fix ? h('p', { class: 'fix' }, ...richText(n.fix)) : null];
      blocks.push(h('details', { class: 'notice', role: 'note', 'data-kind': n.kind, 'aria-label': `Notice: ${title}` },
        h('summary', { class: 'notice-title' }, h('span', { class: 'notice-icon', 'aria-hidden': 'true' }, 'i'), title),
        h('p', {}, ...richText(n.message)),
        ...body));
    }
    // Redrawing must not drop keyboard focus: put it back on the same action (or the card).
    const active = document.activeElement;
    const had = active instanceof HTMLElement && this.problems.contains(active) ? (active.dataset.action ?? '') : null;
    fill(this.problems, ...blocks);
    if (had !== null && !this.el.contains(document.activeElement)) {
      const again = had ? this.el.querySelector<HTMLElement>(`[data-action="${had}"]`) : null;
      (again ?? this.el).focus({ preventScroll: true });
    }
  }

  private errorPanel(err: ErrorView & { retryAt?: string | null }, snap: RegistrySnapshot): HTMLElement {
    const extra: (HTMLElement | null)[] = [];
    if (err.category === 'throttled' || this.retryMs !== null) {
      extra.push(h('p', { class: 'retry' }, this.retryText.node));
    }
    const sso = err.category === 'signin-required' ? ssoLoginCommand(err.fix) : null;
    if (sso) {
      // An SSO session to renew: the keeper runs the command the fix names (the AWS CLI opens the
      // browser), so the button does what the fix says.
      if (snap.profile) {
        const btn = h('button', { type: 'button', class: 'btn primary', 'data-action': 'sign-in', onclick: () => void this.signIn() },
          this.signingIn ? 'Signing in…' : 'Sign in', h('span', { class: 'sr-only' }, ` to ${snap.profile}`));
        // aria-disabled, not disabled: the button keeps focus while the browser sign-in runs.
        if (this.signingIn) { btn.setAttribute('aria-disabled', 'true'); btn.setAttribute('aria-busy', 'true'); }
        extra.push(btn);
        if (this.signingIn) extra.push(h('p', { class: 'hint', 'data-role': 'signin-wait' }, 'Finish signing in in the browser window the AWS CLI opened; this card updates when it is done.'));
        if (this.signInError) {
          extra.push(h('div', { class: 'signin-error', 'data-role': 'signin-error' },
            h('p', {}, h('strong', {}, 'Sign-in failed: '), ...richText(this.signInError.message)),
            h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), ...richText(this.signInError.fix))));
        }
      }
    } else if ((err.category === 'mfa-required' || (err.category === 'signin-required' && /MFA code/.test(err.message))) && snap.enabled) {
      // A code is asked for when the registry refreshes: offer that refresh right here.
      extra.push(h('button', { type: 'button', class: 'btn primary', 'data-action': 'enter-mfa', disabled: this.busy, onclick: () => void this.refresh() },
        'Enter MFA code', h('span', { class: 'sr-only' }, ` for ${snap.name}`)));
    }
    if (err.category === 'tool-missing') {
      extra.push(h('button', { type: 'button', class: 'btn', onclick: () => this.dash.hooks.openSettings() }, 'Set tool path in Settings'));
    }
    return h('div', { class: 'error-panel', role: 'group', 'aria-label': `Error: ${categoryTitle(err.category)}`, 'data-category': err.category },
      h('p', { class: 'error-title' }, h('span', { class: 'error-icon', 'aria-hidden': 'true' }, '✕'), h('span', { class: 'error-category' }, categoryTitle(err.category))),
      h('p', { class: 'error-message' }, ...richText(err.message)),
      h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), ...richText(err.fix)),
      ...extra);
  }

  /** The per-second work: text nodes and one transform; nothing else is touched. */
  tick(now: number): void {
    const exp = this.expiresMs;
    if (exp === null) {
      this.countLabel.set(this.snap.state === 'helper-managed' ? 'Managed by ecr-login' : this.snap.enabled ? 'Not logged in yet' : 'Disabled');
      this.countText.set('');
      this.countWords.set('');
    } else if (exp > now) {
      this.countLabel.set('Expires in');
      this.countText.set(formatCountdown(exp - now)!);
      this.countWords.set('');
    } else {
      this.countLabel.set('Expired');
      this.countText.set(formatClock(exp));
      this.countWords.set(` ${formatAgo(exp, now)}`);
    }
    const permille = exp === null ? 0 : Math.round(lifeLeft(exp, this.lastMs, now) * 1000);
    if (permille !== this.barPermille) {
      this.barPermille = permille;
      this.barFill.style.transform = `scaleX(${permille / 1000})`;
      this.bar.setAttribute('aria-valuenow', String(Math.round(permille / 10)));
    }
    this.lastText.set(this.lastMs === null ? 'Never refreshed' : `Last refreshed ${formatAgo(this.lastMs, now)}`);
    const s = this.snap;
    // A failed registry's next attempt is shown in its error panel as "Next retry".
    this.nextText.set(this.retryMs !== null ? '' : this.nextMs !== null
      ? `Next auto refresh ${formatIn(this.nextMs, now)} (${formatClock(this.nextMs)})`
      : !s.enabled ? 'Disabled' : s.state === 'helper-managed' ? 'No refresh needed' : !s.autoRefresh ? 'Auto refresh off for this registry' : 'Auto refresh off');
    if (this.retryMs !== null) this.retryText.set(`Next retry ${formatIn(this.retryMs, now)}, at ${formatClock(this.retryMs, true)}`);
    else if (this.snap.error?.category === 'throttled') this.retryText.set('AWS is limiting requests: wait a minute, then refresh.');
  }

  /** Focus a button of the error panel again after it was redrawn (else focus falls to the page). */
  private focusAction(action: string): void {
    (this.el.querySelector(`[data-action="${action}"]`) as HTMLElement | null)?.focus();
  }

  async refresh(): Promise<void> {
    if (this.busy) return;
    const hadFocus = this.el.contains(document.activeElement);
    this.setPending(true);
    // The error panel is redrawn: keep focus in the card (an MFA dialog returns it here).
    if (hadFocus && !this.el.contains(document.activeElement)) this.el.focus({ preventScroll: true });
    try {
      const res = await call('refresh', this.snap.id);
      this.finish(res);
    } catch (err) {
      this.setPending(false);
      const v = errorView(err);
      this.dash.hooks.announce(`${this.snap.name}: ${v.message} ${v.fix}`);
    }
  }

  /** A refresh this window asked for has ended: show and announce its outcome. */
  finish(res: RegistrySnapshot): void {
    this.pending = false;
    this.update(res, true);
    this.announceState(res);
  }

  /** Runs `aws sso login` for this card's profile; the keeper refreshes the profile's registries after. */
  private async signIn(): Promise<void> {
    const profile = this.snap.profile;
    if (!profile || this.signingIn) return;
    this.signingIn = true;
    this.signInError = null;
    this.update(this.snap, true);
    this.focusAction('sign-in');
    this.dash.hooks.announce(`Signing in to AWS for profile ${profile}: finish it in the browser window.`);
    try {
      await call('startSignIn', profile);
      this.signingIn = false;
      this.update(this.snap, true);
      this.dash.hooks.announce(`Signed in to AWS for profile ${profile}.`);
      this.el.focus({ preventScroll: true });
    } catch (err) {
      const v = errorView(err);
      this.signingIn = false;
      this.signInError = v;
      this.update(this.snap, true);
      this.dash.hooks.announce(`Sign-in for ${profile} failed: ${v.message} ${v.fix}`);
      this.focusAction('sign-in');
    }
  }

  private askRemove(): void {
    const text = this.confirmRow.firstChild as HTMLElement;
    text.textContent = `Remove ${this.snap.name}? Its docker login stays until it expires.`;
    this.confirmRow.hidden = false;
    this.actions.hidden = true;
    (this.confirmRow.querySelector('[data-action="cancel-remove"]') as HTMLButtonElement).focus();
  }

  private cancelRemove(): void {
    this.confirmRow.hidden = true;
    this.actions.hidden = false;
    this.removeBtn.focus();
  }

  private async remove(): Promise<void> {
    try {
      await call('removeRegistry', this.snap.id);
      this.dash.hooks.announce(`Removed ${this.snap.name}.`);
      this.dash.drop(this.snap.id);
    } catch (err) {
      const v = errorView(err);
      this.dash.hooks.announce(`Could not remove ${this.snap.name}: ${v.message}`);
      this.cancelRemove();
    }
  }
}

function append(parent: HTMLElement, ...kids: HTMLElement[]): void { for (const k of kids) parent.appendChild(k); }

export class Dashboard {
  readonly el: HTMLElement;
  private readonly cards = new Map<string, Card>();

  constructor(readonly hooks: DashboardHooks) {
    this.el = h('div', { class: 'cards', role: 'list', 'aria-label': 'Registries' });
  }

  get size(): number { return this.cards.size; }

  render(regs: readonly RegistrySnapshot[]): void {
    const seen = new Set<string>();
    let prevEl: Element | null = null;
    for (const r of regs) {
      seen.add(r.id);
      let card = this.cards.get(r.id);
      if (!card) {
        card = new Card(r, this);
        card.el.setAttribute('role', 'listitem');
        this.cards.set(r.id, card);
      } else {
        card.update(r);
      }
      // Keep DOM order equal to the snapshot order, moving only what is out of place.
      const want: Element | null = prevEl ? prevEl.nextElementSibling : this.el.firstElementChild;
      if (want !== card.el) this.el.insertBefore(card.el, want);
      prevEl = card.el;
    }
    for (const [id, card] of this.cards) if (!seen.has(id)) { card.el.remove(); this.cards.delete(id); }
  }

  drop(id: string): void {
    const card = this.cards.get(id);
    if (!card) return;
    card.el.remove();
    this.cards.delete(id);
  }

  tick(now: number): void {
    for (const c of this.cards.values()) c.tick(now);
  }

  /** One refreshAll call (the keeper shares one token per credentials and region); every card shows progress. */
  async refreshAll(): Promise<void> {
    const cards = [...this.cards.values()].filter((c) => c.snap.enabled && !c.busy);
    for (const c of cards) c.setPending(true);
    try {
      const results = await call('refreshAll');
      for (const r of results) {
        const c = this.cards.get(r.id);
        if (c) { c.pending = false; c.update(r, true); }
      }
      const failed = results.filter((r) => r.error).length;
      this.hooks.announce(failed ? `Refreshed ${results.length - failed} of ${results.length}; ${failed} failed.` : `Refreshed ${results.length} registr${results.length === 1 ? 'y' : 'ies'}.`);
    } catch (err) {
      const v = errorView(err);
      this.hooks.announce(`Refresh all failed: ${v.message} ${v.fix}`);
    } finally {
      for (const c of cards) if (c.pending) c.setPending(false);
    }
  }

  refreshOne(id: string): Promise<void> {
    return this.cards.get(id)?.refresh() ?? Promise.resolve();
  }

  focus(id: string): boolean {
    const card = this.cards.get(id);
    if (!card) return false;
    card.el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    card.el.classList.remove('highlight');
    void card.el.offsetWidth; // restart the highlight animation
    card.el.classList.add('highlight');
    card.el.focus({ preventScroll: true });
    window.setTimeout(() => card.el.classList.remove('highlight'), 2500);
    return true;
  }
}
