// The MFA code dialog. The main process sends `mfa:request` when a refresh needs a code from an
// MFA device (a profile with mfa_serial); the person types it here and `answerMfa` sends it back,
// or null to cancel. The refresh waits meanwhile, so every request is answered exactly once: by a
// code, by Cancel, or by closing the dialog (Escape). Requests arriving while one is open wait
// their turn. A code that is not 6 digits never leaves the window: it is refused inline.
import { withFix } from '../core/errors';
import type { MfaRequest } from '../electron/contract';
import { call, errorView } from './api';
import { h } from './dom';
import { parseMfaCode } from './format';

export class MfaDialog {
  readonly el: HTMLDialogElement;
  private queue: MfaRequest[] = [];
  private current: MfaRequest | null = null;
  private sending = false;
  private returnFocus: HTMLElement | null = null;
  private readonly profile = h('strong', { 'data-slot': 'profile' });
  private readonly serial = h('code', { 'data-slot': 'serial' });
  private readonly waiting = h('p', { class: 'hint', 'data-slot': 'waiting', hidden: true });
  private readonly input: HTMLInputElement;
  private readonly error: HTMLElement;
  private readonly submitBtn: HTMLButtonElement;
  private readonly cancelBtn: HTMLButtonElement;

  constructor(private readonly announce: (text: string) => void) {
    this.input = h('input', {
      id: 'mfa-code',
      name: 'code',
      type: 'text',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      maxlength: 7,
      spellcheck: 'false',
      'aria-describedby': 'mfa-hint mfa-error',
      required: true,
    });
    this.error = h('p', { class: 'field-error', id: 'mfa-error', role: 'alert', hidden: true });
    this.submitBtn = h('button', { type: 'submit', class: 'btn primary' }, 'Continue');
    this.cancelBtn = h(
      'button',
      { type: 'button', class: 'btn', 'data-action': 'cancel', onclick: () => void this.answer(null) },
      'Cancel',
    );
    const form = h(
      'form',
      { novalidate: true },
      h('h2', { id: 'mfa-heading' }, 'MFA code needed'),
      h(
        'p',
        { id: 'mfa-desc' },
        'AWS profile ',
        this.profile,
        ' asks for a code from the MFA device ',
        this.serial,
        '.',
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'mfa-code' }, '6-digit code'),
        this.input,
        h(
          'p',
          { class: 'hint', id: 'mfa-hint' },
          'The code your authenticator app or device shows now. Each code works once.',
        ),
        this.error,
      ),
      this.waiting,
      h('div', { class: 'form-actions' }, this.submitBtn, this.cancelBtn),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submit();
    });
    this.input.addEventListener('input', () => {
      if (!this.error.hidden && parseMfaCode(this.input.value)) this.clearError();
    });
    this.el = h(
      'dialog',
      { id: 'mfa', class: 'mfa-dialog', 'aria-labelledby': 'mfa-heading', 'aria-describedby': 'mfa-desc' },
      form,
    );
    // Escape closes a modal dialog by itself: treat that as Cancel so the refresh does not wait.
    this.el.addEventListener('close', () => {
      if (this.current && !this.sending) void this.answer(null);
    });
  }

  /** Shows the dialog for a request (or queues it behind the one on screen). */
  ask(req: MfaRequest): void {
    if (this.current?.requestId === req.requestId || this.queue.some((q) => q.requestId === req.requestId)) return;
    this.queue.push(req);
    if (!this.current) this.next();
    else this.showWaiting();
  }

  get open(): boolean {
    return this.el.open;
  }

  /** The main process ended a request nobody answered: drop it from the queue or the screen. */
  ended(requestId: string, reason: 'timeout' | 'cancelled'): void {
    this.queue = this.queue.filter((q) => q.requestId !== requestId);
    this.showWaiting();
    if (this.current?.requestId !== requestId || this.sending) return;
    const profile = this.current.profile;
    this.current = null;
    this.announce(
      reason === 'timeout'
        ? `The MFA request for ${profile} timed out after 5 minutes. Refresh the registry to be asked again.`
        : `The MFA request for ${profile} was cancelled.`,
    );
    this.next();
  }

  private next(): void {
    this.current = this.queue.shift() ?? null;
    const req = this.current;
    if (!req) {
      if (this.el.open) this.el.close();
      const back = this.returnFocus;
      this.returnFocus = null;
      if (back?.isConnected) back.focus();
      return;
    }
    this.profile.textContent = req.profile;
    this.serial.textContent = req.mfaSerial;
    this.input.value = '';
    this.clearError();
    this.setSending(false);
    this.showWaiting();
    if (!this.el.open) {
      const active = document.activeElement;
      this.returnFocus = active instanceof HTMLElement && active !== document.body ? active : null;
      this.el.showModal();
    }
    this.input.focus();
  }

  private showWaiting(): void {
    const n = this.queue.length;
    this.waiting.textContent = n ? `${n} more MFA request${n === 1 ? '' : 's'} after this one.` : '';
    this.waiting.hidden = n === 0;
  }

  private async submit(): Promise<void> {
    if (!this.current || this.sending) return;
    const raw = this.input.value;
    const code = parseMfaCode(raw);
    if (!code) {
      this.showError(
        raw.trim() === ''
          ? 'Enter the 6-digit code from your MFA device, or choose Cancel.'
          : 'The code is 6 digits (for example 123456): check it and try again.',
      );
      return;
    }
    await this.answer(code);
  }

  /** Sends the answer (null cancels) and moves on to the next request. */
  private async answer(code: string | null): Promise<void> {
    const req = this.current;
    if (!req || this.sending) return;
    this.setSending(true);
    let accepted: boolean;
    try {
      accepted = await call('answerMfa', req.requestId, code);
    } catch (err) {
      const v = errorView(err);
      if (code !== null) {
        // The keeper refused the code itself (its own check of the format): let the person fix it.
        this.setSending(false);
        this.showError(withFix(v.message, v.fix));
        return;
      }
      accepted = false;
    }
    if (!accepted)
      this.announce(
        `The MFA request for ${req.profile} had already ended (it waits 5 minutes). Refresh the registry to be asked again.`,
      );
    else
      this.announce(
        code === null
          ? `MFA code for ${req.profile} cancelled; that refresh stops.`
          : `MFA code sent for ${req.profile}; refreshing.`,
      );
    this.current = null;
    this.setSending(false);
    this.next();
  }

  private setSending(on: boolean): void {
    this.sending = on;
    this.submitBtn.disabled = on;
    this.cancelBtn.disabled = on;
    this.input.readOnly = on;
    if (on) this.el.setAttribute('aria-busy', 'true');
    else this.el.removeAttribute('aria-busy');
  }

  private showError(text: string): void {
    this.error.textContent = text;
    this.error.hidden = false;
    this.input.setAttribute('aria-invalid', 'true');
    this.input.focus();
    this.input.select();
  }

  private clearError(): void {
    this.error.hidden = true;
    this.error.textContent = '';
    this.input.removeAttribute('aria-invalid');
  }
}
