/**
 * One colour per backend, the same in the table, the chart and the logs. None is red: red means
 * an error here. Colour is never the only signal: names and states are always written out.
 */
const BACKEND_COLOURS = [
  '#2563eb',
  '#ea7317',
  '#0d9488',
  '#7c3aed',
  '#db2777',
  '#65a30d',
  '#92400e',
  '#0891b2',
  '#4f46e5',
  '#ca8a04',
];

const SOURCE_COLOURS: Record<string, string> = {
  access: '#334155',
  build: '#64748b',
  lab: '#0f766e',
};

export function backendColour(name: string): string {
  const n = Number(/^backend(\d+)$/.exec(name)?.[1]);
  if (Number.isInteger(n) && n > 0) return BACKEND_COLOURS[(n - 1) % BACKEND_COLOURS.length]!;
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) | 0;
  return BACKEND_COLOURS[Math.abs(hash) % BACKEND_COLOURS.length]!;
}

export function sourceColour(source: string): string {
  return SOURCE_COLOURS[source] ?? backendColour(source);
}

/** Marks on the chart and dots in the timeline, by event kind. */
export const EVENT_COLOURS: Record<string, string> = {
  killed: '#dc2626',
  stopped: '#ea580c',
  paused: '#9333ea',
  disconnected: '#b45309',
  'engine-reported': '#7c3aed',
  'first-failed-attempt': '#f87171',
  'marked-failed': '#991b1b',
  restored: '#16a34a',
  'first-served': '#15803d',
  drained: '#64748b',
  joined: '#0ea5e9',
  left: '#475569',
  reconfigured: '#2563eb',
  replacing: '#0ea5e9',
  replaced: '#0284c7',
  canary: '#b45309',
  toxic: '#c026d3',
};

/** Versions in the order met (v1, v2, ...): the old one muted, the newer ones bright. */
const VERSION_COLOURS = [
  '#64748b',
  '#ea7317',
  '#7c3aed',
  '#0d9488',
  '#db2777',
  '#2563eb',
  '#65a30d',
  '#ca8a04',
];

export function versionColor(version: string): string {
  const n = Number(/^v(\d+)$/.exec(version)?.[1]);
  return VERSION_COLOURS[(Number.isInteger(n) && n > 0 ? n - 1 : 0) % VERSION_COLOURS.length]!;
}
