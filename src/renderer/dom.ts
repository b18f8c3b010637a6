// A tiny element builder: enough for this window without a framework. Text always goes in as
// text nodes (never innerHTML), so nothing from the engine or a tool can inject markup.
type Attrs = Record<string, string | number | boolean | null | undefined | ((ev: Event) => void)>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces all children. */
export function fill(el: Node, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
}

/** A text node whose value is only written when it changes (cheap for the per-second tick). */
export class LiveText {
  readonly node: Text;
  constructor(initial = '') {
    this.node = document.createTextNode(initial);
  }
  set(v: string): void {
    if (this.node.nodeValue !== v) this.node.nodeValue = v;
  }
}

let seq = 0;
export function uid(prefix: string): string {
  seq += 1;
  return `${prefix}-${seq}`;
}

/** Text with `backtick` spans shown as code (commands in fixes); still text nodes only. */
export function richText(text: string): (string | HTMLElement)[] {
  return text
    .split(/(`[^`\n]+`)/)
    .filter(Boolean)
    .map((part) =>
      part.startsWith('`') && part.endsWith('`') && part.length > 2 ? h('code', {}, part.slice(1, -1)) : part,
    );
}

/** How much of the top of the viewport the sticky header covers (0 when it scrolls with the page). */
export function headerCover(): number {
  const header = document.getElementById('header');
  if (!header || getComputedStyle(header).position !== 'sticky') return 0;
  return Math.max(0, header.getBoundingClientRect().bottom);
}

/**
 * Scrolls so that `target` (and `from`, above it, when both fit: an error summary and the first bad
 * field) is visible below the sticky header. Focus alone would leave it under the header.
 */
export function revealBelowHeader(target: HTMLElement, from: HTMLElement = target): void {
  const top = headerCover() + 8;
  const room = window.innerHeight - top - 8;
  const t = target.getBoundingClientRect();
  const f = from.hidden ? t : from.getBoundingClientRect();
  const start = t.bottom - f.top <= room ? f.top : t.top;
  if (start < top || t.bottom > window.innerHeight) window.scrollBy({ top: start - top, behavior: 'instant' });
}
