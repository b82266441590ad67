export { applyAddHeaders } from './add-header';

/** Upstream headers nginx does not pass on: hop-by-hop ones and those it sets itself. */
const HIDDEN = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'trailer',
  'date',
  'server',
  'x-pad',
  'x-accel-expires',
  'x-accel-redirect',
  'x-accel-limit-rate',
  'x-accel-buffering',
  'x-accel-charset',
]);

/** The upstream's headers as the client gets them (flat name/value list), with our Server header. */
export function filterResponseHeaders(upstream: readonly string[]): string[] {
  const out = ['Server', 'upstream-lab'];
  for (let i = 0; i < upstream.length; i += 2) {
    const name = upstream[i]!;
    if (!HIDDEN.has(name.toLowerCase())) out.push(name, upstream[i + 1]!);
  }
  return out;
}
