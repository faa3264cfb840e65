/**
 * bench:agents' hostile agents, in their own process: each sends the hostile bodies (./hostile-bodies.ts) back to back
 * until the window ends, waiting for each answer, and for Retry-After on 429 as the agent does (or not, with
 * --hostile-flood). In their own process so that sending ~1 MB bodies dozens of times a second cannot delay the clock
 * that times the ordinary agents (in the same process it made no measurable difference: bench/RESULTS.md, seventh
 * round). Input (env BENCH_HOSTILE): { base, tokens: [{ token, redacting }], until (epoch ms) }; output: one JSON line
 * with the tally.
 */
import { hostileBodies } from "./hostile-bodies";

interface Input {
  base: string;
  tokens: { token: string; redacting: boolean }[];
  until: number;
  /** Only these bodies (by name), to find which of them costs the fleet; all when absent. */
  only?: string[];
  /** Send again at once after a 429 (a flood) instead of waiting for Retry-After as an agent does. */
  ignoreRetryAfter?: boolean;
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
/**
 * Serialised once (up to 1 MB each) into bytes, with fixed-width slots for what changes per upload (hostname,
 * capturedAt): each send copies the bytes and writes the slots. Rebuilding a 1 MB string per send cost this process
 * ~1-2 ms of CPU, taken from the server on a two-core machine (an attacker's CPU is its own, elsewhere).
 */
const HOSTNAME_SLOT = 40;
const CAPTURED_SLOT = 24; // toISOString()
const HOSTILE = hostileBodies()
  .filter((b) => !input.only || input.only.includes(b.name))
  .map((b) => {
    const bytes = Buffer.from(JSON.stringify({ ...b.body, hostname: "#".repeat(HOSTNAME_SLOT), capturedAt: "@".repeat(CAPTURED_SLOT) }), "utf8");
    return {
      name: b.name,
      expect: b.expect,
      hostname: String(b.body.hostname),
      bytes,
      hostnameAt: bytes.indexOf("#".repeat(HOSTNAME_SLOT)),
      capturedAt: bytes.indexOf("@".repeat(CAPTURED_SLOT)),
    };
  });

function bodyFor(b: (typeof HOSTILE)[number], hostname: string, captured: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(b.bytes.byteLength);
  out.set(b.bytes);
  const view = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  view.write(hostname, b.hostnameAt, "latin1");
  view.write(captured, b.capturedAt, "latin1");
  return out;
}
const tally: HostileTally = { sent: 0, byBody: {}, wrong: [], acceptedHostnames: [], refusedHostnames: [] };

async function agent(token: string, redacting: boolean, index: number): Promise<void> {
  for (let n = 0; Date.now() < input.until; n++) {
    const b = HOSTILE[n % HOSTILE.length]!;
    const hostname = `${b.hostname}-${index}-${n}-`.slice(0, HOSTNAME_SLOT).padEnd(HOSTNAME_SLOT, "0");
    tally.sent++;
    let status = -1;
    let retryAfter = 0;
    try {
      const r = await fetch(`${input.base}/api/v1/reports`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: bodyFor(b, hostname, new Date(Date.now() - n * 1000).toISOString()),
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
      if (input.ignoreRetryAfter) {
        // --hostile-flood: send again at once. What that measures is mostly bytes on the wire (a refused body is
        // neither parsed nor looked up), which the network edge in front of the server has to limit.
        tally.ignoredRetryAfterSeconds = Math.max(tally.ignoredRetryAfterSeconds ?? 0, retryAfter);
      } else {
        await new Promise((r) => setTimeout(r, Math.min(retryAfter * 1000, Math.max(0, input.until - Date.now()))));
      }
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
