// How `npm run synth` grows with buckets: a least-squares line through (B, figure) per vendor count, and the local
// exponent between neighbouring sizes (log-log slope; 1 is linear, above 1 grows faster than linear).

export interface GrowthSample {
  buckets: number;
  wallMs: number;
  cpuMs: number;
  rssMiB: number;
}

export interface LinearFit {
  /** Figure at B = 0 (the fixed cost of a run). */
  intercept: number;
  /** Added per bucket. */
  slope: number;
  /** Coefficient of determination: 1 when the points lie on the line. */
  r2: number;
  /** Between each two neighbouring sizes, log(figure ratio) / log(bucket ratio). */
  localExponents: { from: number; to: number; exponent: number }[];
}

export interface GrowthSeries {
  vendors: number;
  samples: GrowthSample[];
  wall?: LinearFit;
  cpu?: LinearFit;
  rss?: LinearFit;
}

export function linearFit(points: readonly { x: number; y: number }[]): LinearFit | undefined {
  if (points.length < 2) return undefined;
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  const sxx = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  const sxy = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const total = points.reduce((sum, p) => sum + (p.y - meanY) ** 2, 0);
  const residual = points.reduce((sum, p) => sum + (p.y - intercept - slope * p.x) ** 2, 0);
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const localExponents = sorted.slice(1).map((to, index) => {
    const from = sorted[index];
    return { from: from.x, to: to.x, exponent: Math.log(to.y / from.y) / Math.log(to.x / from.x) };
  });
  return { intercept, slope, r2: total === 0 ? 1 : 1 - residual / total, localExponents };
}

export function growthSeries(vendors: number, samples: GrowthSample[]): GrowthSeries {
  const sorted = [...samples].sort((a, b) => a.buckets - b.buckets);
  const fit = (figure: (sample: GrowthSample) => number) =>
    linearFit(sorted.map((sample) => ({ x: sample.buckets, y: figure(sample) })));
  const wall = fit((s) => s.wallMs);
  const cpu = fit((s) => s.cpuMs);
  const rss = fit((s) => s.rssMiB);
  return { vendors, samples: sorted, ...(wall ? { wall } : {}), ...(cpu ? { cpu } : {}), ...(rss ? { rss } : {}) };
}
