import { describe, expect, test } from 'vitest';
import { exportReport } from '../../core/export';
import { EVIL, labRecord, maliciousRecord } from './fixtures';

const ESCAPED_EVIL = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;';

/** Every tag of the page, attributes included (text between tags left out). */
const tagsOf = (page: string): string[] => page.match(/<[^>]*>/g) ?? [];

describe('HTML report', () => {
  const page = exportReport(labRecord(), 'html');

  test('one page: title, settings, backend table, chart, timeline, traffic, nginx.conf', () => {
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<title>Lab “course-lab”: run report</title>');
    for (const heading of [
      'Lab settings',
      'Backends',
      'Requests per second',
      'Timeline',
      'Traffic generator',
      'nginx.conf as tuned',
    ]) {
      expect(page).toContain(`<h2>${heading}</h2>`);
    }
    expect(page).toContain('docker.arvancloud.ir');
    expect(page).toContain('>2,099</td>');
    expect(page).toContain('58.2 %');
    expect(page).toContain('server backend2:8000 max_fails=2 fail_timeout=30s weight=2;');
  });

  test('the chart: an inline SVG, one area per backend plus failed, a mark per timeline event', () => {
    expect(page.match(/<svg /g)).toHaveLength(1);
    expect(page.match(/<path class="area"/g)).toHaveLength(4);
    expect(page.match(/<g class="mark mark-fault">/g)).toHaveLength(1);
    expect(page.match(/<g class="mark mark-recovery">/g)).toHaveLength(1);
    expect(page.match(/<g class="mark mark-other">/g)).toHaveLength(3);
    expect(page).toContain('<title>#1 +0:20 backend2 killed: docker kill course-lab-backend2</title>');
  });

  test('self-contained: no script, no external resource; URLs appear only as text', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<(link|img|iframe|object|embed|audio|video|source)\b/i);
    expect(page).not.toMatch(/@import|url\(/i);
    for (const tag of tagsOf(page)) {
      expect(tag).not.toMatch(/\b(src|href|xlink:href|action|srcset)\s*=/i);
      expect(tag).not.toMatch(/https?:\/\//i);
    }
    expect(page).toContain('http://127.0.0.1:8080');
    expect(page).toContain("default-src 'none'");
  });

  test('escapes every string from the record', () => {
    const evil = exportReport(maliciousRecord(), 'html');
    expect(evil).not.toMatch(/<script/i);
    expect(evil).not.toContain(EVIL);
    expect(evil).toContain(`evil${ESCAPED_EVIL}`);
    expect(evil).toContain(`<td class="detail">${ESCAPED_EVIL}</td>`);
    expect(evil).toContain(`imported from /home/student/${ESCAPED_EVIL}.conf`);
    expect(evil).toContain(`upstream-lab/${ESCAPED_EVIL}`);
    for (const tag of tagsOf(evil)) expect(tag).not.toMatch(/alert/);
  });

  test('a lab that never ran: settings and a note, no chart', () => {
    const empty = exportReport(labRecord({ lastRun: null }), 'html');
    expect(empty).toContain('This lab has no recorded run yet');
    expect(empty).toContain('<h2>Lab settings</h2>');
    expect(empty).not.toContain('<svg');
  });

  test('settings nginx would refuse still give a report, saying why there is no nginx.conf', () => {
    const record = labRecord();
    record.settings.method = 'ip_hash';
    record.settings.backends.backend3 = { backup: true };
    const report = exportReport(record, 'html');
    expect(report).toContain('<svg');
    expect(report).toMatch(/Not exportable: the lab&#39;s settings make an nginx\.conf nginx would refuse/);
  });
});
