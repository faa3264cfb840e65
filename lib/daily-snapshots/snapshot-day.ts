/** The UTC day a snapshot taken at `at` belongs to, as DailySnapshot.day holds it (YYYY-MM-DD). */
export function snapshotDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
