import { Html } from './html-format';

/** The report's only stylesheet, inlined: the page must open anywhere, offline, as one file. */
export const REPORT_CSS = new Html(`
:root {
  --ink: #1d2433; --muted: #5d6778; --line: #e3e7ee; --paper: #ffffff; --page: #f4f6fa;
  --accent: #3b5bdb; --fault: #d64545; --recovery: #2f9e44; --other: #8a94a6;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--page); color: var(--ink);
  font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, "Liberation Sans",
    "DejaVu Sans", system-ui, sans-serif;
}
main { max-width: 1040px; margin: 0 auto; padding: 32px 20px 48px; }
header.hero { padding: 28px 28px 22px; border-radius: 14px; color: #fff;
  background: linear-gradient(135deg, #27345c 0%, #3b5bdb 100%); }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; opacity: .8; }
h1 { margin: 4px 0 6px; font-size: 28px; line-height: 1.2; }
.hero p { margin: 0; opacity: .9; }
h2 { margin: 0 0 14px; font-size: 18px; }
section.card { background: var(--paper); border: 1px solid var(--line); border-radius: 12px;
  padding: 20px 22px; margin-top: 18px; break-inside: avoid; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(118px, 1fr)); gap: 12px; margin-top: 18px; }
.tile { background: var(--paper); border: 1px solid var(--line); border-radius: 12px; padding: 14px 16px; }
.tile .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .label { color: var(--muted); font-size: 13px; }
.tile.bad .value { color: var(--fault); }
dl.settings { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; }
dl.settings dt { color: var(--muted); }
dl.settings dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; }
/* Figures stay on one line; a heading wraps ("Failed attempts") so ten columns fit in wide fonts too. */
td.num { white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafbfd; }
td.detail { overflow-wrap: anywhere; }
td.name { white-space: nowrap; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); border-bottom: none; }
.table-box { overflow-x: auto; }
.split { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.4fr); gap: 18px 28px; align-items: start; }
@media (max-width: 720px) { .split { grid-template-columns: minmax(0, 1fr); } }
h3 { margin: 18px 0 8px; font-size: 15px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 3px; margin-right: 8px; vertical-align: -1px; }
.bar { position: relative; min-width: 72px; height: 8px; border-radius: 4px; background: #edf0f5; margin-top: 6px; }
.bar span { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 4px; }
.tag { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12px; line-height: 20px;
  background: #edf0f5; color: var(--muted); white-space: nowrap; }
.tag.fault { background: #fde8e8; color: var(--fault); }
.tag.recovery { background: #e6f6ea; color: var(--recovery); }
.muted { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin-top: 10px; font-size: 13px; color: var(--muted); }
.legend .line { display: inline-block; width: 14px; height: 0; border-top: 2px solid; margin-right: 6px; vertical-align: 3px; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: #e9edf3; stroke-width: 1; }
svg .axis, svg .tick-mark { stroke: #9aa3b2; stroke-width: 1; }
svg .tick, svg .axis-title { fill: var(--muted); font-size: 12px; }
svg .area { fill-opacity: .85; stroke-width: .6; }
svg .mark line { stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .mark-fault line { stroke: var(--fault); }
svg .mark-recovery line { stroke: var(--recovery); }
svg .mark-other line { stroke: var(--other); stroke-width: 1; stroke-dasharray: 2 3; }
svg .mark-label { font-size: 11px; font-weight: 700; }
svg .mark-fault .mark-label { fill: var(--fault); }
svg .mark-recovery .mark-label { fill: var(--recovery); }
svg .mark-other .mark-label { fill: var(--other); }
pre { margin: 0; padding: 14px 16px; background: #f6f8fb; border: 1px solid var(--line); border-radius: 8px;
  overflow-x: auto; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
footer { margin-top: 22px; color: var(--muted); font-size: 13px; text-align: center; }
@media print {
  body { background: #fff; }
  main { padding: 0; max-width: none; }
  header.hero { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.card, .tile { border-color: #ccc; }
  svg, .swatch, .bar span, .tag { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`);
