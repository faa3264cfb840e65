import type { AgentEvent } from "@/lib/reports/types";

/** The order key: every field, so that equal keys mean equal events. */
function eventKey(event: AgentEvent): string {
  return [event.time, String(event.id).padStart(6, "0"), event.level, event.task ?? "", event.log ?? "", event.message].join("\u0000");
}

/** Events sorted so that the classification never depends on upload order (each event's key built once). */
export function sortEvents(events: readonly AgentEvent[]): AgentEvent[] {
  if (events.length < 2) return [...events];
  return events
    .map((event) => ({ event, key: eventKey(event) }))
    .sort((a, b) => {
      if (a.key < b.key) return -1;
      // Stryker disable next-line all: equivalent: V8's sort only asks whether a result is below 0, and equal keys are equal events
      return a.key > b.key ? 1 : 0;
    })
    .map((entry) => entry.event);
}
