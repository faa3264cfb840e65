// Stryker's mutation score: detected (killed + timed out) over detected + undetected (survived + not covered by any
// test). Ignored mutants (the equivalent ones, marked `// Stryker disable … : reason` in the source) and mutants the
// TypeScript checker refused count for nothing.

export function scoreOf(fileCounts) {
  let detected = 0;
  let undetected = 0;
  let ignored = 0;
  for (const f of fileCounts) {
    detected += f.killed + f.timeout;
    undetected += f.survived + f.noCoverage;
    ignored += f.ignored;
  }
  const total = detected + undetected;
  return { detected, undetected, ignored, score: total === 0 ? null : Math.floor((10_000 * detected) / total) / 100 };
}
