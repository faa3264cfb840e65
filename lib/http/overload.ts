/**
 * Errors that mean "the database is saturated right now", not "the request is wrong": Prisma could not get a
 * connection from the pool (P2024) or could not start a transaction in time (P2028). Agents should retry
 * later, so these become 503 with Retry-After instead of a 500.
 */
export function isDatabaseOverloaded(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "P2024" || code === "P2028") return true;
  const message = error instanceof Error ? error.message : "";
  return /Unable to start a transaction in the given time|Timed out fetching a new connection from the connection pool|SQLITE_BUSY|database is locked/i.test(
    message,
  );
}
