/**
 * A fleet of agents uploading against a production build, on SQLite and on PostgreSQL.
 *
 *   npm run bench:agents [-- --agents 5000 --seconds 60 --db both|sqlite|postgresql --case both|ordinary|hostile --port 3221
 *                           --hostile-bodies upns,accounts,… --hostile-flood]
 *
 * The fleet enrols as agent 2 does (decision 011): each tenant (4, two of them with "Redact user names" on) has one
 * enrolment secret; each agent, at a random (seeded) moment of the window, enrols with its own machine key and then
 * uploads one realistic report with events with the device key it was given (open loop: arrivals do not wait for
 * answers). 5% of agents send the same upload again 2 s later (must answer 200, stored once) and 1% send a malformed
 * one (must answer 400, stored never). One more device enrolled before the window is revoked by an admin: its
 * uploads during the window must answer 401 device-revoked and store nothing, while the rest continue. Prints
 * accepted/s, the uploads' p95 latency (the enrolments' separately) and answers by status, then checks the database.
 * With --legacy every agent instead uploads directly with a token of its own (agents before version 2).
 *
 * The hostile case (issue 14) runs the same fleet while eight more agents, each with a valid token (two per tenant),
 * send the worst uploads for redaction and line count (bench/lib/hostile-bodies.ts) back to back for the whole
 * window, waiting only for each answer (and Retry-After on 429, as the agent does). Targets: the ordinary agents'
 * p95 under 50 ms, every valid report stored once, each hostile body answered as expected (400, or 201 for the
 * worst one still accepted), none of the refused ones stored.
 */
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { randomBytes } from "node:crypto";
import { revokeAgentDevice } from "@/lib/agent-devices/revoke-agent-device";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { createDb } from "@/lib/db/client";
import { decodeReportText } from "@/lib/reports/decode-report-text";
import { FIXTURES, readFixture } from "@/lib/reports/fixtures";
import { generateTenant } from "@/simulator/generate-tenant";
import { createTenant } from "@/lib/tenants/create-tenant";
import { spawn } from "node:child_process";
import type { HostileTally } from "./lib/hostile-sender";
import { ensureBuild, freshDatabase, percentile, processCpuSeconds, startServer } from "./lib/server";

const { values } = parseArgs({
  options: {
    agents: { type: "string", default: "5000" },
    seconds: { type: "string", default: "60" },
    db: { type: "string", default: "both" },
    case: { type: "string", default: "both" },
    port: { type: "string", default: "3221" },
    /** Comma-separated names from bench/lib/hostile-bodies.ts: the hostile agents send only these. */
    "hostile-bodies": { type: "string" },
    /** The hostile agents ignore Retry-After and send again at once after a 429. */
    "hostile-flood": { type: "boolean", default: false },
    /** Agents before version 2: each uploads directly with a token of its own, no enrolment. */
    legacy: { type: "boolean", default: false },
  },
});
const AGENTS = Number(values.agents);
const SECONDS = Number(values.seconds);
const TENANTS = [
  "aaaabbbb-0000-4ccc-8111-dddd2222eee1",
  "aaaabbbb-0000-4ccc-8111-dddd2222eee2",
  "aaaabbbb-0000-4ccc-8111-dddd2222eee3",
  "aaaabbbb-0000-4ccc-8111-dddd2222eee4",
];
/** Tenants 2 and 4 redact user names: half of them, so the hostile bodies meet both paths. */
const REDACTING = new Set([1, 3]);
const HOSTILE_AGENTS = 8;
const P95_TARGET_MS = 50;
const LEGACY = values.legacy;
/** A whole fleet enrolling inside one minute is a deployment's worst case: the per-secret enrolment rate is raised for it. */
const ENROL_RATE_LIMIT = String(Math.ceil(AGENTS / TENANTS.length) * 2);

/** Seeded, so that a re-run jitters the same way (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const generated = generateTenant({ seed: 21, deviceCount: 300, tenantId: TENANTS[0], tenantName: "Contoso", now: new Date() });
const texts = [
  ...generated.reports.map((r) => ({ text: r.dsregcmd, events: r.events })),
  ...FIXTURES.map((f) => {
    const d = decodeReportText(readFixture(f.file));
    if (!d.ok) throw new Error(f.file);
    return { text: d.text, events: generated.reports[0]!.events };
  }),
];

interface Plan {
  at: number;
  /** The legacy agent's own token, or the tenant's enrolment secret. */
  token: string;
  body: string;
  kind: "valid" | "duplicate" | "malformed" | "revoked";
  hostname: string;
  /** Set for an enrolling agent: what it enrols with. */
  enrol?: string;
  /** The device key of an agent enrolled before the window (the revoked one). */
  deviceKey?: string;
  /** Sends the same upload again 2 s after the first (5%). */
  repeat?: boolean;
}

async function run(kind: "sqlite" | "postgresql", hostile: boolean) {
  const url = kind === "sqlite" ? "file:./data/bench/agents.db" : await freshPostgres();
  if (kind === "sqlite") freshDatabase(url);
  const db = createDb(url);
  const tenantRefs: string[] = [];
  for (const [i, tenantId] of TENANTS.entries()) {
    const t = await createTenant(db, { tenantId, name: `Tenant ${i + 1}`, actor: "bench" });
    if (!t.ok) throw new Error(t.error.message);
    if (REDACTING.has(i)) await db.tenant.update({ where: { id: t.id }, data: { redactUserNames: true } });
    tenantRefs.push(t.id);
  }
  console.error(`bench:agents (${kind}): ${LEGACY ? `creating ${AGENTS} agent tokens` : `${TENANTS.length} enrolment secrets for ${AGENTS} agents`}…`);
  const secrets: string[] = [];
  for (const [i, tenantRef] of tenantRefs.entries()) {
    const secret = await createAgentToken(db, { tenantRef, name: `Intune ${i + 1}`, actor: "bench" });
    if (!secret.ok) throw new Error(secret.error.message);
    secrets.push(secret.token);
  }
  const plans: Plan[] = [];
  const window = SECONDS * 1000;
  const random = prng(22);
  for (let i = 0; i < AGENTS; i++) {
    let token = secrets[i % TENANTS.length]!;
    if (LEGACY) {
      const own = await createAgentToken(db, { tenantRef: tenantRefs[i % TENANTS.length]!, name: `agent ${i}`, actor: "bench", allowsDirectUpload: true });
      if (!own.ok) throw new Error(own.error.message);
      token = own.token;
    }
    const enrol = LEGACY ? undefined : machineKey();
    const hostname = `FLEET-${String(i).padStart(5, "0")}`;
    const t = texts[i % texts.length]!;
    const upload = {
      hostname,
      capturedAt: new Date(Date.now() - i * 1000).toISOString(),
      agentVersion: LEGACY ? "1.0.0" : "2.0.0",
      dsregcmd: t.text,
      events: t.events,
    };
    // Jitter: the agent schedules its run at a random moment (the agent's own random delay), not on a grid.
    const at = random() * (window - 2000);
    if (i % 100 === 50) {
      // 1% malformed: half not JSON at all, half a user's email pasted instead of dsregcmd output.
      const body = i % 200 === 50 ? "{ truncated" : JSON.stringify({ ...upload, dsregcmd: "Hi, my laptop says I can't reach Outlook. Thanks, Jo" });
      plans.push({ at, token, body, kind: "malformed", hostname, enrol });
      continue;
    }
    plans.push({ at, token, body: JSON.stringify(upload), kind: "valid", hostname, enrol, repeat: i % 20 === 3 }); // 5% send twice
  }
  const hostileTokens: { token: string; redacting: boolean }[] = [];
  for (let i = 0; hostile && i < HOSTILE_AGENTS; i++) {
    const token = await createAgentToken(db, { tenantRef: tenantRefs[i % TENANTS.length]!, name: `hostile ${i}`, actor: "bench", allowsDirectUpload: true });
    if (!token.ok) throw new Error(token.error.message);
    hostileTokens.push({ token: token.token, redacting: REDACTING.has(i % TENANTS.length) });
  }
  plans.sort((a, b) => a.at - b.at);

  ensureBuild();
  const port = Number(values.port) + (kind === "sqlite" ? 0 : 1);
  const server = await startServer({ databaseUrl: url, port, env: { JOINSCOPE_INGEST_RATE_LIMIT: "100", JOINSCOPE_ENROL_RATE_LIMIT: ENROL_RATE_LIMIT } });
  // The revoked device: enrolled before the window, then revoked by an admin. It keeps uploading through the window.
  const revokedHost = "REVOKED-00001";
  if (!LEGACY) {
    const enrolled = await postJson(
      server.url,
      "/api/v1/agents/enrol",
      secrets[0]!,
      JSON.stringify({ hostname: revokedHost, deviceId: null, agentVersion: "2.0.0", machineKey: machineKey() }),
    );
    const agentId = (enrolled.body as { agentId?: string }).agentId;
    const deviceKey = (enrolled.body as { deviceKey?: string }).deviceKey;
    if (enrolled.status !== 201 || !agentId || !deviceKey) throw new Error(`enrolling the device to revoke answered ${enrolled.status}`);
    const revoked = await revokeAgentDevice(db, { id: agentId, actor: "bench" });
    if (!revoked.ok) throw new Error(revoked.error.message);
    const t = texts[0]!;
    const body = JSON.stringify({ hostname: revokedHost, capturedAt: new Date().toISOString(), agentVersion: "2.0.0", dsregcmd: t.text, events: t.events });
    for (let k = 1; k <= 10; k++) plans.push({ at: (k / 11) * window, token: deviceKey, deviceKey, body, kind: "revoked", hostname: revokedHost });
    plans.sort((a, b) => a.at - b.at);
  }
  await db.$disconnect();
  const latencies: number[] = [];
  const enrolLatencies: number[] = [];
  const statuses = new Map<string, number>();
  const enrolStatuses = new Map<string, number>();
  const wrong: string[] = [];
  let retried = 0;
  // The machine's load during the window (other processes compete for its cores; the figures move with it).
  const loadBefore = loadavg()[0]!;
  // The server's CPU time over the window: unlike latency, it hardly moves with what else the machine runs.
  const cpuBefore = processCpuSeconds(server.child.pid!);
  const started = performance.now();
  const hostileDone = hostile ? sendHostile(server.url, hostileTokens, Date.now() + window) : Promise.resolve(null);
  /** Like the agent: 429 and 503 are retried after Retry-After (capped here at 3 tries to keep the run short). */
  const send = async (path: string, credential: string, body: string, tally: Map<string, number>) => {
    let answer: { status: number; body: unknown; retryAfter: number } = { status: 0, body: null, retryAfter: 0 };
    for (let attempt = 1; attempt <= 3; attempt++) {
      answer = await postJson(server.url, path, credential, body);
      tally.set(String(answer.status), (tally.get(String(answer.status)) ?? 0) + 1);
      if ((answer.status !== 429 && answer.status !== 503) || attempt === 3) break;
      retried++;
      await new Promise((r) => setTimeout(r, answer.retryAfter * 1000));
    }
    return answer;
  };
  await Promise.all(
    plans.map(async (p) => {
      const wait = p.at - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      let credential = p.deviceKey ?? p.token;
      if (p.enrol) {
        const t0 = performance.now();
        const enrolment = await send(
          "/api/v1/agents/enrol",
          p.token,
          JSON.stringify({ hostname: p.hostname, deviceId: null, agentVersion: "2.0.0", machineKey: p.enrol }),
          enrolStatuses,
        );
        enrolLatencies.push(performance.now() - t0);
        const deviceKey = (enrolment.body as { deviceKey?: unknown } | null)?.deviceKey;
        if (enrolment.status !== 201 || typeof deviceKey !== "string") {
          wrong.push(`enrol ${p.hostname} → ${enrolment.status}`);
          return;
        }
        credential = deviceKey;
      }
      for (const repeat of p.repeat ? [false, true] : [false]) {
        if (repeat) await new Promise((r) => setTimeout(r, 2000));
        const t0 = performance.now();
        const answer = await send("/api/v1/reports", credential, p.body, statuses);
        latencies.push(performance.now() - t0);
        const code = (answer.body as { error?: { code?: string } } | null)?.error?.code;
        const ok =
          p.kind === "malformed"
            ? answer.status === 400
            : p.kind === "revoked"
              ? answer.status === 401 && code === "device-revoked"
              : repeat
                ? answer.status === 200
                : answer.status === 201 || answer.status === 200;
        if (!ok) wrong.push(`${p.kind}${repeat ? " (again)" : ""} ${p.hostname} → ${answer.status}${code ? ` ${code}` : ""}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const load = `${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`;
  const tally = await hostileDone;
  const serverCpu = processCpuSeconds(server.child.pid!) - cpuBefore;
  await server.stop();

  const check = createDb(url);
  const stored = await check.deviceReport.count({ where: { hostname: { startsWith: "FLEET-" } } });
  const revokedStored = await check.deviceReport.count({ where: { hostname: revokedHost } });
  const enrolled = await check.agentDevice.count({ where: { hostname: { startsWith: "FLEET-" } } });
  const distinctHosts = (await check.deviceReport.groupBy({ by: ["hostname"], _count: { _all: true } })).filter((g) => g._count._all !== 1);
  const malformedStored = await check.deviceReport.count({ where: { hostname: { in: plans.filter((p) => p.kind === "malformed").map((p) => p.hostname) } } });
  const hostileStored = await check.deviceReport.count({ where: { hostname: { startsWith: "HOSTILE-" } } });
  const refusedStored = tally ? await check.deviceReport.count({ where: { hostname: { in: tally.refusedHostnames } } }) : 0;
  await check.$disconnect();
  const valid = plans.filter((p) => p.kind === "valid").length;
  const accepted = (statuses.get("201") ?? 0) + (statuses.get("200") ?? 0);
  return {
    kind,
    load,
    serverCpu,
    hostile: tally ? { ...tally, stored: hostileStored, refusedStored } : null,
    retried,
    seconds,
    accepted,
    rate: accepted / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    enrolP95: enrolLatencies.length ? percentile(enrolLatencies, 95) : null,
    enrolled,
    enrolStatuses,
    revokedStored,
    revokedRefused: plans.filter((p) => p.kind === "revoked").length,
    statuses,
    stored,
    valid,
    duplicatesStoredTwice: distinctHosts.length,
    malformedStored,
    wrong,
  };
}

/** The hostile agents, in a child process (bench/lib/hostile-sender.ts) so that their sending does not delay this one's clock. */
function sendHostile(base: string, tokens: { token: string; redacting: boolean }[], until: number): Promise<HostileTally> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "bench/lib/hostile-sender.ts"], {
      env: {
        ...process.env,
        BENCH_HOSTILE: JSON.stringify({ base, tokens, until, only: values["hostile-bodies"]?.split(","), ignoreRetryAfter: values["hostile-flood"] }),
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as HostileTally) : reject(new Error(`hostile sender exited ${code}`))));
  });
}

async function freshPostgres(): Promise<string> {
  const pg = (await import("pg")).default;
  const base = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS joinscope_bench_agents WITH (FORCE)`);
  await admin.query(`CREATE DATABASE joinscope_bench_agents`);
  await admin.end();
  const u = new URL(base);
  u.pathname = "/joinscope_bench_agents";
  freshDatabase(u.toString());
  return u.toString();
}

const kinds = values.db === "both" ? (["sqlite", "postgresql"] as const) : ([values.db as "sqlite" | "postgresql"] as const);
const cases = values.case === "both" ? [false, true] : [values.case === "hostile"];
let ok = true;
for (const kind of kinds) {
  for (const hostile of cases) {
    const r = await run(kind, hostile);
    const enrolledOk = LEGACY || (r.enrolled === AGENTS && r.revokedStored === 0);
    const stored = r.wrong.length === 0 && r.stored === r.valid && r.duplicatesStoredTwice === 0 && r.malformedStored === 0 && enrolledOk;
    const h = r.hostile;
    const p95ok = r.p95 < P95_TARGET_MS;
    const hostileOk = h === null || (h.wrong.length === 0 && h.refusedStored === 0 && h.stored === h.acceptedHostnames.length);
    const pass = stored && hostileOk && (h === null || p95ok);
    ok &&= pass;
    console.log(`
bench:agents  ${kind}${h ? " HOSTILE" : ""}: ${AGENTS} agents ${LEGACY ? "with a token each (legacy, no enrolment)" : "enrolling and uploading at jittered moments"} over ${SECONDS} s (5% retries, 1% malformed), ${TENANTS.length} tenants (2 redacting), production build
  accepted/s ${r.rate.toFixed(1)} · p50 ${r.p50.toFixed(0)} ms · p95 ${r.p95.toFixed(0)} ms · wall ${r.seconds.toFixed(1)} s · load average (1 min) ${r.load} on ${availableParallelism()} cores · server CPU ${r.serverCpu.toFixed(1)} s
${
  LEGACY
    ? ""
    : `  enrolments: ${r.enrolled} of ${AGENTS} devices enrolled · p95 ${r.enrolP95?.toFixed(0)} ms · answers ${[...r.enrolStatuses]
        .sort()
        .map(([s, c]) => `${s}×${c}`)
        .join(", ")} · revoked device refused ${r.revokedRefused} times, stored ${r.revokedStored}\n`
}  uploads (every attempt): ${[...r.statuses]
      .sort()
      .map(([s, c]) => `${s}×${c}`)
      .join(", ")} · retried after 429/503: ${r.retried}
  stored ${r.stored} of ${r.valid} valid uploads · stored twice ${r.duplicatesStoredTwice} · malformed stored ${r.malformedStored} · unexpected answers ${r.wrong.length}${r.wrong.length ? ` (first: ${r.wrong[0]})` : ""}${
    h
      ? `
  hostile: ${HOSTILE_AGENTS} agents with valid tokens sent ${h.sent} uploads: ${Object.entries(h.byBody)
    .map(
      ([name, c]) =>
        `${name} ${Object.entries(c)
          .map(([s, n]) => `${s}×${n}`)
          .join("/")}`,
    )
    .join(", ")}
  hostile: ${values["hostile-flood"] ? `flood, Retry-After ignored (up to ${h.ignoredRetryAfterSeconds ?? 0} s)` : "Retry-After honoured"}, connections the server closed before reading a body: ${h.closedMidBody ?? 0}
  hostile stored ${h.stored} (accepted ${h.acceptedHostnames.length}) · refused ones stored ${h.refusedStored} · unexpected answers ${h.wrong.length}${h.wrong.length ? ` (first: ${h.wrong[0]})` : ""}
  ordinary p95 ${r.p95.toFixed(0)} ms < ${P95_TARGET_MS} ms: ${p95ok ? "PASS" : "FAIL"} · every valid report stored once: ${stored ? "PASS" : "FAIL"} · hostile answered and stored as expected: ${hostileOk ? "PASS" : "FAIL"}`
      : ""
  }
  ${pass ? "PASS" : "FAIL"}`);
  }
}
process.exit(ok ? 0 : 1);

/** A machine key as the agent makes one: 32 random bytes, base64url. */
function machineKey(): string {
  return randomBytes(32).toString("base64url");
}

async function postJson(base: string, path: string, credential: string, body: string): Promise<{ status: number; body: unknown; retryAfter: number }> {
  try {
    const r = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${credential}` }, body });
    const text = await r.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's page): the status says enough.
    }
    return { status: r.status, body: parsed, retryAfter: Number(r.headers.get("retry-after") ?? 0) };
  } catch {
    return { status: -1, body: null, retryAfter: 0 };
  }
}
