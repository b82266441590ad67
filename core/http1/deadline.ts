/**
 * A timeout armed and disarmed once per request on a long-lived connection without creating a
 * timer each time: the one timer is restarted with `refresh()`, and one that fires while disarmed
 * does nothing.
 */
export class Deadline {
  private timer: NodeJS.Timeout | null = null;
  private armed = false;

  constructor(
    private readonly ms: number,
    private readonly onExpire: () => void,
  ) {}

  /** Starts (or restarts) the full duration; a duration of 0 never expires. */
  arm(): void {
    if (this.ms <= 0) return;
    this.armed = true;
    if (this.timer !== null) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(this.expire, this.ms);
    this.timer.unref();
  }

  disarm(): void {
    this.armed = false;
  }

  dispose(): void {
    this.armed = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly expire = (): void => {
    if (!this.armed) return;
    this.armed = false;
    this.onExpire();
  };
}
