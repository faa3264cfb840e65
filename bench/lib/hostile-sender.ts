/**
 * bench:agents' hostile agents, in their own process: each sends the hostile bodies (./hostile-bodies.ts) back to back
 * until the window ends, waiting for each answer but never for Retry-After on 429 (an attacker ignores it). In their own process so
 * that sending ~1 MB bodies dozens of times a second cannot delay the clock that times the ordinary agents (in the
 * same process it made no measurable difference: p95 149 ms there, 147 ms here, PostgreSQL, 1,000 agents). Input (env BENCH_HOSTILE): { base, tokens: [{ token, redacting }], until (epoch
 * ms) }; output: one JSON line with the tally.
 */
import { hostileBodies } from "./hostile-bodies";

interface Input {
  base: string;
  tokens: { token: string; redacting: boolean }[];
  until: number;
  /** Only these bodies (by name), to find which of them costs the fleet; all when absent. */
  only?: string[];
}

export interface HostileTally {
  sent: number;
  byBody: Record<string, Record<string, number>>;
  wrong: string[];
  acceptedHostnames: string[];
  refusedHostnames: string[];
  /** Sends the server cut short by answering before reading the body (fetch fails). */
  closedMidBody?: number;
  /** The longest Retry-After the hostile agents were told and did not wait for. */
  ignoredRetryAfterSeconds?: number;
}

const input = JSON.parse(process.env.BENCH_HOSTILE ?? "{}") as Input;
/** Serialised once (up to 1 MB each), with placeholders for what changes per upload. */
const HOSTILE = hostileBodies().filter((b) => !input.only || input.only.includes(b.name)).map((b) => ({
  name: b.name,
  expect: b.expect,
  hostname: String(b.body.hostname),
  json: JSON.stringify({ ...b.body, hostname: "@HOSTNAME@", capturedAt: "@CAPTURED@" }),
}));
const tally: HostileTally = { sent: 0, byBody: {}, wrong: [], acceptedHostnames: [], refusedHostnames: [] };

async function agent(token: string, redacting: boolean, index: number): Promise<void> {
  for (let n = 0; Date.now() < input.until; n++) {
    const b = HOSTILE[n % HOSTILE.length]!;
    const hostname = `${b.hostname}-${index}-${n}`;
    tally.sent++;
    let status = -1;
    let retryAfter = 0;
    try {
      const r = await fetch(`${input.base}/api/v1/reports`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: b.json.replace("@HOSTNAME@", hostname).replace("@CAPTURED@", new Date(Date.now() - n * 1000).toISOString()),
      });
      status = r.status;
      retryAfter = Number(r.headers.get("retry-after") ?? 0);
      await r.arrayBuffer();
    } catch {
      status = -1;
    }
    const counts = (tally.byBody[b.name] ??= {});
    counts[status] = (counts[status] ?? 0) + 1;
    // The server answers a body it will not read (over the token's byte budget, or too large) at once and closes the
    // connection while this sender is still writing: fetch then fails. The attacker's loss; counted, not wrong.
    if (status === -1) {
      tally.closedMidBody = (tally.closedMidBody ?? 0) + 1;
      continue;
    }
    if (status === 429) {
      // An attacker does not honour Retry-After: it sends again at once (a real agent waits).
      tally.ignoredRetryAfterSeconds = Math.max(tally.ignoredRetryAfterSeconds ?? 0, retryAfter);
      continue;
    }
    if (status === 201) tally.acceptedHostnames.push(hostname);
    else tally.refusedHostnames.push(hostname);
    const expected = b.expect === "accepted" || (b.expect === "refused-when-redacting" && !redacting) ? 201 : 400;
    if (status !== expected) tally.wrong.push(`${b.name} ${hostname} → ${status}`);
  }
}

await Promise.all(input.tokens.map((t, i) => agent(t.token, t.redacting, i)));
process.stdout.write(JSON.stringify(tally) + "\n");
