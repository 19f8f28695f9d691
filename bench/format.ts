// How the bench's reports print a figure: one set of formatters for the console, the README and the peer tables.

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return "n/a";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 10 ? 0 : 2)} ms`;
}

/** Always in seconds, so that a column of whole-process times reads alike from 1 bucket to 3,000. */
export function formatSeconds(ms: number | undefined): string {
  return ms === undefined ? "n/a" : `${(ms / 1000).toFixed(2)} s`;
}

export function formatMiB(mib: number | undefined): string {
  return mib === undefined ? "n/a" : `${mib.toFixed(0)} MiB`;
}

export function formatRatio(ratio: number | undefined, digits = 2): string {
  return ratio === undefined ? "n/a" : ratio.toFixed(digits);
}
