/** What to do with an error a listener threw: report it; it is never rethrown. */
export type ListenerErrorHandler = (error: unknown, event: string) => void;

const printed = new Set<string>();

/**
 * The default report: one console.error line per distinct failure, so a listener that throws on
 * every event (a log line, a request record) does not flood the terminal.
 */
export const printListenerErrorOnce: ListenerErrorHandler = (error, event) => {
  const message = error instanceof Error ? error.message : String(error);
  const key = `${event}\0${message}`;
  if (printed.has(key)) return;
  printed.add(key);
  console.error(`a listener of "${event}" failed: ${message}`);
};

/** Calls `listener(payload)`; an error it throws goes to `report`, and a failing report is printed. */
export function callListener<T>(
  listener: (payload: T) => void,
  payload: T,
  event: string,
  report: ListenerErrorHandler,
): void {
  try {
    listener(payload);
  } catch (error) {
    try {
      report(error, event);
    } catch (reportError) {
      printListenerErrorOnce(reportError, `${event} (while reporting a listener error)`);
    }
  }
}

/**
 * A handler that passes each distinct failure to `sink` once. Reporting may emit events itself (a
 * notice, a log line) whose listener may be the one failing: a failure raised while reporting,
 * or one seen before, is not reported again, so a report cannot loop.
 */
export function reportEachOnce(sink: (message: string, event: string) => void): ListenerErrorHandler {
  const seen = new Set<string>();
  let reporting = false;
  return (error, event) => {
    const message = `a listener of "${event}" failed: ${error instanceof Error ? error.message : String(error)}`;
    if (reporting || seen.has(message)) return;
    seen.add(message);
    reporting = true;
    try {
      sink(message, event);
    } finally {
      reporting = false;
    }
  };
}
