// "Add from this machine": the ECR registries found in docker/podman/helm credential files (the
// same discover as `ecr-keeper discover`), each with the matching AWS profile, as a checklist to
// add in one go, or one at a time through the form. Used on the first-run screen and as its own view.
import type { DiscoveredHost, RegistryInputView } from '../electron/contract';
import { call, errorView } from './api';
import { fill, h, richText } from './dom';
import { prefillFromHost } from './form';
import { suggestName } from './format';

export interface DiscoverHooks {
  /** Registries were added (their ids). */
  added(ids: string[]): void;
  /** Open the form prefilled for one host. */
  edit(prefill: RegistryInputView): void;
  announce(text: string): void;
  /** Names already taken (for the form's suggested name). */
  takenNames(): string[];
}

function profileText(d: DiscoveredHost): string {
  if (d.profile) return `profile ${d.profile}`;
  if (d.candidates.length > 1) return `profiles ${d.candidates.join(', ')} match: choose one after adding`;
  return d.kind === 'public' ? 'default credentials' : 'no matching profile: default credentials';
}

export class DiscoverPanel {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'discover-body' });
  private readonly outcome = h('div', { class: 'discover-outcome', tabindex: -1, hidden: true });
  private readonly addBtn = h(
    'button',
    { type: 'button', class: 'btn primary', 'data-action': 'add-found' },
    'Add selected',
  );
  private hosts: DiscoveredHost[] = [];
  private busy = false;

  constructor(
    private readonly hooks: DiscoverHooks,
    private readonly headingId: string,
    heading: string,
  ) {
    this.addBtn.addEventListener('click', () => void this.addSelected());
    this.el = h(
      'section',
      { class: 'discover', 'aria-labelledby': headingId },
      h('h3', { id: headingId }, heading),
      this.outcome,
      this.body,
    );
  }

  /** Reads the credential files again (they may have changed since the last look). */
  async load(): Promise<void> {
    this.el.dataset.loaded = 'loading';
    let warnings: string[];
    try {
      const r = await call('discover');
      this.hosts = r.hosts;
      warnings = r.warnings;
    } catch (err) {
      fill(this.body, h('p', { class: 'hint' }, `Could not look for registries: ${errorView(err).message}`));
      this.el.dataset.loaded = 'true';
      return;
    }
    this.render(warnings);
    this.el.dataset.loaded = 'true';
  }

  get count(): number {
    return this.hosts.length;
  }

  /** Forgets the outcome of the last add (a fresh look). */
  reset(): void {
    fill(this.outcome);
    this.outcome.hidden = true;
  }

  private render(warnings: string[]): void {
    const fresh = this.hosts.filter((d) => !d.kept);
    if (!this.hosts.length) {
      fill(
        this.body,
        h(
          'p',
          { class: 'hint' },
          'No Amazon ECR registries found in the docker, podman or helm credential files here.',
        ),
        ...warnings.map((w) => h('p', { class: 'hint warning' }, w)),
      );
      return;
    }
    const rows = this.hosts.map((d) => {
      const id = `found-${d.host.replace(/[^a-z0-9]/g, '-')}`;
      const box = h('input', { type: 'checkbox', id, value: d.host, checked: !d.kept, disabled: d.kept });
      box.addEventListener('change', () => this.syncButton());
      return h(
        'li',
        { class: 'found-row', 'data-host': d.host, 'data-kept': String(d.kept) },
        box,
        h(
          'label',
          { for: id },
          h('span', { class: 'found-host' }, d.host),
          h(
            'span',
            { class: 'hint' },
            [
              d.kind === 'public' ? 'ECR Public' : `${d.accountId} · ${d.region}`,
              profileText(d),
              `found in ${d.foundIn.join(', ')}`,
              d.helper === 'ecr-login' ? 'handled by the ecr-login helper' : d.helper ? `stored in ${d.helper}` : '',
              d.kept ? 'already kept' : '',
            ]
              .filter(Boolean)
              .join(' · '),
          ),
        ),
        d.kept
          ? null
          : h(
              'button',
              {
                type: 'button',
                class: 'link-btn',
                'data-action': 'edit-found',
                onclick: () => this.hooks.edit(this.prefill(d)),
              },
              h('span', { class: 'sr-only' }, `${d.host}: `),
              'Edit before adding',
            ),
      );
    });
    fill(
      this.body,
      h(
        'p',
        { class: 'hint' },
        'Found on this computer (nothing was sent anywhere). Tick the ones ECR Keeper should keep fresh.',
      ),
      h('ul', { class: 'found-list', 'aria-labelledby': this.headingId }, ...rows),
      ...warnings.map((w) => h('p', { class: 'hint warning' }, w)),
      fresh.length
        ? h('div', { class: 'form-actions' }, this.addBtn)
        : h('p', { class: 'hint' }, 'ECR Keeper already keeps every one of them.'),
    );
    this.syncButton();
  }

  private prefill(d: DiscoveredHost): RegistryInputView {
    const p = prefillFromHost(d.host, this.hooks.takenNames(), suggestName);
    return {
      ...p,
      ...(d.profile ? { profile: d.profile } : {}),
      tool: d.tools.includes('docker') || !d.tools.includes('podman') ? 'docker' : 'podman',
    };
  }

  private selected(): string[] {
    return [...this.body.querySelectorAll<HTMLInputElement>('input[type="checkbox"]:checked:not(:disabled)')].map(
      (b) => b.value,
    );
  }

  private syncButton(): void {
    const n = this.selected().length;
    this.addBtn.textContent = n === 1 ? 'Add 1 registry' : `Add ${n} registries`;
    this.addBtn.disabled = n === 0 || this.busy;
  }

  private async addSelected(): Promise<void> {
    const hosts = this.selected();
    if (!hosts.length || this.busy) return;
    this.busy = true;
    this.syncButton();
    try {
      const r = await call('addDiscovered', hosts);
      const lines = [
        ...r.added.map((a) =>
          h(
            'li',
            { 'data-added': a.name },
            `Added ${a.name} (${a.host}, ${a.tool}, ${a.profile ? `profile ${a.profile}` : 'default credentials'}).`,
            ...a.notes.map((n) => h('p', { class: 'hint', 'data-note': n.kind }, ...richText(n.message))),
          ),
        ),
        ...r.failed.map((f) => h('li', { class: 'field-error' }, `${f.host}: not added: ${f.message}`)),
      ];
      fill(this.outcome, h('ul', { class: 'found-outcome' }, ...lines));
      this.outcome.hidden = false;
      this.hooks.announce(r.added.length ? `Added ${r.added.map((a) => a.name).join(', ')}.` : 'Nothing was added.');
      if (r.added.length) this.hooks.added(r.added.map((a) => a.id));
      await this.load();
    } catch (err) {
      const ev = errorView(err);
      fill(this.outcome, h('p', { class: 'field-error' }, `${ev.message} ${ev.fix}`));
      this.outcome.hidden = false;
    } finally {
      this.busy = false;
      this.syncButton();
    }
  }
}
