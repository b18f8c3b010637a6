// The settings view: every option the keeper has, saved through updateSettings. The keeper's
// validateSettingsPatch has the final word; its per-field problems are shown next to the fields.
import type { SettingsView } from '../electron/contract';
import { call, errorView } from './api';
import { fill, h, uid } from './dom';
import { LIMITS } from '../electron/core/settings-model';

type NumKey = keyof typeof LIMITS;
type Patch = Partial<Omit<SettingsView, 'configDir'>>;

export class SettingsPanel {
  readonly el: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  private readonly summary = h('div', { class: 'form-summary', role: 'alert', hidden: true });
  private readonly errors = new Map<string, { wrap: HTMLElement; error: HTMLElement; control: HTMLElement }>();
  private readonly inputs: Record<string, HTMLInputElement> = {};
  private readonly configDir = h('code', {});
  private current: SettingsView | null = null;

  constructor(private readonly announce: (t: string) => void) {
    const num = (key: NumKey, label: string, unit: string, help: string) => {
      const { min, max } = LIMITS[key];
      const input = h('input', { type: 'number', name: key, min, max, step: 1, inputmode: 'numeric', required: true });
      return this.field(key, label, input, `${help} ${min}-${max} ${unit}.`, unit);
    };
    const check = (key: string, label: string, help?: string) => this.field(key, label, h('input', { type: 'checkbox', name: key }), help);
    const path = (tool: 'docker' | 'podman' | 'helm') => this.field(`toolPaths.${tool}`, `${tool} path`,
      h('input', { type: 'text', name: `toolPaths.${tool}`, placeholder: `found on PATH (e.g. /usr/local/bin/${tool})`, spellcheck: 'false', autocomplete: 'off' }),
      `Leave empty to search PATH and the usual install places.`);

    this.form = h('form', { class: 'settings-form', novalidate: true, 'aria-labelledby': 'settings-heading' },
      this.summary,
      h('fieldset', {}, h('legend', {}, 'Refreshing'),
        check('autoRefresh', 'Refresh logins automatically'),
        num('refreshLeadMinutes', 'Refresh before expiry', 'minutes', 'How long before a token expires to log in again:'),
        num('loginTimeoutSeconds', 'Login timeout', 'seconds', 'Give up on a docker, podman or helm login after:'),
        check('startAtLogin', 'Start ECR Keeper when I log in to this computer')),
      h('fieldset', {}, h('legend', {}, 'Notifications'),
        num('notifyLeadMinutes', 'Warn before expiry', 'minutes', 'Warn this long before a login expires when nothing will refresh it:'),
        check('notifications.expiring', 'A login is about to expire'),
        check('notifications.failed', 'A refresh failed'),
        check('notifications.recovered', 'A failed registry works again')),
      h('fieldset', {}, h('legend', {}, 'Login tools'), path('docker'), path('podman'), path('helm')),
      h('p', { class: 'hint' }, 'Settings folder: ', this.configDir),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn primary' }, 'Save settings'), this.status));
    this.form.addEventListener('submit', (ev) => { ev.preventDefault(); void this.save(); });
    this.el = h('section', { class: 'view view-settings', 'aria-labelledby': 'settings-heading' },
      h('h2', { id: 'settings-heading', tabindex: -1 }, 'Settings'), this.form);
  }

  private field(key: string, label: string, input: HTMLInputElement, help?: string, unit?: string): HTMLElement {
    const id = uid(`s-${key.replace('.', '-')}`);
    input.id = id;
    const errId = `${id}-error`;
    const helpId = `${id}-help`;
    input.setAttribute('aria-describedby', [help ? helpId : '', errId].filter(Boolean).join(' '));
    const error = h('p', { class: 'field-error', id: errId, hidden: true });
    const isCheck = input.type === 'checkbox';
    const lab = h('label', { for: id }, label);
    const wrap = h('div', { class: `field${isCheck ? ' field-check' : ''}`, 'data-field': key },
      isCheck ? input : lab,
      isCheck ? lab : unit ? h('div', { class: 'field-row' }, input, h('span', { class: 'unit', 'aria-hidden': 'true' }, unit)) : input,
      help ? h('p', { class: 'hint', id: helpId }, help) : null,
      error);
    this.inputs[key] = input;
    this.errors.set(key, { wrap, error, control: input });
    return wrap;
  }

  async load(): Promise<void> {
    try {
      this.show(await call('getSettings'));
    } catch (err) {
      const v = errorView(err);
      this.status.textContent = `Could not load settings: ${v.message}`;
    }
  }

  show(s: SettingsView): void {
    this.current = s;
    const set = (k: string, v: unknown) => {
      const i = this.inputs[k]!;
      if (i.type === 'checkbox') i.checked = Boolean(v);
      else i.value = v === undefined || v === null ? '' : String(v);
    };
    set('autoRefresh', s.autoRefresh);
    set('refreshLeadMinutes', s.refreshLeadMinutes);
    set('notifyLeadMinutes', s.notifyLeadMinutes);
    set('loginTimeoutSeconds', s.loginTimeoutSeconds);
    set('startAtLogin', s.startAtLogin);
    set('notifications.expiring', s.notifications.expiring);
    set('notifications.failed', s.notifications.failed);
    set('notifications.recovered', s.notifications.recovered);
    set('toolPaths.docker', s.toolPaths.docker ?? '');
    set('toolPaths.podman', s.toolPaths.podman ?? '');
    set('toolPaths.helm', s.toolPaths.helm ?? '');
    this.configDir.textContent = s.configDir;
  }

  /** The whole form as a patch (numbers that do not parse are sent as text so the keeper names them). */
  patch(): Patch {
    const n = (k: NumKey): number => {
      const raw = this.inputs[k]!.value.trim();
      return raw === '' ? Number.NaN : Number(raw);
    };
    const c = (k: string) => this.inputs[k]!.checked;
    return {
      autoRefresh: c('autoRefresh'),
      startAtLogin: c('startAtLogin'),
      refreshLeadMinutes: n('refreshLeadMinutes'),
      notifyLeadMinutes: n('notifyLeadMinutes'),
      loginTimeoutSeconds: n('loginTimeoutSeconds'),
      notifications: { expiring: c('notifications.expiring'), failed: c('notifications.failed'), recovered: c('notifications.recovered') },
      toolPaths: { docker: this.inputs['toolPaths.docker']!.value.trim(), podman: this.inputs['toolPaths.podman']!.value.trim(), helm: this.inputs['toolPaths.helm']!.value.trim() },
    };
  }

  private clear(): void {
    this.summary.hidden = true;
    fill(this.summary);
    for (const e of this.errors.values()) { e.error.hidden = true; e.error.textContent = ''; e.control.removeAttribute('aria-invalid'); e.wrap.classList.remove('invalid'); }
  }

  async save(): Promise<void> {
    this.clear();
    this.status.textContent = '';
    const p = this.patch();
    // NaN does not survive the bridge as a number; send null so the keeper reports the field.
    const wire = JSON.parse(JSON.stringify(p)) as Patch;
    try {
      const s = await call('updateSettings', wire);
      this.show(s);
      this.status.textContent = 'Saved.';
      this.announce('Settings saved.');
    } catch (err) {
      const v = errorView(err);
      const loose: string[] = [];
      let first: HTMLElement | null = null;
      for (const pr of v.problems ?? []) {
        const e = this.errors.get(pr.field) ?? (pr.field === 'toolPaths' ? this.errors.get('toolPaths.docker') : pr.field === 'notifications' ? this.errors.get('notifications.expiring') : undefined);
        if (!e) { loose.push(pr.message); continue; }
        e.error.textContent = pr.message;
        e.error.hidden = false;
        e.control.setAttribute('aria-invalid', 'true');
        e.wrap.classList.add('invalid');
        first ??= e.control;
      }
      const lines = [h('p', { class: 'summary-title' }, v.problems?.length ? 'Nothing was saved: fix the highlighted settings.' : `Nothing was saved: ${v.message}`)];
      for (const m of loose) lines.push(h('p', {}, m));
      if (!v.problems?.length) lines.push(h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), v.fix));
      fill(this.summary, ...lines);
      this.summary.hidden = false;
      (first ?? this.summary).focus();
      if (this.current) this.status.textContent = '';
    }
  }
}
