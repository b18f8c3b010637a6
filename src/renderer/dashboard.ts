// The registry cards. Each card is built once and then patched: a snapshot change rewrites only
// that card's changed parts, and the shared per-second tick (ticker.ts) touches only a few text
// nodes and one transform per card, so hundreds of registries tick cheaply.
import { withFix } from '../core/errors';
import type { ErrorView, Registry, RegistrySnapshot } from '../electron/contract';
import { consoleUrl } from '../core/console-url';
import { loginCommand } from '../core/login-command';
import { call, errorView } from './api';
import { fill, h, LiveText, richText } from './dom';
import {
  errorTitle,
  formatAgo,
  formatClock,
  formatCountdown,
  formatDurationWords,
  formatIn,
  lifeLeft,
  parseTime,
  STATE_LABEL,
  STATE_TONE,
  TONE_ICON,
} from './format';
import { needsAttention } from '../core/snapshot';

export interface DashboardHooks {
  edit(id: string): void;
  /** A registry was removed: offer to undo it. */
  removed(reg: Registry): void;
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
  private readonly progress = h(
    'div',
    { class: 'progress', hidden: true },
    h('div', { class: 'progress-track' }, h('div', { class: 'progress-run' })),
    h('span', {}, 'Refreshing…'),
  );
  private readonly problems = h('div', { class: 'card-problems' });
  private readonly actions = h('div', { class: 'card-actions' });
  private readonly refreshBtn: HTMLButtonElement;
  private readonly editBtn: HTMLButtonElement;
  private readonly removeBtn: HTMLButtonElement;
  private readonly confirmRow: HTMLElement;
  private readonly countdown: HTMLElement;
  private readonly more: HTMLDetailsElement;
  private readonly toggleBtn: HTMLButtonElement;
  private readonly copyHostBtn: HTMLButtonElement;
  private readonly copyCmdBtn: HTMLButtonElement;
  private readonly consoleBtn: HTMLButtonElement;

  // Cached numbers for the tick.
  private expiresMs: number | null = null;
  private lastMs: number | null = null;
  private nextMs: number | null = null;
  private retryMs: number | null = null;
  private barPermille = -1;

  constructor(
    snap: RegistrySnapshot,
    private readonly dash: Dashboard,
  ) {
    this.snap = snap;
    const titleId = `card-title-${snap.id}`;
    this.title.id = titleId;
    this.timeEl = h('time', { class: 'countdown-value' });
    this.timeEl.appendChild(this.countText.node);
    this.bar = h(
      'div',
      { class: 'bar', role: 'progressbar', 'aria-label': 'Token life left', 'aria-valuemin': 0, 'aria-valuemax': 100 },
      this.barFill,
    );
    this.refreshBtn = h(
      'button',
      { type: 'button', class: 'btn primary', onclick: () => void this.refresh() },
      'Refresh',
    );
    this.editBtn = h('button', { type: 'button', class: 'btn', onclick: () => dash.hooks.edit(this.snap.id) }, 'Edit');
    this.removeBtn = h(
      'button',
      { type: 'button', class: 'btn danger-quiet', onclick: () => this.askRemove() },
      'Remove',
    );
    const confirmText = h('span', {});
    this.confirmRow = h(
      'div',
      { class: 'confirm', hidden: true, role: 'group' },
      confirmText,
      h(
        'button',
        { type: 'button', class: 'btn danger', 'data-action': 'confirm-remove', onclick: () => void this.remove() },
        'Remove',
      ),
      h(
        'button',
        { type: 'button', class: 'btn', 'data-action': 'cancel-remove', onclick: () => this.cancelRemove() },
        'Cancel',
      ),
    );
    this.confirmRow.dataset.text = '';
    this.confirmRow.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        this.cancelRemove();
      }
    });
    const item = (action: string, label: string, run: () => Promise<void>) =>
      h(
        'button',
        {
          type: 'button',
          class: 'btn',
          'data-action': action,
          onclick: () => {
            this.more.open = false;
            void run();
          },
        },
        label,
      );
    this.toggleBtn = item('toggle-enabled', 'Disable', () => this.setEnabled(!this.snap.enabled));
    this.copyHostBtn = item('copy-host', 'Copy host', () => this.copy(this.snap.host ?? '', 'Host'));
    this.copyCmdBtn = item('copy-command', 'Copy login command', () =>
      this.copy(loginCommand(this.snap) ?? '', 'Login command'),
    );
    this.consoleBtn = item('open-console', 'Open in AWS console', () => this.openConsole());
    this.more = h(
      'details',
      { class: 'card-more' },
      h('summary', { class: 'btn' }, 'More', h('span', { class: 'sr-only' }, ` actions for ${snap.name}`)),
      h('div', { class: 'more-items' }, this.toggleBtn, this.copyHostBtn, this.copyCmdBtn, this.consoleBtn),
    );
    this.more.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && this.more.open) {
        ev.preventDefault();
        this.more.open = false;
        (this.more.querySelector('summary') as HTMLElement).focus();
      }
    });
    append(this.actions, this.refreshBtn, this.editBtn, this.removeBtn, this.more);
    this.el = h(
      'article',
      { class: 'card', 'aria-labelledby': titleId, 'data-id': snap.id, tabindex: -1 },
      h('header', { class: 'card-head' }, this.title, this.badge),
      this.host,
      this.meta,
      (this.countdown = h(
        'div',
        { class: 'countdown' },
        h('span', { class: 'countdown-label' }, this.countLabel.node),
        this.timeEl,
        h('span', { class: 'sr-only' }, this.countWords.node),
      )),
      this.bar,
      h(
        'p',
        { class: 'card-times' },
        h('span', { class: 'last' }, this.lastText.node),
        h('span', { class: 'next' }, this.nextText.node),
      ),
      this.progress,
      this.problems,
      this.actions,
      this.confirmRow,
    );
    this.update(snap, true);
  }

  get busy(): boolean {
    return this.pending || this.snap.refreshing || this.snap.state === 'refreshing';
  }

  update(snap: RegistrySnapshot, force = false): void {
    const prev = this.snap;
    this.snap = snap;
    if (snap.error?.category !== 'signin-required') this.signInError = null;
    const sig =
      JSON.stringify(snap) + (this.pending ? '+' : '') + (this.signingIn ? 's' : '') + (this.signInError ? 'e' : '');
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
    this.host.textContent =
      snap.host ?? (snap.kind === 'public' ? 'public.ecr.aws' : 'Host known after the first login');
    const parts = [
      snap.kind === 'public' ? 'ECR Public' : null,
      snap.profile ? `profile ${snap.profile}` : 'default credentials',
      snap.region,
      snap.tool,
    ];
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
    this.toggleBtn.textContent = snap.enabled ? 'Disable' : 'Enable';
    this.copyHostBtn.disabled = !snap.host;
    this.copyCmdBtn.disabled = loginCommand(snap) === null;
    this.consoleBtn.disabled = consoleUrl(snap) === null;
    if (snap.accountId)
      this.consoleBtn.title = `Repositories in ${snap.region}; sign in to the console as account ${snap.accountId}.`;
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
    if (snap.error) this.dash.hooks.announce(`${snap.name}: ${errorTitle(snap.error)}. ${snap.error.message}`);
    else if (snap.state === 'valid' && this.expiresMs)
      this.dash.hooks.announce(
        `${snap.name}: logged in, valid for ${formatDurationWords(this.expiresMs - Date.now())}.`,
      );
    else this.dash.hooks.announce(`${snap.name}: ${STATE_LABEL[snap.state]}.`);
  }

  private renderProblems(snap: RegistrySnapshot): void {
    const blocks: HTMLElement[] = [];
    if (snap.error) blocks.push(this.errorPanel(snap.error, snap));
    // docker's own "stored unencrypted" warning says the same as our plaintext notice: show one.
    const plaintext = snap.notices.some((n) => n.kind === 'plaintext-credentials');
    for (const n of snap.notices) {
      // (The tool's warnings are only ever docker's "stored unencrypted": login.ts keeps no other.)
      if (plaintext && n.kind === 'tool-warning') continue;
      // Notices are not errors: a compact line that opens to the explanation and the fix.
      const title =
        n.kind === 'plaintext-credentials'
          ? 'Stored unencrypted'
          : n.kind === 'helper-managed'
            ? 'Handled by the ecr-login helper'
            : `Note from ${snap.tool}`;
      // The plain-text notice's fix names the CLI verb; in the window the Storage view does that job.
      const body =
        n.kind === 'plaintext-credentials'
          ? [
              h(
                'p',
                { class: 'fix' },
                'Keep it in a credential store instead (the macOS keychain, Windows Credential Manager, secretservice or pass).',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'link-btn',
                  'data-action': 'open-storage',
                  onclick: () => this.dash.hooks.openStorage(),
                },
                'See credential storage and move logins',
              ),
            ]
          : [n.fix ? h('p', { class: 'fix' }, ...richText(n.fix)) : null];
      blocks.push(
        h(
          'details',
          { class: 'notice', role: 'note', 'data-kind': n.kind, 'aria-label': `Notice: ${title}` },
          h(
            'summary',
            { class: 'notice-title' },
            h('span', { class: 'notice-icon', 'aria-hidden': 'true' }, 'i'),
            title,
          ),
          h('p', {}, ...richText(n.message)),
          ...body,
        ),
      );
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
    const action = err.action;
    if (action?.kind === 'sso-login') {
      // An SSO session to renew: the keeper runs aws sso login for the profile (the AWS CLI opens
      // the browser), as the fix says.
      {
        const btn = h(
          'button',
          { type: 'button', class: 'btn primary', 'data-action': 'sign-in', onclick: () => void this.signIn() },
          this.signingIn ? 'Signing in…' : 'Sign in',
          h('span', { class: 'sr-only' }, ` to ${snap.profile}`),
        );
        // aria-disabled, not disabled: the button keeps focus while the browser sign-in runs.
        if (this.signingIn) {
          btn.setAttribute('aria-disabled', 'true');
          btn.setAttribute('aria-busy', 'true');
        }
        extra.push(btn);
        if (this.signingIn)
          extra.push(
            h(
              'p',
              { class: 'hint', 'data-role': 'signin-wait' },
              'Finish signing in in the browser window the AWS CLI opened; this card updates when it is done.',
            ),
          );
        if (this.signInError) {
          extra.push(
            h(
              'div',
              { class: 'signin-error', 'data-role': 'signin-error' },
              h('p', {}, h('strong', {}, 'Sign-in failed: '), ...richText(this.signInError.message)),
              h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), ...richText(this.signInError.fix)),
            ),
          );
        }
      }
    } else if (action?.kind === 'enter-mfa' && snap.enabled) {
      // A code is asked for when the registry refreshes: offer that refresh right here.
      extra.push(
        h(
          'button',
          {
            type: 'button',
            class: 'btn primary',
            'data-action': 'enter-mfa',
            disabled: this.busy,
            onclick: () => void this.refresh(),
          },
          'Enter MFA code',
          h('span', { class: 'sr-only' }, ` for ${snap.name}`),
        ),
      );
    }
    if (action?.kind === 'set-tool-path') {
      extra.push(
        h(
          'button',
          { type: 'button', class: 'btn', onclick: () => this.dash.hooks.openSettings() },
          'Set tool path in Settings',
        ),
      );
    }
    return h(
      'div',
      {
        class: 'error-panel',
        role: 'group',
        'aria-label': `Error: ${errorTitle(err)}`,
        'data-category': err.category,
        'data-stage': err.stage ?? '',
      },
      h(
        'p',
        { class: 'error-title' },
        h('span', { class: 'error-icon', 'aria-hidden': 'true' }, '✕'),
        h('span', { class: 'error-category' }, errorTitle(err)),
      ),
      h('p', { class: 'error-message' }, ...richText(err.message)),
      h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), ...richText(err.fix)),
      ...extra,
    );
  }

  /** The per-second work: text nodes and one transform; nothing else is touched. */
  tick(now: number): void {
    const exp = this.expiresMs;
    if (exp === null) {
      this.countLabel.set(
        this.snap.state === 'helper-managed'
          ? 'Managed by ecr-login'
          : this.snap.enabled
            ? 'Not logged in yet'
            : 'Disabled',
      );
      this.countText.set('');
      this.countWords.set('');
    } else if (exp > now) {
      this.countLabel.set('Expires in');
      this.countText.set(formatCountdown(exp - now)!);
      this.countWords.set('');
    } else {
      // A sentence in the card's text style: a big "00:21" would read like time left.
      this.countLabel.set(`Expired at ${formatClock(exp)} (${formatAgo(exp, now)})`);
      this.countText.set('');
      this.countWords.set('');
    }
    const expired = exp !== null && exp <= now;
    if (this.countdown.classList.contains('is-expired') !== expired)
      this.countdown.classList.toggle('is-expired', expired);
    const permille = exp === null ? 0 : Math.round(lifeLeft(exp, this.lastMs, now) * 1000);
    if (permille !== this.barPermille) {
      this.barPermille = permille;
      this.barFill.style.transform = `scaleX(${permille / 1000})`;
      this.bar.setAttribute('aria-valuenow', String(Math.round(permille / 10)));
    }
    this.lastText.set(this.lastMs === null ? 'Never refreshed' : `Last refreshed ${formatAgo(this.lastMs, now)}`);
    const s = this.snap;
    // A failed registry's next attempt is shown in its error panel as "Next retry".
    this.nextText.set(
      this.retryMs !== null
        ? ''
        : this.nextMs !== null
          ? `Next auto refresh ${formatIn(this.nextMs, now)} (${formatClock(this.nextMs)})`
          : !s.enabled
            ? 'Disabled'
            : s.state === 'helper-managed'
              ? 'No refresh needed'
              : !s.autoRefresh
                ? 'Auto refresh off for this registry'
                : 'Auto refresh off',
    );
    if (this.retryMs !== null)
      this.retryText.set(`Next retry ${formatIn(this.retryMs, now)}, at ${formatClock(this.retryMs, true)}`);
    else if (this.snap.error?.category === 'throttled')
      this.retryText.set('AWS is limiting requests: wait a minute, then refresh.');
  }

  /** Focus a button of the error panel again after it was redrawn (else focus falls to the page). */
  private focusAction(action: string): void {
    this.el.querySelector<HTMLElement>(`[data-action="${action}"]`)?.focus();
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
      this.dash.hooks.announce(`${this.snap.name}: ${withFix(v.message, v.fix)}`);
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
    const action = this.snap.error?.action;
    const profile = action?.kind === 'sso-login' ? action.profile : null;
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
      this.dash.hooks.announce(`Sign-in for ${profile} failed: ${withFix(v.message, v.fix)}`);
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

  private async setEnabled(on: boolean): Promise<void> {
    try {
      await call('updateRegistry', this.snap.id, { enabled: on });
      this.dash.hooks.announce(`${this.snap.name} ${on ? 'enabled' : 'disabled'}.`);
      // Enabled again: log in now rather than at the next alarm, as adding does.
      if (on) void this.refresh();
    } catch (err) {
      this.dash.hooks.announce(`Could not change ${this.snap.name}: ${errorView(err).message}`);
    }
  }

  private async copy(text: string, what: string): Promise<void> {
    if (!text) return;
    try {
      await call('writeClipboard', text);
      this.dash.hooks.announce(`${what} of ${this.snap.name} copied.`);
    } catch (err) {
      this.dash.hooks.announce(`Could not copy: ${errorView(err).message}`);
    }
  }

  private async openConsole(): Promise<void> {
    try {
      await call('openConsole', this.snap.id);
      this.dash.hooks.announce(`Opened the AWS console for ${this.snap.name} in your browser.`);
    } catch (err) {
      const v = errorView(err);
      this.dash.hooks.announce(`Could not open the AWS console: ${withFix(v.message, v.fix)}`);
    }
  }

  private async remove(): Promise<void> {
    try {
      const removed = await call('removeRegistry', this.snap.id);
      this.dash.drop(this.snap.id);
      this.dash.hooks.removed(removed);
    } catch (err) {
      const v = errorView(err);
      this.dash.hooks.announce(`Could not remove ${this.snap.name}: ${v.message}`);
      this.cancelRemove();
    }
  }
}

function append(parent: HTMLElement, ...kids: HTMLElement[]): void {
  for (const k of kids) parent.appendChild(k);
}

/** Order of the "urgency" sort: what needs a person first, then what expires soonest. */
const URGENCY: Record<RegistrySnapshot['state'], number> = {
  error: 0,
  'signin-required': 0,
  expired: 0,
  missing: 0,
  expiring: 1,
  idle: 2,
  refreshing: 3,
  valid: 3,
  'helper-managed': 4,
  disabled: 5,
};

export type SortKey = 'urgency' | 'name' | 'expiry';

const expiryOf = (r: RegistrySnapshot) => parseTime(r.expiresAt) ?? Number.POSITIVE_INFINITY;
const byName = (a: RegistrySnapshot, b: RegistrySnapshot) =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });

/** The dashboard's order: pure, so the same list always sorts the same way. */
export function sortRegistries(regs: readonly RegistrySnapshot[], key: SortKey): RegistrySnapshot[] {
  const out = regs.slice();
  if (key === 'name') return out.sort(byName);
  if (key === 'expiry') return out.sort((a, b) => expiryOf(a) - expiryOf(b) || byName(a, b));
  const rank = (r: RegistrySnapshot) => (r.enabled ? URGENCY[r.state] : URGENCY.disabled);
  return out.sort((a, b) => rank(a) - rank(b) || expiryOf(a) - expiryOf(b) || byName(a, b));
}

/** Whether a registry matches the filter box: every word must appear in its name, host, account, profile, region, tool or state. */
export function matchesFilter(r: RegistrySnapshot, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = [
    r.name,
    r.host,
    r.accountId,
    r.profile,
    r.region,
    r.tool,
    r.state,
    STATE_LABEL[r.state],
    r.enabled ? '' : 'disabled',
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return words.every((w) => hay.includes(w));
}

export const isAttention = (r: RegistrySnapshot) => r.enabled && needsAttention(r);

export class Dashboard {
  readonly el: HTMLElement;
  readonly tools: HTMLElement;
  private readonly cards = new Map<string, Card>();
  private regs: readonly RegistrySnapshot[] = [];
  private readonly filterInput: HTMLInputElement;
  private readonly sortSelect: HTMLSelectElement;
  private readonly attentionBtn: HTMLButtonElement;
  private readonly attentionCount = new LiveText();
  private readonly refreshShownBtn: HTMLButtonElement;
  private readonly shownCount = new LiveText();
  private readonly noMatch: HTMLElement;
  private attentionOnly = false;

  constructor(readonly hooks: DashboardHooks) {
    this.el = h('div', { class: 'cards', role: 'list', 'aria-label': 'Registries' });
    this.filterInput = h('input', {
      type: 'search',
      class: 'filter',
      'aria-label': 'Filter registries',
      placeholder: 'Filter: name, host, account, profile, state',
      spellcheck: 'false',
      autocomplete: 'off',
    });
    this.filterInput.addEventListener('input', () => this.apply());
    this.filterInput.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && this.filterInput.value) {
        ev.preventDefault();
        this.filterInput.value = '';
        this.apply();
      }
    });
    this.sortSelect = h(
      'select',
      { class: 'sort', 'aria-label': 'Sort registries by' },
      h('option', { value: 'urgency' }, 'Most urgent first'),
      h('option', { value: 'name' }, 'Name'),
      h('option', { value: 'expiry' }, 'Expiry'),
    );
    this.sortSelect.addEventListener('change', () => this.apply());
    this.attentionBtn = h(
      'button',
      {
        type: 'button',
        class: 'btn chip',
        'aria-pressed': 'false',
        'data-action': 'attention',
        onclick: () => this.setAttentionOnly(!this.attentionOnly),
      },
      'Needs attention',
      ' (',
      this.attentionCount.node,
      ')',
    );
    this.refreshShownBtn = h(
      'button',
      {
        type: 'button',
        class: 'btn',
        'data-action': 'refresh-shown',
        hidden: true,
        onclick: () => void this.refreshShown(),
      },
      'Log in now: ',
      this.shownCount.node,
      ' shown',
    );
    this.tools = h(
      'div',
      { class: 'dash-tools', role: 'search' },
      this.filterInput,
      this.sortSelect,
      this.attentionBtn,
      this.refreshShownBtn,
    );
    this.noMatch = h(
      'p',
      { class: 'empty-note no-match', hidden: true },
      'No registry matches the filter. ',
      h('button', { type: 'button', class: 'link-btn', onclick: () => this.clearFilter() }, 'Show all registries'),
    );
    this.tools.appendChild(this.noMatch);
  }

  get size(): number {
    return this.cards.size;
  }

  render(regs: readonly RegistrySnapshot[]): void {
    this.regs = regs;
    const seen = new Set<string>();
    for (const r of regs) {
      seen.add(r.id);
      const card = this.cards.get(r.id);
      if (!card) {
        const c = new Card(r, this);
        c.el.setAttribute('role', 'listitem');
        this.cards.set(r.id, c);
      } else {
        card.update(r);
      }
    }
    for (const [id, card] of this.cards)
      if (!seen.has(id)) {
        card.el.remove();
        this.cards.delete(id);
      }
    this.apply();
  }

  /** Orders the cards and hides those the filter leaves out, moving only what is out of place. */
  private apply(): void {
    const query = this.filterInput.value;
    const attention = this.regs.filter(isAttention).length;
    this.attentionCount.set(String(attention));
    if (this.attentionOnly && attention === 0) this.setAttentionOnly(false, false);
    // Moving a node drops its focus: note it, and put it back after the cards are in order.
    const active =
      document.activeElement instanceof HTMLElement && this.el.contains(document.activeElement)
        ? document.activeElement
        : null;
    let prevEl: Element | null = null;
    let shown = 0;
    for (const r of sortRegistries(this.regs, this.sortSelect.value as SortKey)) {
      const card = this.cards.get(r.id)!;
      const show = matchesFilter(r, query) && (!this.attentionOnly || isAttention(r));
      if (card.el.hidden === show) card.el.hidden = !show;
      if (show) shown += 1;
      const want: Element | null = prevEl ? prevEl.nextElementSibling : this.el.firstElementChild;
      if (want !== card.el) this.el.insertBefore(card.el, want);
      prevEl = card.el;
    }
    if (active && document.activeElement !== active && this.el.contains(active)) active.focus({ preventScroll: true });
    const filtered = Boolean(query.trim()) || this.attentionOnly;
    this.noMatch.hidden = !filtered || shown > 0;
    const enabledShown = this.shownIds().length;
    this.shownCount.set(String(enabledShown));
    this.refreshShownBtn.hidden = !filtered || enabledShown === 0;
  }

  /** The "needs attention" quick filter (the header's message turns it on). */
  setAttentionOnly(on: boolean, reapply = true): void {
    this.attentionOnly = on;
    this.attentionBtn.setAttribute('aria-pressed', String(on));
    if (reapply) this.apply();
  }

  private clearFilter(): void {
    this.filterInput.value = '';
    this.setAttentionOnly(false);
    this.filterInput.focus();
  }

  /** Shows only what needs attention and focuses the first of those cards. */
  showAttention(): boolean {
    this.filterInput.value = '';
    this.setAttentionOnly(true);
    const first = sortRegistries(this.regs, this.sortSelect.value as SortKey).find(isAttention);
    return first ? this.focus(first.id) : false;
  }

  private shownIds(): string[] {
    return [...this.cards.values()].filter((c) => !c.el.hidden && c.snap.enabled).map((c) => c.snap.id);
  }

  /** "Log in now" for the registries the filter shows: one batch, sharing token calls like Refresh all. */
  private async refreshShown(): Promise<void> {
    const ids = this.shownIds();
    if (!ids.length) return;
    this.refreshShownBtn.disabled = true;
    try {
      await this.refreshBatch(ids);
    } finally {
      this.refreshShownBtn.disabled = false;
    }
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

  /** Refresh all: one call (the keeper shares one token per credentials and region); every card shows progress. */
  refreshAll(): Promise<void> {
    return this.refreshBatch(null);
  }

  private async refreshBatch(ids: string[] | null): Promise<void> {
    const cards = [...this.cards.values()].filter(
      (c) => c.snap.enabled && !c.busy && (!ids || ids.includes(c.snap.id)),
    );
    for (const c of cards) c.setPending(true);
    try {
      const results = ids ? await call('refreshMany', ids) : await call('refreshAll');
      for (const r of results) {
        const c = this.cards.get(r.id);
        if (c) {
          c.pending = false;
          c.update(r, true);
        }
      }
      const failed = results.filter((r) => r.error).length;
      this.hooks.announce(
        failed
          ? `Refreshed ${results.length - failed} of ${results.length}; ${failed} failed.`
          : `Refreshed ${results.length} registr${results.length === 1 ? 'y' : 'ies'}.`,
      );
    } catch (err) {
      const v = errorView(err);
      this.hooks.announce(`Refresh failed: ${withFix(v.message, v.fix)}`);
    } finally {
      for (const c of cards) if (c.pending) c.setPending(false);
      this.apply();
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
