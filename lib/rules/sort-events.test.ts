import { describe, expect, it } from "vitest";
import type { AgentEvent } from "@/lib/reports/types";
import { sortEvents } from "@/lib/rules/sort-events";

const event = (id: number, time: string, extra: Partial<AgentEvent> = {}): AgentEvent => ({ id, time, level: "Error", message: `event ${id}`, ...extra });

describe("sortEvents", () => {
  it("orders by time, whatever the upload order, and leaves the input alone", () => {
    const late = event(1, "2025-03-09T12:01:00.000Z");
    const early = event(2, "2025-03-09T12:00:00.000Z");
    const input = [late, early];
    expect(sortEvents(input)).toEqual([early, late]);
    expect(sortEvents([early, late])).toEqual([early, late]);
    expect(input).toEqual([late, early]);
    const three = [event(3, "2025-03-09T12:02:00.000Z"), late, early];
    expect(sortEvents(three).map((e) => e.id)).toEqual([2, 1, 3]);
  });

  it("orders events of the same time by id as a number (99 before 1081), then by level, task, log and message", () => {
    const t = "2025-03-09T12:00:00.000Z";
    expect(sortEvents([event(1081, t), event(99, t)]).map((e) => e.id)).toEqual([99, 1081]);
    expect(sortEvents([event(5, t, { level: "Warning" }), event(5, t, { level: "Error" })]).map((e) => e.level)).toEqual(["Error", "Warning"]);
    expect(sortEvents([event(5, t, { task: "b" }), event(5, t, { task: null }), event(5, t, { task: "a" })]).map((e) => e.task)).toEqual([null, "a", "b"]);
    expect(sortEvents([event(5, t, { log: "Operational" }), event(5, t, { log: "Admin" })]).map((e) => e.log)).toEqual(["Admin", "Operational"]);
    // No task or log sorts before any, a capitalised one included.
    expect(sortEvents([event(5, t, { task: "AadCloudAPPlugin Operation" }), event(5, t)]).map((e) => e.task)).toEqual([
      undefined,
      "AadCloudAPPlugin Operation",
    ]);
    expect(sortEvents([event(5, t, { log: "Application" }), event(5, t, { log: null })]).map((e) => e.log)).toEqual([null, "Application"]);
    expect(sortEvents([event(5, t, { message: "z" }), event(5, t, { message: "a" })]).map((e) => e.message)).toEqual(["a", "z"]);
  });

  it("returns a copy for none or one event, and keeps equal events", () => {
    const one = [event(1, "2025-03-09T12:00:00.000Z")];
    const sorted = sortEvents(one);
    expect(sorted).toEqual(one);
    expect(sorted).not.toBe(one);
    expect(sortEvents([])).toEqual([]);
    const same = event(1, "2025-03-09T12:00:00.000Z");
    expect(sortEvents([same, { ...same }, same])).toEqual([same, same, same]);
  });
});
