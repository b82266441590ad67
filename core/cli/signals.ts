/** A signal this soon after the first is the same Ctrl-C delivered twice, not a second press. */
const DUPLICATE_WINDOW_MS = 1000;

/** Ctrl-C, `kill`, and the terminal closing: each ends a foreground command with its cleanup. */
const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const EXIT_CODE: Record<(typeof ENDING_SIGNALS)[number], number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * Resolves on the first SIGINT, SIGTERM or SIGHUP, so a foreground command can shut down cleanly,
 * and keeps handling them while it does. One Ctrl-C often arrives twice: the terminal signals the
 * whole process group, and `npx` / `npm exec` (and `timeout`) forward the signal to their child
 * again. Without a handler that second copy would kill the process halfway through its cleanup,
 * leaving containers behind. So copies within a second are ignored; a later signal is a real
 * second Ctrl-C and quits at once, as `docker compose up` does.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let firstAt = 0;
    const onSignal = (signal: (typeof ENDING_SIGNALS)[number]): void => {
      // The terminal is gone: writing to it fails (EIO), and that error must not end the cleanup.
      if (signal === 'SIGHUP') ignoreOutputErrors();
      if (firstAt === 0) {
        firstAt = Date.now();
        resolve(signal);
        return;
      }
      if (Date.now() - firstAt < DUPLICATE_WINDOW_MS) return;
      process.stderr.write(`${signal} again: quitting before the cleanup finished\n`);
      process.exit(EXIT_CODE[signal]);
    };
    for (const signal of ENDING_SIGNALS) process.on(signal, onSignal);
  });
}

function ignoreOutputErrors(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

export interface LastResortOptions {
  /** Removes what the process started (the lab's containers); given a few seconds at most. */
  cleanup: () => Promise<void>;
  /** Where the error is printed (once). */
  print?: (text: string) => void;
  /** Ends the process (Electron: app.exit). */
  exit?: (code: number) => void;
  cleanupTimeoutMs?: number;
}

/**
 * The last resort for an error nothing caught (an uncaught exception or an unhandled rejection):
 * print it once, with where it was thrown, remove the lab's containers, then exit 1. A process
 * that goes on after such an error is in an unknown state; one that dies at once leaks replicas.
 * Returns the function that uninstalls it.
 */
export function installLastResort(options: LastResortOptions): () => void {
  const print = options.print ?? ((text: string) => void process.stderr.write(`${text}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let ending = false;
  const onFatal = (error: unknown): void => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (ending) {
      print(`another error while cleaning up (ignored): ${firstLine(text)}`);
      return;
    }
    ending = true;
    print(`fatal: ${text}`);
    print("removing the lab's containers before exiting");
    const timeout = new Promise<void>((_, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`cleanup still running after ${options.cleanupTimeoutMs ?? 30_000} ms`)),
        options.cleanupTimeoutMs ?? 30_000,
      );
      timer.unref();
    });
    void Promise.race([Promise.resolve().then(options.cleanup), timeout])
      .catch((cleanupError: unknown) =>
        print(
          `cleanup failed: ${(cleanupError as Error).message ?? String(cleanupError)}; ` +
            'remove what is left with `upstream-lab down --lab NAME`',
        ),
      )
      .finally(() => exit(1));
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  return () => {
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
  };
}

const firstLine = (text: string): string => text.split('\n', 1)[0] ?? text;
