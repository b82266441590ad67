import { describe, expect, test } from 'vitest';
import { exportReport } from '../../core/export';
import { labRecord, METRICS, RUN, served, STARTED_AT, TIMELINE, TRAFFIC_SUMMARY } from './fixtures';
import { parseCsv } from './csv';

describe('CSV report', () => {
  test('one row per second, header time,<backends>,failed,<status codes>, CRLF', () => {
    const text = exportReport(labRecord(), 'csv');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(['time', 'backend1', 'backend2', 'backend3', 'failed', '200', '502']);
    expect(rows).toHaveLength(60);
  });

  test('parses back to the same numbers', () => {
    const [header, ...rows] = parseCsv(exportReport(labRecord(), 'csv'));
    rows.forEach((row, i) => {
      const sample = METRICS[i]!;
      const cell = (column: string): string => row[header!.indexOf(column)]!;
      expect(cell('time')).toBe(new Date(sample.t).toISOString());
      for (const backend of ['backend1', 'backend2', 'backend3']) {
        expect(Number(cell(backend))).toBe(sample.perBackend[backend] ?? 0);
      }
      expect(Number(cell('failed'))).toBe(sample.failed);
      expect(Number(cell('200'))).toBe(sample.statuses['200']);
      expect(Number(cell('502'))).toBe(sample.statuses['502'] ?? 0);
    });
    expect(rows.reduce((sum, row) => sum + Number(row[2]), 0)).toBe(served('backend2'));
  });

  test('quotes names with commas, quotes and line breaks', () => {
    const record = labRecord();
    const odd = 'peer "a", line\nbreak';
    record.lastRun!.metrics[0]!.perBackend[odd] = 7;
    const [header, first] = parseCsv(exportReport(record, 'csv'));
    expect(header).toContain(odd);
    expect(first![header!.indexOf(odd)]).toBe('7');
  });

  test('a lab that never ran: the header alone', () => {
    expect(exportReport(labRecord({ lastRun: null }), 'csv')).toBe('time,failed\r\n');
  });
});

describe('JSON report', () => {
  const report = () => JSON.parse(exportReport(labRecord(), 'json'));

  test('stable, documented keys', () => {
    const json = report();
    expect(Object.keys(json)).toEqual([
      'format',
      'version',
      'lab',
      'savedAt',
      'settings',
      'importedFile',
      'run',
    ]);
    expect(json.format).toBe('upstream-lab/run-report');
    expect(json.version).toBe(1);
    expect(Object.keys(json.run)).toEqual([
      'startedAt',
      'endedAt',
      'durationSec',
      'url',
      'image',
      'baseImages',
      'totals',
      'backends',
      'statusCodes',
      'statusTotals',
      'dropped',
      'seconds',
      'timeline',
      'traffic',
      'trafficRuns',
    ]);
    expect(Object.keys(json.run.backends[0])).toEqual([
      'name',
      'requests',
      'share',
      'failedAttempts',
      'avgMs',
      'p95Ms',
      'weight',
      'maxFails',
      'failTimeoutSec',
      'backup',
    ]);
    expect(Object.keys(json.run.seconds[0])).toEqual(['t', 'elapsedSec', 'perBackend', 'failed', 'statuses']);
    expect(Object.keys(json.run.timeline[0])).toEqual(['t', 'elapsedSec', 'backend', 'kind', 'detail']);
    expect(exportReport(labRecord(), 'json')).toBe(exportReport(labRecord(), 'json'));
  });

  test('the whole run: settings, totals, series with every backend and code, timeline, traffic', () => {
    const json = report();
    expect(json.settings).toEqual(labRecord().settings);
    expect(json.run.startedAt).toBe(STARTED_AT);
    expect(json.run.durationSec).toBe(60);
    const servedTotal = served('backend1') + served('backend2') + served('backend3');
    expect(json.run.totals).toEqual({
      requests: servedTotal + 6,
      served: servedTotal,
      failed: 6,
      cutOff: 0,
      peakRps: 62,
      faults: 1,
      trafficRuns: 1,
    });
    expect(json.run.baseImages).toEqual(['docker.arvancloud.ir/python:3.13-slim']);
    expect(json.run.statusTotals).toEqual({ '200': servedTotal, '502': 6 });
    expect(json.run.dropped).toEqual({ seconds: 0, events: 0 });
    expect(json.run.backends.map((b: { name: string; requests: number }) => [b.name, b.requests])).toEqual(
      RUN.backends.map((b) => [b.name, b.requests]),
    );
    const shares = json.run.backends.map((b: { share: number }) => b.share);
    expect(shares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 10);
    expect(json.run.statusCodes).toEqual(['200', '502']);
    expect(json.run.seconds).toHaveLength(60);
    expect(json.run.seconds[21]).toEqual({
      t: STARTED_AT + 21_000,
      elapsedSec: 21,
      perBackend: { backend1: 42, backend2: 0, backend3: 14 },
      failed: 2,
      statuses: { '200': 56, '502': 2 },
    });
    expect(json.run.timeline).toEqual(TIMELINE.map((e) => ({ ...e, elapsedSec: (e.t - STARTED_AT) / 1000 })));
    expect(json.run.traffic).toEqual(TRAFFIC_SUMMARY);
  });

  test('a lab that never ran has run: null', () => {
    expect(JSON.parse(exportReport(labRecord({ lastRun: null }), 'json')).run).toBeNull();
  });
});
