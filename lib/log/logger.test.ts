import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("@/lib/config", () => ({ config: { LOG_LEVEL: "info" } }));
const { log } = await import("./logger");

afterEach(() => vi.restoreAllMocks());

/** The JSON lines written to a console method during `run`. */
function lines(method: "log" | "error", run: () => void): Record<string, unknown>[] {
  const spy = vi.spyOn(console, method).mockImplementation(() => undefined);
  run();
  return spy.mock.calls.map((call) => JSON.parse(String(call[0])) as Record<string, unknown>);
}

describe("log", () => {
  it("writes one JSON line: time, level, message, then the fields", () => {
    const [line] = lines("log", () => log("info", "sync done", { tenant: "t1", devices: 3 }));
    expect(Object.keys(line!)).toEqual(["time", "level", "message", "tenant", "devices"]);
    expect(line).toMatchObject({ level: "info", message: "sync done", tenant: "t1", devices: 3 });
  });

  it("keeps the line's own message when a field is named message (written as messageField), and its time and level", () => {
    const [line] = lines("error", () => log("warn", "sync failed", { message: "ECONNRESET", level: "x", time: "y" }));
    expect(line).toMatchObject({ level: "warn", message: "sync failed", messageField: "ECONNRESET", levelField: "x", timeField: "y" });
    expect(Number.isNaN(Date.parse(String(line!.time)))).toBe(false);
  });

  it.each([
    ["warn", "error"],
    ["error", "error"],
    ["info", "log"],
  ] as const)("writes %s to console.%s", (level, method) => {
    expect(lines(method, () => log(level, "m"))).toHaveLength(1);
  });

  it("writes nothing below the configured level", () => {
    expect(lines("log", () => log("debug", "noise"))).toEqual([]);
  });
});
