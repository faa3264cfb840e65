import type { GraphClient, GraphFailure, GraphResult } from "@/lib/graph/graph-client";

/** One scripted answer: a JSON body (validated with the caller's schema, as the real client does) or a failure. */
export type ScriptedAnswer = { body: unknown } | GraphFailure;

/** A collection page as Graph sends it: `value`, and `@odata.nextLink` when `next` is given. */
export const page = (value: unknown[], next?: string): ScriptedAnswer => ({ body: { value, ...(next ? { "@odata.nextLink": next } : {}) } });

/**
 * A GraphClient for sync's tests that answers each request (path or absolute link, as the caller sends it) from
 * `answers`; a request it has no answer for throws. `seen` keeps every request, in order.
 */
export function scriptedGraph(answers: Record<string, ScriptedAnswer>): GraphClient & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    stats: { requests: 0, retries: 0, throttledWaits: 0, throttledMs: 0 },
    baseUrl: "https://graph.microsoft.com/v1.0",
    async get(link, schema) {
      seen.push(link);
      const answer = answers[link];
      if (!answer) throw new Error(`unexpected request ${link}`);
      if (!("body" in answer)) return { ok: false, error: answer } as GraphResult<never>;
      return { ok: true, data: schema.parse(answer.body) };
    },
  };
}
