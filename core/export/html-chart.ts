import { elapsed, escapeHtml, FAILED_COLOR, Html } from './html-format';
import { isFault, type SecondRow, type TimelineRow } from './report-model';

export interface ChartInput {
  seconds: SecondRow[];
  backends: { name: string; color: string }[];
  timeline: TimelineRow[];
  startedAt: number;
}

const WIDTH = 960;
const HEIGHT = 340;
const LABEL_ROWS = 3;
const LEFT = 56;
const RIGHT = WIDTH - 16;
const TOP = 14 + LABEL_ROWS * 14;
const BOTTOM = HEIGHT - 36;
/** Beyond this many events the marks carry no numbers (they would only overlap). */
const MAX_NUMBERED_EVENTS = 40;

type Scale = (value: number) => number;

/**
 * Requests per second per backend as stacked areas (failed requests on top, in red), with a
 * vertical mark for each timeline event, numbered as in the timeline table.
 */
export function stackedAreaChart(input: ChartInput): Html {
  const { seconds, timeline } = input;
  const layers = [
    ...input.backends.map((b) => ({
      label: b.name,
      color: b.color,
      value: (s: SecondRow) => s.perBackend[b.name] ?? 0,
    })),
    { label: 'failed', color: FAILED_COLOR, value: (s: SecondRow) => s.failed },
  ];
  const [t0, t1] = domain(seconds, timeline);
  const x: Scale = (t) => LEFT + ((t - t0) / (t1 - t0)) * (RIGHT - LEFT);
  const totals = seconds.map((s) => layers.reduce((sum, layer) => sum + layer.value(s), 0));
  const yTicks = niceTicks(Math.max(1, ...totals));
  const yMax = yTicks[yTicks.length - 1]!;
  const y: Scale = (v) => BOTTOM - (v / yMax) * (BOTTOM - TOP);

  const stacked = seconds.map(() => 0);
  const areas = layers.map((layer) => {
    const lower = [...stacked];
    seconds.forEach((s, i) => (stacked[i] = stacked[i]! + layer.value(s)));
    const top = seconds.map((s, i) => `${fix(x(s.t))},${fix(y(stacked[i]!))}`);
    const bottom = seconds.map((s, i) => `${fix(x(s.t))},${fix(y(lower[i]!))}`).reverse();
    return (
      `<path class="area" d="M${[...top, ...bottom].join('L')}Z" fill="${layer.color}" stroke="${layer.color}">` +
      `<title>${escapeHtml(layer.label)}</title></path>`
    );
  });
  const label = escapeHtml(`Requests per second per backend, ${seconds.length} seconds`);
  return new Html(
    [
      `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label}">`,
      `<title>${label}</title>`,
      yAxis(yTicks, y),
      xAxis(t0, t1, input.startedAt, x),
      `<g class="areas">${areas.join('')}</g>`,
      marks(timeline, x),
      `<line class="axis" x1="${LEFT}" y1="${BOTTOM}" x2="${RIGHT}" y2="${BOTTOM}"/>`,
      '</svg>',
    ].join('\n'),
  );
}

/** The time range shown: every second and every event, at least one second wide. */
function domain(seconds: SecondRow[], timeline: TimelineRow[]): [number, number] {
  const times = [...seconds.map((s) => s.t), ...timeline.map((e) => e.t)];
  if (times.length === 0) return [0, 1000];
  const t0 = Math.min(...times);
  return [t0, Math.max(...times, t0 + 1000)];
}

/** 0 and round steps up to at least `max`: 0, 5, 10, 15 or 0, 200, 400 … */
export function niceTicks(max: number, target = 5): number[] {
  const rough = max / target;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks = [0];
  while (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

function yAxis(ticks: number[], y: Scale): string {
  const lines = ticks.map(
    (tick) =>
      `<line class="grid" x1="${LEFT}" y1="${fix(y(tick))}" x2="${RIGHT}" y2="${fix(y(tick))}"/>` +
      `<text class="tick" x="${LEFT - 8}" y="${fix(y(tick) + 4)}" text-anchor="end">${tick.toLocaleString('en-US')}</text>`,
  );
  const title = `<text class="axis-title" x="14" y="${fix((TOP + BOTTOM) / 2)}" text-anchor="middle" transform="rotate(-90 14 ${fix((TOP + BOTTOM) / 2)})">requests / s</text>`;
  return `<g class="y-axis">${lines.join('')}${title}</g>`;
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400];

/** Ticks at whole multiples of a round step, counted from the run's start. */
function xAxis(t0: number, t1: number, startedAt: number, x: Scale): string {
  const span = (t1 - t0) / 1000;
  const step = TIME_STEPS.find((s) => span / s <= 10) ?? Math.ceil(span / 10 / 3600) * 3600;
  const first = Math.ceil((t0 - startedAt) / 1000 / step) * step;
  const ticks: string[] = [];
  for (let sec = first; startedAt + sec * 1000 <= t1; sec += step) {
    const px = fix(x(startedAt + sec * 1000));
    ticks.push(
      `<line class="tick-mark" x1="${px}" y1="${BOTTOM}" x2="${px}" y2="${BOTTOM + 5}"/>` +
        `<text class="tick" x="${px}" y="${BOTTOM + 18}" text-anchor="middle">${elapsed(sec).replace('+', '')}</text>`,
    );
  }
  const title = `<text class="axis-title" x="${RIGHT}" y="${HEIGHT - 4}" text-anchor="end">time since start (min:s)</text>`;
  return `<g class="x-axis">${ticks.join('')}${title}</g>`;
}

export function markClass(event: TimelineRow): 'fault' | 'recovery' | 'other' {
  if (isFault(event)) return 'fault';
  return event.kind === 'restored' ? 'recovery' : 'other';
}

/** One line per event; numbers in the first free label row so close events stay readable. */
function marks(timeline: TimelineRow[], x: Scale): string {
  const numbered = timeline.length <= MAX_NUMBERED_EVENTS;
  const rowEnds = Array.from({ length: LABEL_ROWS }, () => -Infinity);
  const items = timeline.map((event, i) => {
    const px = x(event.t);
    const tip = escapeHtml(
      `#${i + 1} ${elapsed(event.elapsedSec)} ${event.backend} ${event.kind}: ${event.detail}`,
    );
    const row = numbered ? rowEnds.findIndex((end) => px - end >= 18) : -1;
    let number = '';
    if (row >= 0) {
      rowEnds[row] = px;
      const ly = 14 + row * 14;
      number = `<text class="mark-label" x="${fix(px)}" y="${ly}" text-anchor="middle">${i + 1}</text>`;
    }
    return (
      `<g class="mark mark-${markClass(event)}"><title>${tip}</title>` +
      `<line x1="${fix(px)}" y1="${row >= 0 ? 18 + row * 14 : TOP}" x2="${fix(px)}" y2="${BOTTOM}"/>${number}</g>`
    );
  });
  return `<g class="marks">${items.join('')}</g>`;
}

const fix = (n: number): string => String(Math.round(n * 10) / 10);
