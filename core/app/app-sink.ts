/** Where the App's parts report: the lab log, notices, and "the view changed". */
export interface AppSink {
  log(source: string, text: string, stream?: 'stdout' | 'stderr', time?: number): void;
  notice(level: 'info' | 'warning' | 'error', message: string): void;
  changed(): void;
}
