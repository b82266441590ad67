/** The lab's replicas are backend1..N, whatever the project calls its services (as the seed's nginx.conf does). */
export const backendName = (index: number): string => `backend${index}`;

/** `backend12` → 12; NaN for a name of another shape. */
export const backendIndex = (name: string): number =>
  /^backend(\d+)$/.exec(name) ? Number(name.slice(7)) : NaN;

/** Backends in their number order; names of other shapes after them, alphabetically. */
export const byBackendOrder = (a: string, b: string): number => {
  const [x, y] = [backendIndex(a), backendIndex(b)];
  if (Number.isNaN(x) || Number.isNaN(y))
    return Number.isNaN(x) ? (Number.isNaN(y) ? a.localeCompare(b) : 1) : -1;
  return x - y;
};
