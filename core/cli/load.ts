import type { Command } from 'commander';
import type { TrafficGenerator, TrafficGeneratorOptions } from '../traffic';
import { CliError } from './errors';
import { USAGE_EXIT } from './lab-options';

interface LoadFlags {
  rate?: string;
  concurrency?: string;
  duration: string;
  method: string;
  header?: string[];
  body?: string;
  timeout: string;
  successLatencyOnly?: boolean;
  json?: boolean;
}

export function registerLoad(program: Command): void {
  program
    .command('load')
    .description(
      'send HTTP load to URL at a rate (open loop) or with N in flight (closed loop); ' +
        'print req/s each second, then latency, status codes, errors and per-backend shares',
    )
    .argument('<url>', 'http:// URL to load')
    .option('-r, --rate <n>', 'open loop: requests per second (latency corrected for coordinated omission)')
    .option('-c, --concurrency <n>', 'closed loop: requests in flight')
    .option('-d, --duration <time>', 'how long: 500ms, 30s, 2m; 0 = until Ctrl+C', '30s')
    .option('-m, --method <method>', 'request method', 'GET')
    .option('-H, --header <header>', "request header 'Name: value' (repeatable)", collect)
    .option('-b, --body <text>', 'request body')
    .option('--timeout <time>', 'a request without a response after this long fails as "timeout"', '10s')
    .option('--success-latency-only', 'leave non-2xx/3xx responses out of the latency figures')
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (url: string, flags: LoadFlags) => {
      // Loaded here, not at start: the other commands don't need the generator.
      const traffic = await import('../traffic');
      const { liveLine, summaryText } = traffic;
      const generator = createGenerator(traffic, url, flags);
      generator.on('sample', (sample) => process.stderr.write(`${liveLine(sample)}\n`));
      const stop = (): void => void generator.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const summary = await generator.start();
        process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : summaryText(summary));
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function createGenerator(
  traffic: typeof import('../traffic'),
  url: string,
  flags: LoadFlags,
): TrafficGenerator {
  const { parseDuration, parseHeader, TrafficGenerator } = traffic;
  if ((flags.rate === undefined) === (flags.concurrency === undefined))
    throw new CliError(
      'load: give exactly one of --rate N (open loop) or --concurrency N (closed loop)',
      USAGE_EXIT,
    );
  try {
    const options: TrafficGeneratorOptions = {
      url,
      rate: flags.rate === undefined ? undefined : number('--rate', flags.rate),
      concurrency: flags.concurrency === undefined ? undefined : number('--concurrency', flags.concurrency),
      durationMs: parseDuration(flags.duration),
      timeoutMs: parseDuration(flags.timeout),
      method: flags.method,
      headers: (flags.header ?? []).map(parseHeader),
      body: flags.body,
      successLatencyOnly: flags.successLatencyOnly ?? false,
    };
    return new TrafficGenerator(options);
  } catch (error) {
    // TrafficOptionsError, or a bad --duration or --header.
    if (error instanceof Error && !(error instanceof CliError))
      throw new CliError(`load: ${error.message}`, USAGE_EXIT);
    throw error;
  }
}

function number(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new CliError(`load: ${flag} wants a number, not "${text}"`, USAGE_EXIT);
  return value;
}
