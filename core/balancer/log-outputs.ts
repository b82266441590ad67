import { LogFiles, type LogFile } from './access-log-file';
import type { LocationConfig, LogFormatConfig } from './config';
import { ErrorLog, type ErrorLogListener } from './error-log';
import { COMBINED, compileLogFormat, type LogContext, type LogLine } from './log-format';

interface AccessLogOutput {
  line: LogLine;
  file: LogFile;
}

/** A location's logs as the exchange uses them when a request ends or an attempt fails. */
export class LocationLogs {
  constructor(
    private readonly access: AccessLogOutput[],
    /** `access_log off`: the lab's printed access log leaves these requests out too. */
    readonly accessOff: boolean,
    readonly error: ErrorLog,
  ) {}

  get wantsAccess(): boolean {
    return this.access.length > 0;
  }

  writeAccess(ctx: LogContext): void {
    for (const output of this.access) output.file.write(`${output.line(ctx)}\n`);
  }
}

/** The balancer's log formats and open files; one per balancer, reopened together on SIGUSR1. */
export class LogOutputs {
  private readonly files = new LogFiles();
  private readonly formats = new Map<string, LogLine>();

  constructor(
    formats: readonly LogFormatConfig[] = [],
    private readonly onErrorLine: ErrorLogListener = () => undefined,
  ) {
    this.useFormats(formats);
  }

  /** A reload's log_format lines; files stay open, shared with the locations of the old config. */
  useFormats(formats: readonly LogFormatConfig[] = []): void {
    this.formats.clear();
    for (const format of [COMBINED, ...formats]) this.formats.set(format.name, compileLogFormat(format));
  }

  forLocation(config: LocationConfig): LocationLogs {
    const access = (config.accessLog ?? []).map((log) => {
      const file = this.files.get(log.path);
      file.buffer(log.bufferBytes, log.flushMs);
      const line = this.formats.get(log.format);
      if (!line) throw new Error(`unknown log format "${log.format}"`);
      return { line, file };
    });
    const errorFile = config.errorLog ? this.files.get(config.errorLog.path) : null;
    const error = new ErrorLog(config.errorLog, errorFile, this.onErrorLine);
    return new LocationLogs(access, config.accessLog?.length === 0, error);
  }

  reopen(): void {
    this.files.reopen();
  }

  close(): Promise<void> {
    return this.files.close();
  }
}
