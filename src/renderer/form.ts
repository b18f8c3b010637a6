// Add / edit a registry. Validation is the shared module's (src/core/registry.ts), run here
// before anything is sent, so the form shows exactly the CLI's messages; the keeper validates again
// and any problem it reports lands next to its field the same way. Nothing is saved until valid.
import { withFix } from '../core/errors';
import type { AwsProfileView, Registry, RegistryInputView } from '../electron/contract';
import {
  KNOWN_REGIONS,
  labelOf,
  parseEcrHost,
  PUBLIC_HOST,
  PUBLIC_REGION,
  validateRegistryInput,
  type LoginTool,
  type RegistryField,
  type RegistryFieldName,
} from '../core/registry';
import { ApiError, call, errorView } from './api';
import { fill, h, revealBelowHeader, uid } from './dom';

export interface FormHooks {
  /** `before`: the registry as it was (null when added). */
  saved(reg: Registry, before: Registry | null): void;
  cancel(): void;
}

type FieldName = RegistryFieldName;

const CHECK_LABEL: Partial<Record<FieldName, string>> = {
  enabled: 'Enabled: keep this registry logged in',
  autoRefresh: 'Refresh this registry automatically',
};
const DEFAULT_CHAIN = '';

interface Field {
  wrap: HTMLElement;
  control: HTMLInputElement | HTMLSelectElement;
  error: HTMLElement;
}

export class RegistryForm {
  readonly el: HTMLElement;
  private readonly heading = h('h2', { id: 'form-heading', tabindex: -1 });
  private readonly summary = h('div', { class: 'form-summary', role: 'alert', hidden: true, tabindex: -1 });
  private readonly fields = {} as Record<FieldName, Field>;
  private readonly advanced: HTMLDetailsElement;
  private readonly detectBtn: HTMLButtonElement;
  private readonly detectStatus = h('span', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  private readonly submitBtn: HTMLButtonElement;
  private readonly formEl: HTMLFormElement;
  private editing: Registry | null = null;
  private regions: string[] = [...KNOWN_REGIONS];
  private profiles: AwsProfileView[] = [];
  private awsFiles: string[] = [];
  /** The input whose warnings were shown: submitting it unchanged saves it anyway. */
  private warnedFor: string | null = null;
  private busy = false;

  constructor(private readonly hooks: FormHooks) {
    const text = (name: FieldName, attrs: Record<string, string> = {}) =>
      h('input', { type: 'text', name, autocomplete: 'off', spellcheck: 'false', ...attrs });
    const select = (name: FieldName, options: [string, string][]) => {
      const s = h('select', { name });
      for (const [v, label] of options) s.appendChild(h('option', { value: v }, label));
      return s;
    };
    // No maxlength: input that is too long is reported, never cut without a word.
    const nameCtl = text('name', { placeholder: 'prod' });
    const kindCtl = select('kind', [
      ['private', 'Private registry (account)'],
      ['public', 'ECR Public (public.ecr.aws)'],
    ]);
    const regionCtl = select('region', []);
    const profileCtl = select('profile', [[DEFAULT_CHAIN, 'Default credential chain']]);
    const accountCtl = text('accountId', { placeholder: '123456789012', inputmode: 'numeric' });
    const toolCtl = select('tool', [
      ['docker', 'docker'],
      ['podman', 'podman'],
      ['helm', 'helm'],
    ]);
    const autoCtl = h('input', { type: 'checkbox', name: 'autoRefresh', checked: true });
    const enabledCtl = h('input', { type: 'checkbox', name: 'enabled', checked: true });
    const hostCtl = text('registryHost', { placeholder: 'derived from account and region' });
    const endpointCtl = text('apiEndpoint', { placeholder: 'https://api.ecr.REGION.amazonaws.com' });
    kindCtl.addEventListener('change', () => this.syncKind());
    profileCtl.addEventListener('change', () => this.syncProfileRegion());

    this.detectBtn = h(
      'button',
      { type: 'button', class: 'btn', onclick: () => void this.detect() },
      'Detect from profile',
    );
    const mk = (name: FieldName, control: HTMLInputElement | HTMLSelectElement, help?: string, extra?: HTMLElement) => {
      const id = uid(`f-${name}`);
      control.id = id;
      const errId = `${id}-error`;
      const helpId = help ? `${id}-help` : undefined;
      const error = h('p', { class: 'field-error', id: errId, hidden: true });
      const describedBy = [helpId, errId].filter(Boolean).join(' ');
      control.setAttribute('aria-describedby', describedBy);
      const isCheck = control instanceof HTMLInputElement && control.type === 'checkbox';
      const label = h('label', { for: id }, isCheck ? (CHECK_LABEL[name] ?? labelOf(name)) : labelOf(name));
      const wrap = h(
        'div',
        { class: `field${isCheck ? ' field-check' : ''}`, 'data-field': name },
        isCheck ? null : label,
        extra ? h('div', { class: 'field-row' }, control, extra) : control,
        isCheck ? label : null,
        help ? h('p', { class: 'hint', id: helpId }, help) : null,
        error,
      );
      this.fields[name] = { wrap, control, error };
      return wrap;
    };

    this.advanced = h(
      'details',
      { class: 'advanced' },
      h('summary', {}, 'Advanced'),
      mk(
        'registryHost',
        hostCtl,
        'Log in to this host instead of the derived one (VPC endpoint, mirror, test registry).',
      ),
      mk('apiEndpoint', endpointCtl, 'Call the ECR API here instead of the default endpoint (FIPS, VPC endpoint).'),
    );
    this.submitBtn = h('button', { type: 'submit', class: 'btn primary' }, 'Add registry');
    this.formEl = h(
      'form',
      { class: 'reg-form', novalidate: true, 'aria-labelledby': 'form-heading' },
      this.summary,
      mk('name', nameCtl, 'A short label, shown in the tray and used by the CLI.'),
      mk('kind', kindCtl),
      mk('region', regionCtl),
      mk('profile', profileCtl, 'From your ~/.aws/config and ~/.aws/credentials.'),
      mk(
        'accountId',
        accountCtl,
        'Optional: 12 digits (dashes and spaces are fine). Left empty, it comes from the first token.',
        h('span', { class: 'field-side' }, this.detectBtn),
      ),
      this.detectStatus,
      mk(
        'tool',
        toolCtl,
        'docker: nerdctl and Finch read its login too. podman: the login is shared by podman, buildah and skopeo. helm: for charts (helm 3.8 or later).',
      ),
      mk('enabled', enabledCtl),
      mk('autoRefresh', autoCtl),
      this.advanced,
      h(
        'div',
        { class: 'form-actions' },
        this.submitBtn,
        h('button', { type: 'button', class: 'btn', onclick: () => hooks.cancel() }, 'Cancel'),
      ),
    );
    this.formEl.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submit();
    });
    this.formEl.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        hooks.cancel();
      }
    });
    this.el = h('section', { class: 'view view-form', 'aria-labelledby': 'form-heading' }, this.heading, this.formEl);
  }

  /** Loads the region and profile lists (once per opening: the user may have edited ~/.aws meanwhile). */
  async loadLists(): Promise<void> {
    const [regions, profiles, files] = await Promise.allSettled([
      call('listRegions'),
      call('listProfiles'),
      call('awsFiles'),
    ]);
    if (regions.status === 'fulfilled' && regions.value.length) this.regions = regions.value;
    this.awsFiles = files.status === 'fulfilled' ? files.value : [];
    this.profiles = profiles.status === 'fulfilled' ? profiles.value : [];
    const regionSel = this.fields.region.control as HTMLSelectElement;
    fill(
      regionSel,
      h('option', { value: '' }, 'Choose a region…'),
      ...this.regions.map((r) => h('option', { value: r }, r)),
    );
    const profSel = this.fields.profile.control as HTMLSelectElement;
    fill(
      profSel,
      h('option', { value: DEFAULT_CHAIN }, 'Default credential chain'),
      ...this.profiles.map((p) =>
        h('option', { value: p.name }, `${p.name}${p.type && p.type !== 'other' ? ` (${p.type})` : ''}`),
      ),
    );
    if (profiles.status === 'rejected')
      this.detectStatus.textContent = `Could not read AWS profiles: ${errorView(profiles.reason).message}`;
  }

  /** Opens the form for a new registry (optionally prefilled) or for editing `reg`. */
  async open(reg: Registry | null, prefill: RegistryInputView = {}): Promise<void> {
    this.editing = reg;
    this.heading.textContent = reg ? `Edit ${reg.name}` : 'Add registry';
    this.submitBtn.textContent = reg ? 'Save changes' : 'Add registry';
    this.clearErrors();
    this.warnedFor = null;
    this.detectStatus.textContent = '';
    await this.loadLists();
    const v: RegistryInputView = reg ? { ...reg } : { kind: 'private', tool: 'docker', autoRefresh: true, ...prefill };
    this.set('name', v.name ?? '');
    this.set('kind', v.kind ?? 'private');
    this.ensureOption('region', v.region ?? '');
    this.set('region', v.region ?? '');
    this.ensureOption('profile', v.profile ?? '');
    this.set('profile', v.profile ?? DEFAULT_CHAIN);
    this.set('accountId', v.accountId ?? '');
    this.set('tool', v.tool ?? 'docker');
    (this.fields.autoRefresh.control as HTMLInputElement).checked = v.autoRefresh !== false;
    (this.fields.enabled.control as HTMLInputElement).checked = v.enabled !== false;
    this.set('registryHost', v.registryHost ?? '');
    this.set('apiEndpoint', v.apiEndpoint ?? '');
    this.advanced.open = Boolean(v.registryHost || v.apiEndpoint);
    this.syncKind();
  }

  focus(): void {
    this.heading.focus();
  }

  private set(name: FieldName, value: string): void {
    this.fields[name].control.value = value;
  }

  private ensureOption(name: 'region' | 'profile', value: string): void {
    if (!value) return;
    const sel = this.fields[name].control as HTMLSelectElement;
    if (![...sel.options].some((o) => o.value === value))
      sel.appendChild(h('option', { value }, name === 'profile' ? `${value} (not in your AWS files)` : value));
  }

  private syncKind(): void {
    const isPublic = this.fields.kind.control.value === 'public';
    this.fields.accountId.wrap.hidden = isPublic;
    this.detectBtn.disabled = isPublic;
    if (isPublic) {
      this.ensureOption('region', PUBLIC_REGION);
      this.set('region', PUBLIC_REGION);
      this.set('accountId', '');
    }
    this.fields.region.control.disabled = isPublic;
  }

  /** Choosing a profile with a region in its config preselects that region if none is chosen. */
  private syncProfileRegion(): void {
    const p = this.profiles.find((x) => x.name === this.fields.profile.control.value);
    if (p?.region && !this.fields.region.control.value) {
      this.ensureOption('region', p.region);
      this.set('region', p.region);
    }
  }

  /** The form's values as the contract's input: empty strings mean "not set" (and clear on edit). */
  values(): RegistryInputView {
    const val = (n: FieldName) => this.fields[n].control.value.trim();
    const kind = val('kind') === 'public' ? 'public' : 'private';
    return {
      name: val('name'),
      kind,
      region: kind === 'public' ? PUBLIC_REGION : val('region'),
      accountId: kind === 'public' ? '' : val('accountId'),
      profile: val('profile'),
      tool: val('tool') as LoginTool,
      autoRefresh: (this.fields.autoRefresh.control as HTMLInputElement).checked,
      enabled: (this.fields.enabled.control as HTMLInputElement).checked,
      registryHost: val('registryHost'),
      apiEndpoint: val('apiEndpoint'),
    } satisfies Required<RegistryInputView>; // every field: one the form forgets does not compile
  }

  private clearErrors(): void {
    this.summary.hidden = true;
    this.summary.classList.remove('warnings');
    this.submitBtn.textContent = this.editing ? 'Save changes' : 'Add registry';
    fill(this.summary);
    for (const f of Object.values(this.fields)) {
      f.error.hidden = true;
      f.error.textContent = '';
      f.control.removeAttribute('aria-invalid');
      f.wrap.classList.remove('invalid');
    }
  }

  /** Shows each problem next to its field; problems without a field go to the summary. Focuses the first. */
  showProblems(problems: { field: string; message: string }[], fallback?: { message: string; fix: string }): void {
    this.clearErrors();
    const loose: string[] = [];
    let first: HTMLElement | null = null;
    let firstWrap: HTMLElement | null = null;
    for (const p of problems) {
      const f = (this.fields as Record<string, Field | undefined>)[p.field];
      if (!f) {
        loose.push(p.message);
        continue;
      }
      f.error.textContent = f.error.textContent ? `${f.error.textContent} ${p.message}` : p.message;
      f.error.hidden = false;
      f.control.setAttribute('aria-invalid', 'true');
      f.wrap.classList.add('invalid');
      if (p.field === 'registryHost' || p.field === 'apiEndpoint') this.advanced.open = true;
      if (!first) {
        first = f.control;
        firstWrap = f.wrap;
      }
    }
    const count = problems.length;
    const lines: (string | HTMLElement)[] = [];
    if (count)
      lines.push(
        h(
          'p',
          { class: 'summary-title' },
          `${count === 1 ? 'One problem' : `${count} problems`} to fix before saving.`,
        ),
      );
    for (const m of loose) lines.push(h('p', {}, m));
    if (fallback)
      lines.push(h('p', {}, fallback.message), h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), fallback.fix));
    if (lines.length) {
      fill(this.summary, ...lines);
      this.summary.hidden = false;
    }
    (first ?? this.summary).focus({ preventScroll: true });
    revealBelowHeader(firstWrap ?? this.summary, this.summary);
  }

  /** Accepted but worth a look (a region newer than the SDK, a profile not in the AWS files): shown once, then saved on the next press. */
  private showWarnings(warnings: { field: string; message: string }[]): void {
    this.clearErrors();
    fill(
      this.summary,
      h('p', { class: 'summary-title' }, 'Check before saving:'),
      ...warnings.map((w) => h('p', { 'data-warning': w.field }, `${labelOf(w.field as RegistryField)}: ${w.message}`)),
      h('p', {}, `Press ${this.editing ? 'Save anyway' : 'Add anyway'} to save it as it is.`),
    );
    this.summary.classList.add('warnings');
    this.summary.hidden = false;
    this.submitBtn.textContent = this.editing ? 'Save anyway' : 'Add anyway';
    this.summary.focus?.();
  }

  async submit(): Promise<void> {
    if (this.busy) return;
    const input = this.values();
    let existing: Registry[] = [];
    try {
      existing = await call('listRegistries');
    } catch {
      /* the keeper checks names again */
    }
    const base = this.editing ? (existing.find((r) => r.id === this.editing!.id) ?? this.editing) : undefined;
    // Profiles are checked only when the files could be read (otherwise every profile would look missing).
    const profiles = this.awsFiles.length
      ? { names: this.profiles.map((p) => p.name), files: this.awsFiles }
      : undefined;
    const v = validateRegistryInput(input, { existing, editingId: this.editing?.id, base, profiles });
    if (!v.ok) {
      this.showProblems(v.errors);
      return;
    }
    const key = JSON.stringify(input);
    if (v.warnings.length && this.warnedFor !== key) {
      this.showWarnings(v.warnings);
      this.warnedFor = key;
      return;
    }
    this.busy = true;
    this.submitBtn.disabled = true;
    try {
      const saved = this.editing
        ? await call('updateRegistry', this.editing.id, input)
        : await call('addRegistry', input);
      this.clearErrors();
      this.hooks.saved(saved, this.editing);
    } catch (err) {
      const ev = errorView(err);
      if (err instanceof ApiError && ev.problems?.length) this.showProblems(ev.problems);
      else this.showProblems([], ev);
    } finally {
      this.busy = false;
      this.submitBtn.disabled = false;
    }
  }

  private async detect(): Promise<void> {
    const region = this.fields.region.control.value;
    const profile = this.fields.profile.control.value || null;
    if (!region) {
      this.showProblems([
        { field: 'region', message: 'Choose a region first: the account is read from a token for that region.' },
      ]);
      return;
    }
    this.detectBtn.disabled = true;
    this.detectStatus.textContent = `Asking AWS as ${profile ?? 'the default credentials'}…`;
    const f = this.fields.accountId;
    try {
      const acct = await call('detectAccount', profile, region);
      this.set('accountId', acct);
      f.error.hidden = true;
      f.control.removeAttribute('aria-invalid');
      f.wrap.classList.remove('invalid');
      this.detectStatus.textContent = `Detected account ${acct}.`;
    } catch (err) {
      const ev = errorView(err);
      this.detectStatus.textContent = '';
      f.error.textContent = withFix(ev.message, ev.fix);
      f.error.hidden = false;
      f.control.setAttribute('aria-invalid', 'true');
      f.wrap.classList.add('invalid');
    } finally {
      this.detectBtn.disabled = this.fields.kind.control.value === 'public';
    }
  }
}

/** Prefill for a host found in the user's docker config. */
export function prefillFromHost(
  host: string,
  taken: readonly string[],
  suggest: (base: string, taken: readonly string[]) => string,
): RegistryInputView {
  if (host === PUBLIC_HOST) return { kind: 'public', region: PUBLIC_REGION, name: suggest('ecr-public', taken) };
  const p = parseEcrHost(host);
  if (!p) return { registryHost: host, name: suggest(host.split('.')[0] ?? 'registry', taken) };
  const std = !p.fips && !p.dualStack;
  return {
    kind: 'private',
    region: p.region,
    accountId: p.accountId,
    name: suggest(`${p.accountId}-${p.region}`, taken),
    ...(std ? {} : { registryHost: host }),
  };
}
