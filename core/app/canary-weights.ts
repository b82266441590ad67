/** Weights as nginx takes them on a `server` line. */
const MAX_WEIGHT = 100;

/**
 * nginx weights that give `canaries` servers `percent` of the requests beside servers of
 * `stable` weights: the stable weights are multiplied by `scale` (their ratios kept) and each
 * canary gets `weight`. The closest share nginx's weights can express, ties to the smaller.
 */
export function canaryWeights(
  stable: number[],
  canaries: number,
  percent: number,
): { scale: number; weight: number; percent: number } {
  const sum = stable.reduce((s, w) => s + w, 0);
  const wanted = percent / 100;
  const maxScale = Math.max(1, Math.floor(MAX_WEIGHT / Math.max(1, ...stable)));
  let best = { scale: 1, weight: 1, percent: 0, error: Infinity };
  for (let scale = 1; scale <= maxScale; scale++) {
    for (let weight = 1; weight <= MAX_WEIGHT; weight++) {
      const share = (weight * canaries) / (scale * sum + weight * canaries);
      const error = Math.abs(share - wanted);
      if (error < best.error - 1e-9) best = { scale, weight, percent: share * 100, error };
    }
  }
  return { scale: best.scale, weight: best.weight, percent: best.percent };
}
