/**
 * The child process of steady-load.ts: the repo's open-loop generator (core/traffic, as
 * `upstream-lab load --rate N` runs it), its samples every 100 ms as JSON lines on stdout, the
 * summary as the last line. Ends on SIGINT/SIGTERM, or when the parent goes away (stdin closes).
 *
 *   tsx bench/lib/steady-load-child.ts URL RATE TIMEOUT_MS
 */
import { TrafficGenerator } from '../../core/traffic';

const [url, rate, timeoutMs] = process.argv.slice(2);
const generator = new TrafficGenerator({
  url: url!,
  rate: Number(rate),
  timeoutMs: Number(timeoutMs),
  durationMs: 0,
  sampleIntervalMs: 100,
});
generator.on('sample', (sample) => process.stdout.write(`${JSON.stringify({ sample })}\n`));
const stop = (): void => void generator.stop();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
process.stdin.on('end', stop).resume();
const summary = await generator.start();
process.stdout.write(`${JSON.stringify({ summary })}\n`, () => process.exit(0));
