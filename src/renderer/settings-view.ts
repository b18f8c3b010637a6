// The settings view: every option the keeper has, saved through updateSettings. The keeper's
// validateSettingsPatch has the final word; its per-field problems are shown next to the fields.
import type { SettingsView } from '../electron/contract';
import { call, errorView } from './api';
import { fill, h, revealBelowHeader, uid } from './dom';
import { LIMITS, SETTING_FIELDS, SETTING_KEYS, SETTING_LABELS } from '../core/settings-model';

type NumKey = keyof typeof LIMITS;
type Patch = Partial<Omit<SettingsView, 'configDir'>>;

export class SettingsPanel {
  readonly el: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  private readonly summary = h('div', { class: 'form-summary', role: 'alert', hidden: true, tabindex: -1 });
  private readonly errors = new Map<string, { wrap: HTMLElement; error: HTMLElement; control: HTMLElement }>();
  private readonly inputs: Record<string, HTMLInputElement> = {};
  private readonly configDir = h('code', {});
  private current: SettingsView | null = null;
  private readonly draftNote: HTMLElement;
  private readonly ssoSelect: HTMLSelectElement;
  private readonly ssoBtn: HTMLButtonElement;
  private readonly ssoBox: HTMLElement;
  private readonly ssoStatus = h('p', { class: 'hint', role: 'status', 'data-role': 'sso-status' });
  /** Told when the form gains or loses unsaved changes (the Settings tab marks them). */
  onEdit?: (dirty: boolean) => void;

  constructor(private readonly announce: (t: string) => void) {
    // Labels come from the one key -> label map, so the keeper's messages name what is shown here.
    const label = (key: string) => SETTING_LABELS[key] ?? key;
    const num = (key: NumKey, unit: string, help: string) => {
      const { min, max } = LIMITS[key];
      const f = SETTING_FIELDS[key];
      // A setting with an automatic value may be left empty (saved as "back to automatic").
      const automatic = 'automatic' in f ? f.automatic : undefined;
      const input = h('input', {
        type: 'number',
        name: key,
        min,
        max,
        step: 1,
        inputmode: 'numeric',
        required: !automatic,
        ...(automatic ? { placeholder: 'automatic' } : {}),
      });
      return this.field(
        key,
        label(key),
        input,
        `${help} ${min}-${max} ${unit}.${automatic ? ` Empty: automatic (${automatic}).` : ''}`,
        unit,
      );
    };
    const check = (key: string, help?: string) =>
      this.field(key, label(key), h('input', { type: 'checkbox', name: key }), help);
    const path = (tool: 'docker' | 'podman' | 'helm') =>
      this.field(
        `toolPaths.${tool}`,
        label(`toolPaths.${tool}`),
        h('input', {
          type: 'text',
          name: `toolPaths.${tool}`,
          placeholder: `found on PATH (e.g. /usr/local/bin/${tool})`,
          spellcheck: 'false',
          autocomplete: 'off',
        }),
        `Leave empty to search PATH and the usual install places.`,
      );

    this.draftNote = h(
      'div',
      { class: 'draft-note', role: 'status', hidden: true },
      h('p', {}, 'Unsaved changes, kept from before: save them, or discard them.'),
      h(
        'button',
        { type: 'button', class: 'btn', 'data-action': 'discard', onclick: () => this.discard() },
        'Discard changes',
      ),
    );
    this.form = h(
      'form',
      { class: 'settings-form', novalidate: true, 'aria-labelledby': 'settings-heading' },
      this.draftNote,
      this.summary,
      h(
        'fieldset',
        {},
        h('legend', {}, 'Refreshing'),
        check('autoRefresh'),
        num('refreshLeadMinutes', 'minutes', 'How long before a token expires to log in again:'),
        num('loginTimeoutSeconds', 'seconds', 'Give up on a docker, podman or helm login after:'),
        num('parallelLogins', 'logins', 'How many logins run at the same time:'),
        check('startAtLogin'),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Notifications'),
        num('notifyLeadMinutes', 'minutes', 'Warn this long before a login expires when nothing will refresh it:'),
        check('notifications.expiring'),
        check('notifications.failed'),
        check('notifications.recovered'),
      ),
      h('fieldset', {}, h('legend', {}, 'Login tools'), path('docker'), path('podman'), path('helm')),
      h('p', { class: 'hint' }, 'Settings folder: ', this.configDir),
      h(
        'div',
        { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn primary' }, 'Save settings'),
        this.status,
      ),
    );
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.save();
    });
    this.form.addEventListener('input', () => this.onEdit?.(this.dirty));
    this.form.addEventListener('change', () => this.onEdit?.(this.dirty));
    // Sign in to any SSO profile, as `ecr-keeper signin PROFILE` does: not only from a failed card.
    this.ssoSelect = h('select', { id: 'sso-profile', 'aria-label': 'SSO profile' });
    this.ssoBtn = h(
      'button',
      { type: 'button', class: 'btn primary', 'data-action': 'sso-signin', onclick: () => void this.signIn() },
      'Sign in',
    );
    this.ssoBox = h(
      'section',
      { class: 'settings-form signin-box', 'aria-labelledby': 'sso-heading' },
      h(
        'fieldset',
        {},
        h('legend', { id: 'sso-heading' }, 'AWS sign-in (SSO)'),
        h(
          'p',
          { class: 'hint' },
          'Runs aws sso login for the profile (your browser opens), then refreshes the registries that use it.',
        ),
        h('div', { class: 'field-row' }, this.ssoSelect, this.ssoBtn),
        this.ssoStatus,
      ),
    );
    this.el = h(
      'section',
      { class: 'view view-settings', 'aria-labelledby': 'settings-heading' },
      h('h2', { id: 'settings-heading', tabindex: -1 }, 'Settings'),
      this.form,
      this.ssoBox,
    );
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
    const wrap = h(
      'div',
      { class: `field${isCheck ? ' field-check' : ''}`, 'data-field': key },
      isCheck ? input : lab,
      isCheck
        ? lab
        : unit
          ? h('div', { class: 'field-row' }, input, h('span', { class: 'unit', 'aria-hidden': 'true' }, unit))
          : input,
      help ? h('p', { class: 'hint', id: helpId }, help) : null,
      error,
    );
    this.inputs[key] = input;
    this.errors.set(key, { wrap, error, control: input });
    return wrap;
  }

  /** True when the form holds changes not saved yet. */
  get dirty(): boolean {
    const s = this.current;
    if (!s) return false;
    return Object.entries(flat(s)).some(([k, v]) => {
      const i = this.inputs[k];
      return i !== undefined && (i.type === 'checkbox' ? i.checked !== Boolean(v) : i.value.trim() !== fieldText(v));
    });
  }

  /**
   * Opening the view reads the settings again, but a draft left by switching tabs is kept (and
   * said so), never silently replaced.
   */
  async load(): Promise<void> {
    void this.loadProfiles();
    try {
      const s = await call('getSettings');
      if (this.dirty) {
        this.current = s;
        this.configDir.textContent = s.configDir;
        this.draftNote.hidden = false;
        return;
      }
      this.show(s);
    } catch (err) {
      const v = errorView(err);
      this.status.textContent = `Could not load settings: ${v.message}`;
    }
  }

  private async loadProfiles(): Promise<void> {
    let names: string[] = [];
    try {
      names = (await call('listProfiles')).filter((p) => p.type === 'sso').map((p) => p.name);
    } catch {
      /* shown as none */
    }
    const keep = this.ssoSelect.value;
    fill(this.ssoSelect, ...names.map((n) => h('option', { value: n }, n)));
    if (names.includes(keep)) this.ssoSelect.value = keep;
    this.ssoBox.hidden = names.length === 0;
  }

  private async signIn(): Promise<void> {
    const profile = this.ssoSelect.value;
    if (!profile || this.ssoBtn.getAttribute('aria-busy') === 'true') return;
    this.ssoBtn.setAttribute('aria-busy', 'true');
    this.ssoBtn.setAttribute('aria-disabled', 'true');
    this.ssoStatus.textContent = `Signing in to ${profile}: finish it in the browser window the AWS CLI opened.`;
    try {
      await call('startSignIn', profile);
      this.ssoStatus.textContent = `Signed in to ${profile}; its registries were refreshed.`;
      this.announce(`Signed in to AWS for profile ${profile}.`);
    } catch (err) {
      const v = errorView(err);
      this.ssoStatus.textContent = `Sign-in failed: ${v.message} Fix: ${v.fix}`;
      this.announce(`Sign-in for ${profile} failed: ${v.message}`);
    } finally {
      this.ssoBtn.removeAttribute('aria-busy');
      this.ssoBtn.removeAttribute('aria-disabled');
    }
  }

  private discard(): void {
    if (this.current) this.show(this.current);
    this.clear();
    this.announce('Unsaved settings changes discarded.');
    (this.el.querySelector('h2') as HTMLElement | null)?.focus();
  }

  show(s: SettingsView): void {
    this.current = s;
    this.draftNote.hidden = true;
    const set = (k: string, v: string | number | boolean | undefined) => {
      const i = this.inputs[k];
      if (i.type === 'checkbox') i.checked = Boolean(v);
      else i.value = fieldText(v);
    };
    for (const [k, v] of Object.entries(flat(s))) set(k, v);
    this.configDir.textContent = s.configDir;
    this.onEdit?.(false);
  }

  /**
   * The whole form as a patch, one entry per setting of the settings model (numbers that do not
   * parse go as NaN, which crosses the bridge as null, so the keeper names the field; an empty
   * field of a setting with an automatic value is null on purpose: back to automatic).
   */
  patch(): Patch {
    const text = (k: string) => this.inputs[k].value.trim();
    const patch: Record<string, unknown> = {};
    for (const k of SETTING_KEYS) {
      const f = SETTING_FIELDS[k];
      if (f.type === 'boolean') patch[k] = this.inputs[k].checked;
      else if (f.type === 'integer')
        patch[k] = text(k) === '' ? ('automatic' in f ? null : Number.NaN) : Number(text(k));
      else
        patch[k] = Object.fromEntries(
          Object.keys(f.keys).map((sub) => [
            sub,
            f.type === 'switches' ? this.inputs[`${k}.${sub}`].checked : text(`${k}.${sub}`),
          ]),
        );
    }
    return patch;
  }

  private clear(): void {
    this.summary.hidden = true;
    fill(this.summary);
    for (const e of this.errors.values()) {
      e.error.hidden = true;
      e.error.textContent = '';
      e.control.removeAttribute('aria-invalid');
      e.wrap.classList.remove('invalid');
    }
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
        const e =
          this.errors.get(pr.field) ??
          (pr.field === 'toolPaths'
            ? this.errors.get('toolPaths.docker')
            : pr.field === 'notifications'
              ? this.errors.get('notifications.expiring')
              : undefined);
        if (!e) {
          loose.push(pr.message);
          continue;
        }
        e.error.textContent = pr.message;
        e.error.hidden = false;
        e.control.setAttribute('aria-invalid', 'true');
        e.wrap.classList.add('invalid');
        first ??= e.control;
      }
      const lines = [
        h(
          'p',
          { class: 'summary-title' },
          v.problems?.length ? 'Nothing was saved: fix the highlighted settings.' : `Nothing was saved: ${v.message}`,
        ),
      ];
      for (const m of loose) lines.push(h('p', {}, m));
      if (!v.problems?.length) lines.push(h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), v.fix));
      fill(this.summary, ...lines);
      this.summary.hidden = false;
      (first ?? this.summary).focus({ preventScroll: true });
      revealBelowHeader((first?.closest('.field') as HTMLElement) ?? this.summary, this.summary);
      if (this.current) this.status.textContent = '';
    }
  }
}

/** A text field's value: settings hold numbers and strings there. */
function fieldText(v: string | number | boolean | undefined): string {
  return v === undefined ? '' : String(v);
}

/** Settings as the form's field keys ("notifications.failed", "toolPaths.docker") -> value, from the settings model. */
function flat(s: SettingsView): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const k of SETTING_KEYS) {
    const f = SETTING_FIELDS[k];
    if ('keys' in f) {
      const group = s[k] as Record<string, string | boolean | undefined>;
      for (const sub of Object.keys(f.keys)) out[`${k}.${sub}`] = group[sub];
    } else out[k] = s[k] as number | boolean | undefined;
  }
  return out;
}
