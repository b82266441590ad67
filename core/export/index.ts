import type { EXPORT_FORMATS, ExportedFile } from '../api/contract';
import type { LabRecord } from '../state/lab-record';
import { composeYaml } from './compose';
import { exportNginx } from './nginx';
import { exportReport } from './report';

export { exportCompose, composeYaml, type ComposeExportOptions, type ExportFile } from './compose';
export { ExportError } from './errors';
export { exportNginx, type NginxExportOptions } from './nginx';
export { exportReport, REPORT_FORMATS, type ReportFormat } from './report';

export type { ExportedFile };
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One export format as the file to save, with compose.yaml's nginx.conf as its companion. */
export function exportLab(record: LabRecord, format: ExportFormat): ExportedFile {
  const lab = record.settings.lab;
  const file = (filename: string, mime: string, text: string): ExportedFile => ({
    filename,
    mime,
    text,
    companions: [],
  });
  switch (format) {
    case 'nginx':
      return file('nginx.conf', 'text/plain', exportNginx(record));
    case 'compose':
      return {
        ...file('compose.yaml', 'application/yaml', composeYaml(record)),
        companions: [{ filename: 'nginx.conf', mime: 'text/plain', text: exportNginx(record) }],
      };
    case 'report-json':
      return file(`${lab}-report.json`, 'application/json', exportReport(record, 'json'));
    case 'report-csv':
      return file(`${lab}-report.csv`, 'text/csv', exportReport(record, 'csv'));
    case 'report-html':
      return file(`${lab}-report.html`, 'text/html', exportReport(record, 'html'));
  }
}
