import type { ReportModel } from './report-model';

/**
 * One row per second: `time,<backend…>,failed,<status code…>` (RFC 4180: CRLF line ends, fields
 * quoted when they hold a comma, a quote or a line break). `time` is ISO 8601 UTC; the other
 * columns count that second's requests.
 */
export function reportCsv(model: ReportModel): string {
  const run = model.run;
  const backends = run?.backends.map((b) => b.name) ?? [];
  const codes = run?.statusCodes ?? [];
  const rows = [
    ['time', ...backends, 'failed', ...codes],
    ...(run?.seconds ?? []).map((second) => [
      new Date(second.t).toISOString(),
      ...backends.map((name) => String(second.perBackend[name] ?? 0)),
      String(second.failed),
      ...codes.map((code) => String(second.statuses[code] ?? 0)),
    ]),
  ];
  return rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
