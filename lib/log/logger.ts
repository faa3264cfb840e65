import { config } from "@/lib/config";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = Exclude<keyof typeof LEVELS, "silent">;

/**
 * One JSON line per event. Callers pass ids and counts, never tokens, secrets or report text. A field named like one
 * of the line's own keys (`time`, `level`, `message`) is written as `<name>Field`: `log("warn", "sync failed",
 * { message: error.message })` once printed the error's text as the line's message and lost "sync failed".
 */
export function log(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS[level] < LEVELS[config.LOG_LEVEL]) return;
  const entry: Record<string, unknown> = { time: new Date().toISOString(), level, message };
  for (const [key, value] of Object.entries(fields)) entry[Object.hasOwn(entry, key) ? `${key}Field` : key] = value;
  const line = JSON.stringify(entry);
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}
