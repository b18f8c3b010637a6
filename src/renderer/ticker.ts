// One shared timer for every countdown in the window. It fires just after each wall-clock second
// (expiry times are whole seconds, so each countdown changes exactly once per tick) and runs only
// while the window is visible; becoming visible again ticks at once, so a hidden window never shows
// a stale number.
export class Ticker {
  private timer: number | undefined;
  private readonly onVisibility = () => this.sync();

  constructor(
    private readonly tick: (now: number) => void,
    private readonly doc: Document = document,
  ) {}

  start(): void {
    this.doc.addEventListener('visibilitychange', this.onVisibility);
    this.sync();
  }

  stop(): void {
    this.doc.removeEventListener('visibilitychange', this.onVisibility);
    this.clear();
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  private sync(): void {
    if (this.doc.visibilityState === 'hidden') {
      this.clear();
      return;
    }
    if (this.timer === undefined) this.run();
  }

  private run = (): void => {
    this.timer = undefined;
    if (this.doc.visibilityState === 'hidden') return;
    const now = Date.now();
    this.tick(now);
    this.timer = window.setTimeout(this.run, 1000 - (now % 1000) + 15);
  };

  private clear(): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
