import type { FaultKind } from "./faults/fault-injection";

export interface RequestLogEntry {
  time: string;
  method: string;
  /** Path and query string as received. */
  path: string;
  /** The request's User-Agent header (null when absent). */
  userAgent: string | null;
  /** 0 when the socket was reset by a fault. */
  status: number;
  durationMs: number;
  tenantId: string | null;
  requestId: string;
  fault: FaultKind | null;
}

/** The log keeps the newest entries only, so a long bench run does not grow it without bound. */
const REQUEST_LOG_MAX = 100_000;

export function appendRequestLog(log: RequestLogEntry[], entry: RequestLogEntry): void {
  if (log.length >= REQUEST_LOG_MAX) log.splice(0, log.length - REQUEST_LOG_MAX + 1);
  log.push(entry);
}
