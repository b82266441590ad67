/** A signal this soon after the first is the same Ctrl-C delivered twice, not a second press. */
const DUPLICATE_WINDOW_MS = 1000;

/**
 * Resolves on the first SIGINT or SIGTERM, so a foreground command can shut down cleanly, and
 * keeps handling them while it does. One Ctrl-C often arrives twice: the terminal signals the
 * whole process group, and `npx` / `npm exec` (and `timeout`) forward the signal to their child
 * again. Without a handler that second copy would kill the process halfway through its cleanup,
 * leaving containers behind. So copies within a second are ignored; a later signal is a real
 * second Ctrl-C and quits at once, as `docker compose up` does.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let firstAt = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (firstAt === 0) {
        firstAt = Date.now();
        resolve(signal);
        return;
      }
      if (Date.now() - firstAt < DUPLICATE_WINDOW_MS) return;
      process.stderr.write(`${signal} again: quitting before the cleanup finished\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
