import { describe, expect, test } from 'vitest';
import { EXPORT_FORMATS } from '../../core/api/contract';
import { composeYaml, exportLab, exportNginx, exportReport } from '../../core/export';
import { labRecord } from './fixtures';

describe('exportLab (the config.export command)', () => {
  const record = labRecord();

  test.each([
    ['nginx', 'nginx.conf', 'text/plain', () => exportNginx(record)],
    ['compose', 'compose.yaml', 'application/yaml', () => composeYaml(record)],
    ['report-json', 'course-lab-report.json', 'application/json', () => exportReport(record, 'json')],
    ['report-csv', 'course-lab-report.csv', 'text/csv', () => exportReport(record, 'csv')],
    ['report-html', 'course-lab-report.html', 'text/html', () => exportReport(record, 'html')],
  ] as const)('%s → %s (%s)', (format, filename, mime, text) => {
    expect(exportLab(record, format)).toMatchObject({ filename, mime, text: text() });
  });

  test('compose comes with the nginx.conf it mounts', () => {
    const { companions } = exportLab(record, 'compose');
    expect(companions).toEqual([{ filename: 'nginx.conf', mime: 'text/plain', text: exportNginx(record) }]);
    expect(exportLab(record, 'nginx').companions).toEqual([]);
  });

  test('covers every format of the contract', () => {
    for (const format of EXPORT_FORMATS) expect(exportLab(record, format).text.length).toBeGreaterThan(0);
  });
});
