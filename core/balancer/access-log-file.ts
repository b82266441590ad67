import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * One log file opened for appending, shared by every access_log / error_log naming its path.
 * Lines wait in memory until `bufferBytes` are collected or `flushMs` passes (nginx's
 * `buffer=` / `flush=`); without a buffer each line goes out as it is written. `reopen` is what
 * nginx does on SIGUSR1: logrotate has moved the file, a new one is created at the path.
 */
export class LogFile {
  private stream: WriteStream;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private bufferBytes = 0;
  private flushMs = 0;

  constructor(readonly path: string) {
    this.stream = this.open();
  }

  /** The largest buffer asked for by any directive sharing the file wins, as in nginx. */
  buffer(bytes: number, flushMs: number): void {
    this.bufferBytes = Math.max(this.bufferBytes, bytes);
    if (flushMs > 0) this.flushMs = this.flushMs === 0 ? flushMs : Math.min(this.flushMs, flushMs);
  }

  write(line: string): void {
    if (this.bufferBytes === 0) {
      this.stream.write(line, 'latin1');
      return;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= this.bufferBytes) this.flush();
    else if (this.flushMs > 0 && this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    this.stream.write(this.pending.join(''), 'latin1');
    this.pending = [];
    this.pendingBytes = 0;
  }

  reopen(): void {
    this.flush();
    this.stream.end();
    this.stream = this.open();
  }

  async close(): Promise<void> {
    this.flush();
    const stream = this.stream;
    await new Promise<void>((resolve) => {
      if (stream.destroyed) resolve();
      else stream.end(resolve);
    });
  }

  private open(): WriteStream {
    const stream = createWriteStream(this.path, { flags: 'a' });
    // A log that cannot be written (no such directory, disk full) must not stop the proxy.
    stream.on('error', () => undefined);
    return stream;
  }
}

/** The balancer's open log files by path. */
export class LogFiles {
  private readonly files = new Map<string, LogFile>();

  get(path: string): LogFile {
    let file = this.files.get(path);
    if (!file) {
      file = new LogFile(path);
      this.files.set(path, file);
    }
    return file;
  }

  reopen(): void {
    for (const file of this.files.values()) file.reopen();
  }

  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((file) => file.close()));
    this.files.clear();
  }
}
