import type { AgentEvent } from "@/lib/reports/types";

/** Events sorted so that the classification never depends on upload order. */
export function sortEvents(events: readonly AgentEvent[]): AgentEvent[] {
  const key = (event: AgentEvent) =>
    [event.time, String(event.id).padStart(6, "0"), event.level, event.task ?? "", event.log ?? "", event.message].join("\u0000");
  return [...events].sort((a, b) => {
    const left = key(a);
    const right = key(b);
    return left < right ? -1 : left > right ? 1 : 0;
  });
}
