import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DOC_PAGES,
  EXPLANATION_LANGUAGES,
  MESSAGES,
  explainDockerfile,
  explainNginx,
  explanationOf,
  type ExplainedLines,
} from '../../core/explain';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const COURSE_CONF = fixture('nginx.conf');
const COURSE_DOCKERFILE = fixture('Dockerfile');

/** `text@start-end id` for each token of a line: easy to read in a failure. */
const row = (lines: ExplainedLines, line: number): string[] =>
  (lines[line - 1] ?? []).map((t) => `${t.text}@${t.start}-${t.end} ${t.id}`);
const lineOf = (text: string, needle: string): number =>
  text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('explanation messages', () => {
  it('has every entry in every language, none empty, each with a documentation page', () => {
    const ids = Object.keys(DOC_PAGES).sort();
    for (const language of EXPLANATION_LANGUAGES) {
      expect(Object.keys(MESSAGES[language]).sort(), language).toEqual(ids);
      for (const id of ids) {
        const entry = explanationOf(id as keyof typeof DOC_PAGES, language);
        expect(entry.summary.trim(), `${language} ${id} summary`).not.toBe('');
        expect(entry.text.trim(), `${language} ${id} text`).not.toBe('');
        if (entry.lab !== undefined) expect(entry.lab.trim(), `${language} ${id} lab`).not.toBe('');
        expect(entry.doc.page, id).not.toBe('');
        expect(entry.doc.url, id).toMatch(/^https:\/\/[^\s]+$/);
      }
    }
  });

  it('notes the same differences from nginx and Docker in both languages', () => {
    for (const id of Object.keys(DOC_PAGES))
      expect('lab' in MESSAGES.fa[id]!, id).toBe('lab' in MESSAGES.en[id]!);
  });

  it('writes the Persian texts in Persian, code tokens kept as written', () => {
    for (const [id, entry] of Object.entries(MESSAGES.fa)) {
      expect(entry.summary + entry.text, id).toMatch(/[\u0600-\u06FF]/);
      // Backticked tokens are the same code in both languages.
      const code = (s: string): string[] =>
        [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((c) => /^[\x20-\x7e]+$/.test(c));
      for (const token of code(entry.text))
        expect(MESSAGES.en[id]!.text + MESSAGES.en[id]!.summary, `${id}: ${token}`).toContain(token);
    }
  });

  it("links nginx entries to nginx.org and Dockerfile entries to Docker's reference", () => {
    expect(DOC_PAGES['nginx.upstream.server.max_fails']).toEqual({
      page: 'ngx_http_upstream_module',
      url: 'https://nginx.org/en/docs/http/ngx_http_upstream_module.html#server',
    });
    expect(DOC_PAGES['docker.FROM']).toEqual({
      page: 'Dockerfile reference',
      url: 'https://docs.docker.com/reference/dockerfile/#from',
    });
    expect(MESSAGES.en['nginx.upstream.server.slow_start']!.summary).toContain('nginx Plus');
  });
});

describe("the course's nginx.conf", () => {
  const lines = explainNginx(COURSE_CONF);

  it('explains every directive, parameter, header and variable of it', () => {
    const explained = new Set(lines.flat().map((t) => t.text));
    const words = COURSE_CONF.replace(/[{};]/g, ' ').split(/\s+/).filter(Boolean);
    const unexplained = words.filter(
      (w) => !explained.has(w) && !/^(backend\d:8000|backend_pool|http:\/\/backend_pool|\/|80)$/.test(w),
    );
    expect(unexplained).toEqual([]);
  });

  it('gives a multi-parameter server line its directive and each parameter, with their columns', () => {
    const line = lineOf(COURSE_CONF, 'server backend1:8000');
    expect(row(lines, line)).toEqual([
      'server@8-14 nginx.upstream.server',
      'max_fails=3@29-40 nginx.upstream.server.max_fails',
      'fail_timeout=30s@41-57 nginx.upstream.server.fail_timeout',
      'weight=1@58-66 nginx.upstream.server.weight',
    ]);
  });

  it('gives proxy_set_header its header and its variable', () => {
    expect(row(lines, lineOf(COURSE_CONF, 'X-Forwarded-For'))).toEqual([
      'proxy_set_header@12-28 nginx.proxy_set_header',
      'X-Forwarded-For@29-44 nginx.header.x-forwarded-for',
      '$proxy_add_x_forwarded_for@45-71 nginx.var.proxy_add_x_forwarded_for',
    ]);
    expect(row(lines, lineOf(COURSE_CONF, 'X-Real-IP'))).toEqual([
      'proxy_set_header@12-28 nginx.proxy_set_header',
      'X-Real-IP@29-38 nginx.header.x-real-ip',
      '$remote_addr@39-51 nginx.var.remote_addr',
    ]);
  });

  it('tells server in an upstream from server in http', () => {
    expect(row(lines, lineOf(COURSE_CONF, 'server {'))).toEqual(['server@4-10 nginx.server']);
    expect(row(lines, lineOf(COURSE_CONF, 'events'))).toEqual(['events@0-6 nginx.events']);
  });
});

describe('other nginx.conf text', () => {
  it('explains methods, their parameters, variables inside words and quoted words', () => {
    const text = [
      'upstream u {',
      '  hash $request_uri consistent;',
      '  random two least_conn;',
      '  server a:1 backup down max_conns=5 slow_start=10s;',
      '  server b:1; # upstream-lab: slow_start=10s',
      '  keepalive 16;',
      '}',
      'server { listen 8080; log_format main "$remote_addr $upstream_addr ${request_time}"; keepalive_timeout 5s; }',
    ].join('\n');
    const lines = explainNginx(text);
    expect(row(lines, 2)).toEqual([
      'hash@2-6 nginx.upstream.hash',
      '$request_uri@7-19 nginx.var.request_uri',
      'consistent@20-30 nginx.upstream.hash.consistent',
    ]);
    expect(row(lines, 3).map((r) => r.split(' ')[1])).toEqual([
      'nginx.upstream.random',
      'nginx.upstream.random.two',
      'nginx.upstream.least_conn',
    ]);
    expect(row(lines, 4).map((r) => r.split(' ')[1])).toEqual([
      'nginx.upstream.server',
      'nginx.upstream.server.backup',
      'nginx.upstream.server.down',
      'nginx.upstream.server.max_conns',
      'nginx.upstream.server.slow_start',
    ]);
    expect(row(lines, 5)).toContain('slow_start=10s@30-44 nginx.upstream.server.slow_start');
    expect(row(lines, 6)).toEqual(['keepalive@2-11 nginx.upstream.keepalive']);
    expect(row(lines, 8)).toEqual([
      'server@0-6 nginx.server',
      'listen@9-15 nginx.listen',
      'log_format@22-32 nginx.log_format',
      '$remote_addr@39-51 nginx.var.remote_addr',
      '$upstream_addr@52-66 nginx.var.upstream_addr',
      '${request_time}@67-82 nginx.var.request_time',
      'keepalive_timeout@85-102 nginx.keepalive_timeout',
    ]);
  });

  it('still explains a conf nginx would refuse, line by line', () => {
    const lines = explainNginx('http {\n  server {\n    listen 80;\n    return 200 "unterminated;\n');
    expect(row(lines, 3)).toEqual(['listen@4-10 nginx.listen']);
  });
});

describe("the course's Dockerfile", () => {
  const lines = explainDockerfile(COURSE_DOCKERFILE);

  it('explains every instruction and the Django commands', () => {
    const ids = lines.flat().map((t) => t.id);
    for (const id of [
      'docker.FROM',
      'docker.WORKDIR',
      'docker.COPY',
      'docker.RUN',
      'docker.EXPOSE',
      'docker.CMD',
      'django.pip_install',
      'django.pip_index',
      'django.pip_upgrade',
      'django.runserver',
      'django.listen_all',
    ])
      expect(ids, id).toContain(id);
    const instructions = COURSE_DOCKERFILE.split('\n').filter((l) => /^[A-Z]/.test(l)).length;
    expect(lines.flat().filter((t) => t.kind === 'instruction')).toHaveLength(instructions);
  });

  it('gives the columns of a RUN line and of CMD', () => {
    expect(row(lines, lineOf(COURSE_DOCKERFILE, '--upgrade pip'))).toEqual([
      'RUN@0-3 docker.RUN',
      'pip install@14-25 django.pip_install',
      '-i@26-28 django.pip_index',
      '--upgrade pip@69-82 django.pip_upgrade',
    ]);
    expect(row(lines, lineOf(COURSE_DOCKERFILE, 'CMD'))).toEqual([
      'CMD@0-3 docker.CMD',
      'runserver@29-38 django.runserver',
      '0.0.0.0:8000@42-54 django.listen_all',
    ]);
  });

  it('explains stages, COPY flags, continuation lines and the rest of the instructions', () => {
    const text = [
      'ARG PY=3.13',
      'FROM python:${PY} AS builder',
      'RUN pip install -r requirements.txt \\',
      '    && python manage.py collectstatic --noinput',
      'FROM python:3.13',
      'COPY --from=builder --chown=app:app /app /app',
      'USER app',
      'ENTRYPOINT ["gunicorn"]',
      'HEALTHCHECK CMD curl -f http://localhost:8000/',
    ].join('\n');
    const lines = explainDockerfile(text);
    expect(row(lines, 2)).toEqual(['FROM@0-4 docker.FROM', 'AS@18-20 docker.FROM.as']);
    expect(row(lines, 4)).toEqual(['collectstatic@24-37 django.collectstatic']);
    expect(row(lines, 6)).toEqual([
      'COPY@0-4 docker.COPY',
      '--from=builder@5-19 docker.COPY.from',
      '--chown=app:app@20-35 docker.COPY.chown',
    ]);
    expect(row(lines, 8)).toEqual(['ENTRYPOINT@0-10 docker.ENTRYPOINT', 'gunicorn@13-21 django.gunicorn']);
    expect(row(lines, 9)).toEqual(['HEALTHCHECK@0-11 docker.HEALTHCHECK']);
  });
});
