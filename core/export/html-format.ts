/** Text or attribute value → HTML (and inline SVG) that shows it as written. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Tagged template whose `${…}` are escaped unless they are already `Html`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = Html | string | number | null | undefined | readonly HtmlValue[];

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  return new Html(
    strings.reduce((out, part, i) => out + part + (i < values.length ? render(values[i]) : ''), ''),
  );
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

export const ms = (value: number | null): string =>
  value === null ? '–' : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : count(value);

export const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;

/** `45 s`, `2 min 05 s`, `1 h 02 min`. */
export function duration(sec: number): string {
  const s = Math.round(sec);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** `+1:05`, `-0:02`, `+1:02:03`: time since the run's start. */
export function elapsed(sec: number): string {
  const sign = sec < 0 ? '-' : '+';
  const s = Math.round(Math.abs(sec));
  const mmss = `${Math.floor((s % 3600) / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${sign}${s >= 3600 ? `${Math.floor(s / 3600)}:${mmss.padStart(5, '0')}` : mmss}`;
}

/** `2025-03-01 13:30:05 (UTC+03:30)`, in this machine's time zone: what the student saw. */
export function clock(t: number): string {
  const d = new Date(t);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const zone = `UTC${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} (${zone})`
  );
}

const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#9c755f',
  '#ff9da7',
  '#5f6b8a',
  '#8cd17d',
];

/** A backend's colour in the chart and the tables; red is kept for failures. */
export function backendColor(index: number): string {
  return PALETTE[index] ?? `hsl(${Math.round((index * 137.5) % 360)} 55% 55%)`;
}

export const FAILED_COLOR = '#d64545';

/** `<dt>term</dt><dd>value</dd>` for each row with a value. */
export function definitions(rows: [string, string | null | undefined][]): Html[] {
  return rows
    .filter(([, value]) => value)
    .map(
      ([term, value]) =>
        html`<dt>${term}</dt>
          <dd>${value}</dd>`,
    );
}
