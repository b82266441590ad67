import type { LabRecord } from '../state/lab-record';
import { ExportError } from './errors';
import { exportNginx } from './nginx';
import { reportCsv } from './report-csv';
import { reportHtml, type NginxConfSection } from './report-html';
import { reportJson } from './report-json';
import { reportModel } from './report-model';

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The lab's last run as a report: JSON (everything), CSV (per second) or one HTML page. */
export function exportReport(record: LabRecord, format: ReportFormat): string {
  const model = reportModel(record);
  switch (format) {
    case 'json':
      return reportJson(model);
    case 'csv':
      return reportCsv(model);
    case 'html':
      return reportHtml(model, nginxConfSection(record));
  }
}

/** A report still shows the run when the settings make a config nginx would refuse. */
function nginxConfSection(record: LabRecord): NginxConfSection {
  try {
    return { text: exportNginx(record) };
  } catch (error) {
    if (error instanceof ExportError) return { error: error.message };
    throw error;
  }
}
