/**
 * The dashboard's pages at fleet scale (issue 17): a 100,000-device tenant with three reports per device, the
 * production server, a signed-in admin, and the server time of each page.
 *
 *   npm run bench:ui [-- --db sqlite|postgresql|both --devices 100000 --requests 30 --port 3460 --fresh --only TEXT]
 *
 * `--only TEXT` measures only the pages whose label contains TEXT (any case; "version" for "Windows 10.0*, by
 * version"): an A/B of one page without the other thirty. The targets are judged on a full run.
 *
 * The tenant (bench/lib/tenant-data.ts, the generator bench:rules uses) is written straight into the tables, then
 * given what a synced tenant has: device summaries (the backfill), a full findings pass, an admin. It is kept between
 * runs, keyed by bench/lib/ui-data.ts's UI_DATA_VERSION and the device count (data/bench/ui-*.json; PostgreSQL in a database of its own,
 * joinscope_bench_ui_v<version>_<devices>); `--fresh` builds it again.
 *
 * Each page is requested `--requests` times one after the other, after three unmeasured requests, and timed from the
 * request to its body's last byte on loopback (the server's time). Its floor is measured in the same run, each of its
 * parts right after each of the page's requests, so both see the machine in the same state:
 * - empty: a signed-in page that reads nothing (Diagnose: session, tenants, layout, rendering), which every dashboard
 *   page pays;
 * - query: the page's own rows read by one direct indexed query (the same driver and database);
 * - floor: the sum of their p95s.
 * Targets: p95 under 200 ms and within 3× of the page floor. Prints the machine's load average. Exits 1 on a miss.
 */
import { connect } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createDirectDb, type DirectDb } from "@/lib/db/direct";
import { ensureBuild, percentile, startServer } from "./lib/server";
import { prepareUiTenant, uiSetupStep } from "./lib/ui-data";

const P95_TARGET_MS = 200;
const FLOOR_RATIO_TARGET = 3;

const { values } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    devices: { type: "string", default: "100000" },
    requests: { type: "string", default: "30" },
    /** The SQLite run's server; PostgreSQL's the next port. Both must be free (checked): another server there would be measured instead. */
    port: { type: "string", default: "3460" },
    fresh: { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const DEVICES = Number(values.devices);
const REQUESTS = Math.max(30, Number(values.requests));
const kinds =
  values.db === "both"
    ? (["sqlite", "postgresql"] as const)
    : values.db === "postgres" || values.db === "postgresql"
      ? (["postgresql"] as const)
      : (["sqlite"] as const);

/** A page of the dashboard and the one direct indexed query that reads its own rows. */
interface PageCase {
  label: string;
  path: string;
  floor: { sql: string; params: unknown[] };
}

const SUMMARY_COLUMNS = `"rowKey", "subjectKey", "objectId", "deviceId", "name", "nameKey", "trustType", "joinType", "state", "deletedReason", "lastReportAt", "worstRank", "openCount", "primaryRule", "operatingSystem", "operatingSystemVersion", "onPremisesSyncEnabled", "approximateLastSignInDateTime", "pendingSince"`;

async function pageCases(direct: DirectDb, tenantRef: string): Promise<PageCase[]> {
  // `index`: the one the page reads for a filter few devices match (SQLite names it; PostgreSQL's planner picks).
  const summaries = (where: string, order: string, params: unknown[] = [], index?: string) => ({
    sql: `SELECT ${SUMMARY_COLUMNS} FROM "DeviceSummary"${index && direct.dialect === "sqlite" ? ` INDEXED BY "${index}"` : ""} WHERE "tenantRef" = ?${where} ORDER BY ${order} LIMIT 50`,
    params: [tenantRef, ...params],
  });
  // A deep page: page 1,000 of the name sort, Z→A, reached as its Next link reaches it (after the last row of page 999).
  const deepPage = Math.min(1000, Math.max(2, Math.floor(DEVICES / 50 / 2)));
  const [cursor] = await direct.query<{ rowKey: string; nameKey: string }>(
    `SELECT "rowKey", "nameKey" FROM "DeviceSummary" WHERE "tenantRef" = ? ORDER BY "nameKey" DESC, "rowKey" DESC LIMIT 1 OFFSET ?`,
    [tenantRef, (deepPage - 1) * 50 - 1],
  );
  const [worst] = await direct.query<{ v: number }>(`SELECT MAX("worstRank") AS "v" FROM "DeviceSummary" WHERE "tenantRef" = ?`, [tenantRef]);
  // A device with findings and reports, and a search term that matches a handful of names.
  const [device] = await direct.query<{ subjectKey: string; name: string }>(
    `SELECT "subjectKey", "name" FROM "DeviceSummary" WHERE "tenantRef" = ? AND "worstRank" <= 1 AND "lastReportAt" IS NOT NULL ORDER BY "rowKey" LIMIT 1`,
    [tenantRef],
  );
  const term = device!.name.slice(0, Math.min(8, device!.name.length)).toLowerCase();
  // The Devices browser's filters (issue 17 item 2): the open rule most devices have and the one fewest have, an OS
  // version prefix, and a deep page of the deviceId sort.
  const rules = await direct.query<{ rule: string; n: number }>(
    `SELECT "rule", COUNT(*) AS "n" FROM "Finding" WHERE "tenantRef" = ? AND "status" = 'open' GROUP BY "rule" ORDER BY COUNT(*) DESC, "rule"`,
    [tenantRef],
  );
  const [commonRule, rareRule] = [rules[0]!.rule, rules[rules.length - 1]!.rule];
  const [version] = await direct.query<{ v: string }>(
    `SELECT "operatingSystemVersion" AS "v" FROM "DeviceSummary" WHERE "tenantRef" = ? AND "operatingSystemVersion" IS NOT NULL ORDER BY "rowKey" LIMIT 1`,
    [tenantRef],
  );
  const versionPrefix = (version?.v ?? "10.0").split(".").slice(0, 2).join(".");
  const [idCursor] = await direct.query<{ rowKey: string; deviceId: string; nameKey: string }>(
    `SELECT "rowKey", "deviceId", "nameKey" FROM "DeviceSummary" WHERE "tenantRef" = ? AND "deviceId" IS NOT NULL ORDER BY "deviceId", "nameKey", "rowKey" LIMIT 1 OFFSET ?`,
    [tenantRef, (deepPage - 1) * 50 - 1],
  );
  const day = 24 * 3600_000;
  const now = Date.now();
  const ruleSubjects = `"subjectKey" IN (SELECT f."subjectKey" FROM "Finding" f WHERE f."tenantRef" = ? AND f."rule" = ? AND f."status" = 'open')`;
  // A user who signs in on several machines, and the start of their UPN as a helpdesk ticket gives it.
  const [user] = await direct.query<{ userPrincipalName: string }>(
    `SELECT "userPrincipalName" FROM "ReportUser" WHERE "tenantRef" = ? GROUP BY "userPrincipalName" ORDER BY COUNT(*) DESC, "userPrincipalName" LIMIT 1`,
    [tenantRef],
  );
  const upn = user!.userPrincipalName;
  const upnPrefix = upn.slice(0, Math.max(3, upn.indexOf("@") - 2));
  const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const enc = encodeURIComponent;
  return [
    { label: "Overview", path: "/", floor: summaries(` AND "problemReportAt" IS NOT NULL`, `"problemReportAt" DESC`) },
    { label: "Devices: default (severity)", path: "/devices", floor: summaries("", `"worstRank", "openCount" DESC, "nameKey", "rowKey"`) },
    {
      label: "Devices: severity, least first",
      path: "/devices?dir=desc",
      floor: summaries(` AND "worstRank" = ?`, `"openCount" DESC, "nameKey", "rowKey"`, [Number(worst!.v)]),
    },
    { label: "Devices: name A→Z", path: "/devices?sort=name", floor: summaries("", `"nameKey", "rowKey"`) },
    {
      label: `Devices: name Z→A, page ${deepPage} (Next link)`,
      path: `/devices?sort=name&dir=desc&page=${deepPage}&after=${enc(cursor!.rowKey)}`,
      floor: summaries(` AND ("nameKey", "rowKey") < (?, ?)`, `"nameKey" DESC, "rowKey" DESC`, [cursor!.nameKey, cursor!.rowKey]),
    },
    { label: "Devices: most open findings", path: "/devices?sort=open&dir=desc", floor: summaries("", `"openCount" DESC, "worstRank", "nameKey", "rowKey"`) },
    {
      label: "Devices: fewest open findings",
      path: "/devices?sort=open&dir=asc",
      floor: summaries(` AND "openCount" = 0`, `"worstRank", "nameKey", "rowKey"`),
    },
    {
      label: "Devices: last report, newest",
      path: "/devices?sort=lastReport&dir=desc",
      floor: summaries(` AND "lastReportAt" IS NOT NULL`, `"lastReportAt" DESC, "nameKey", "rowKey"`),
    },
    {
      label: "Devices: last report, oldest",
      path: "/devices?sort=lastReport&dir=asc",
      floor: summaries(` AND "lastReportAt" IS NOT NULL`, `"lastReportAt", "nameKey" DESC, "rowKey" DESC`),
    },
    {
      label: "Devices: deleted, by name",
      path: "/devices?state=deleted&sort=name",
      floor: summaries(` AND "state" = 'deleted'`, `"nameKey", "rowKey"`, [], "DeviceSummary_state_sort_idx"),
    },
    {
      label: "Devices: problems, hybrid joined",
      path: "/devices?problems=1&trust=ServerAd",
      floor: summaries(` AND "worstRank" <= 1 AND "trustType" = 'ServerAd'`, `"worstRank", "openCount" DESC, "nameKey", "rowKey"`),
    },
    {
      label: `Devices: search "${term}"`,
      path: `/devices?q=${enc(term)}`,
      floor: summaries(
        ` AND ("nameKey" LIKE ? ESCAPE '\\' OR "deviceId" LIKE ? ESCAPE '\\' OR "objectId" LIKE ? ESCAPE '\\')`,
        `"worstRank", "openCount" DESC, "nameKey", "rowKey"`,
        [like, like, like],
        "DeviceSummary_tenantRef_nameKey_rowKey_deviceId_objectId_idx",
      ),
    },
    {
      label: `Devices: rule ${commonRule}`,
      path: `/devices?rule=${enc(commonRule)}`,
      floor: summaries(` AND ${ruleSubjects}`, `"worstRank", "openCount" DESC, "nameKey", "rowKey"`, [tenantRef, commonRule]),
    },
    {
      label: `Devices: rule ${rareRule}, by name`,
      path: `/devices?rule=${enc(rareRule)}&sort=name`,
      floor: summaries(` AND ${ruleSubjects}`, `"nameKey", "rowKey"`, [tenantRef, rareRule], "DeviceSummary_tenantRef_subjectKey_nameKey_rowKey_idx"),
    },
    { label: "Devices: severity medium, by name", path: "/devices?severity=medium&sort=name", floor: summaries(` AND "worstRank" = 2`, `"nameKey", "rowKey"`) },
    {
      label: "Devices: Entra joined (report), last sign-in",
      path: "/devices?join=entra&sort=lastSignIn&dir=desc",
      floor: summaries(
        ` AND "joinType" = 'entra' AND "approximateLastSignInDateTime" IS NOT NULL`,
        `"approximateLastSignInDateTime" DESC, "nameKey" DESC, "rowKey" DESC`,
      ),
    },
    {
      label: `Devices: Windows ${versionPrefix}*, by version`,
      path: `/devices?os=Windows&osVersion=${enc(versionPrefix)}&sort=osVersion&dir=desc`,
      floor: summaries(
        ` AND "operatingSystem" = 'Windows' AND "operatingSystemVersion" LIKE ?`,
        `"operatingSystemVersion" DESC, "nameKey" DESC, "rowKey" DESC`,
        [`${versionPrefix}%`],
      ),
    },
    {
      label: "Devices: synced from AD, by OS",
      path: "/devices?sync=yes&sort=os",
      floor: summaries(` AND "onPremisesSyncEnabled" = ?`, `"operatingSystem", "nameKey", "rowKey"`, [true]),
    },
    {
      label: "Devices: Pending over 7 days, longest first",
      path: "/devices?pendingDays=7&sort=pendingSince",
      floor: summaries(
        ` AND "state" = 'pending' AND "pendingSince" < ?`,
        `"pendingSince", "nameKey", "rowKey"`,
        [new Date(now - 7 * day)],
        "DeviceSummary_pendingSince_sort_idx",
      ),
    },
    {
      label: "Devices: no report in 7 days, by state",
      path: "/devices?silentDays=7&sort=state",
      floor: summaries(` AND ("lastReportAt" IS NULL OR "lastReportAt" < ?)`, `"state", "nameKey", "rowKey"`, [new Date(now - 7 * day)]),
    },
    {
      label: "Devices: stale, last sign-in oldest",
      path: "/devices?stale=1&sort=lastSignIn",
      floor: summaries(` AND "approximateLastSignInDateTime" < ?`, `"approximateLastSignInDateTime", "nameKey", "rowKey"`, [new Date(now - 90 * day)]),
    },
    {
      label: `Devices: deviceId A→Z, page ${deepPage} (Next link)`,
      path: `/devices?sort=deviceId&page=${deepPage}&after=${enc(idCursor!.rowKey)}`,
      // A row's registration id is its subject key's ("d:" + it): the subject's index holds this order (decision 034).
      floor: summaries(
        ` AND "subjectKey" >= 'd' AND "subjectKey" < 'e' AND ("subjectKey", "nameKey", "rowKey") > (?, ?, ?)`,
        `"subjectKey", "nameKey", "rowKey"`,
        [`d:${idCursor!.deviceId}`, idCursor!.nameKey, idCursor!.rowKey],
        "DeviceSummary_tenantRef_subjectKey_nameKey_rowKey_idx",
      ),
    },
    {
      // The header search: devices by the Devices list's covering name index (LIMIT 21) and users by a skip scan of
      // ReportUser's index; its floor is the device half, the larger.
      label: `Search "${upnPrefix}" (users and devices)`,
      path: `/search?q=${enc(upnPrefix)}`,
      floor: {
        sql: `SELECT "rowKey", "subjectKey", "name", "state", "deviceId", "objectId", "worstRank", "primaryRule" FROM "DeviceSummary"${direct.dialect === "sqlite" ? ` INDEXED BY "DeviceSummary_tenantRef_nameKey_rowKey_deviceId_objectId_idx"` : ""} WHERE "tenantRef" = ? AND ("nameKey" LIKE ? ESCAPE '\\' OR "deviceId" LIKE ? ESCAPE '\\' OR "objectId" LIKE ? ESCAPE '\\') ORDER BY "nameKey", "rowKey" LIMIT 21`,
        params: [tenantRef, `%${upnPrefix}%`, `%${upnPrefix}%`, `%${upnPrefix}%`],
      },
    },
    {
      label: `Search "${term}" (a device name)`,
      path: `/search?q=${enc(term)}`,
      floor: {
        sql: `SELECT "rowKey", "subjectKey", "name", "state", "deviceId", "objectId", "worstRank", "primaryRule" FROM "DeviceSummary"${direct.dialect === "sqlite" ? ` INDEXED BY "DeviceSummary_tenantRef_nameKey_rowKey_deviceId_objectId_idx"` : ""} WHERE "tenantRef" = ? AND ("nameKey" LIKE ? ESCAPE '\\' OR "deviceId" LIKE ? ESCAPE '\\' OR "objectId" LIKE ? ESCAPE '\\') ORDER BY "nameKey", "rowKey" LIMIT 21`,
        params: [tenantRef, like, like, like],
      },
    },
    {
      label: "User page",
      path: `/users/${enc(upn)}`,
      floor: {
        sql: `SELECT "reportRef", "deviceId", "hostname", "capturedAt" FROM "ReportUser" WHERE "tenantRef" = ? AND "userPrincipalName" = ? ORDER BY "capturedAt" DESC LIMIT 2001`,
        params: [tenantRef, upn],
      },
    },
    {
      label: "Findings (open, most severe first)",
      path: "/findings",
      floor: {
        sql: `SELECT "id", "subjectKey", "severity", "rule", "title", "isPrimary", "explainedBy", "deviceId", "objectId", "hostname", "status", "acknowledgedAt", "firstSeenAt", "lastSeenAt"
          FROM "Finding" WHERE "tenantRef" = ? AND "status" = 'open' AND "rankSeverity" = 'critical' ORDER BY "isPrimary" DESC, "lastSeenAt" DESC, "id" LIMIT 50`,
        params: [tenantRef],
      },
    },
    {
      // One row per rule (issue 17, item 3): one GROUP BY over the open findings' (tenantRef, status, rule, severity,
      // explainedBy, acknowledgedAt) index entries.
      label: "Findings grouped (by cause)",
      path: "/findings?view=causes",
      floor: {
        sql: `SELECT "rule", "severity", "explainedBy", COUNT(*) AS "n", COUNT("acknowledgedAt") AS "acknowledged" FROM "Finding"
          WHERE "tenantRef" = ? AND "status" = 'open' GROUP BY "rule", "severity", "explainedBy"`,
        params: [tenantRef],
      },
    },
    {
      // The weekly review over a month (issue 23, item 7): the lifecycle events' counts by kind from the
      // (tenantRef, kind, at, id) index, the newest of each kind, the snapshots, the broken-device GROUP BY.
      label: "Weekly review (last 30 days)",
      path: "/review?period=month",
      floor: {
        sql: `SELECT "kind", COUNT(*) AS "n" FROM "FindingEvent" WHERE "tenantRef" = ? AND "kind" IN ('opened', 'resolved', 'reopened') AND "at" > ? GROUP BY "kind"`,
        params: [tenantRef, new Date(now - 30 * day)],
      },
    },
    {
      // The page sorts by capturedAt, which no index serves; the bench's reports arrive as they are captured, so the
      // (tenantRef, receivedAt) index reads the same rows.
      label: "Reports (newest first)",
      path: "/reports",
      floor: {
        sql: `SELECT "id", "hostname", "deviceId", "joinType", "azureAdPrt", "deviceAuthStatus", "capturedAt", "receivedAt", "findingsSnapshot" FROM "DeviceReport" WHERE "tenantRef" = ? ORDER BY "receivedAt" DESC LIMIT 50`,
        params: [tenantRef],
      },
    },
    {
      label: "Device page",
      path: `/devices/${enc(device!.subjectKey)}`,
      floor: {
        sql: `SELECT "id", "rule", "severity", "title", "explanation", "evidence", "remediation", "status" FROM "Finding" WHERE "tenantRef" = ? AND "subjectKey" = ?`,
        params: [tenantRef, device!.subjectKey],
      },
    },
  ];
}

async function timePage(base: string, path: string, cookie: string): Promise<{ ms: number; status: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
  const body = await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status, bytes: body.byteLength };
}

async function timeQuery(direct: DirectDb, floor: PageCase["floor"]): Promise<number> {
  const started = performance.now();
  await direct.query(floor.sql, floor.params);
  return performance.now() - started;
}

async function run(kind: "sqlite" | "postgresql"): Promise<boolean> {
  const { url, built, reused } = await prepareUiTenant(kind, DEVICES, values.fresh);
  const { token } = uiSetupStep<{ token: string }>("login", url, DEVICES);
  const cookie = `joinscope_session=${token}`;
  const direct = createDirectDb(url);
  const only = values.only?.toLowerCase();
  const cases = (await pageCases(direct, built.tenantRef)).filter((c) => !only || c.label.toLowerCase().includes(only));
  if (cases.length === 0) throw new Error(`bench:ui: no page's label contains "${values.only}"`);
  const port = Number(values.port) + (kind === "postgresql" ? 1 : 0);
  if (await portInUse(port)) throw new Error(`bench:ui: port ${port} is in use (another server would be measured); pick others with --port`);
  const server = await startServer({ databaseUrl: url, port });
  const loadBefore = loadavg()[0]!;
  const lines: string[] = [];
  let ok = true;
  try {
    // The page every dashboard page costs at least (signed in, tenants, layout, no data of its own) is requested
    // between each page's requests, so each page is judged against the machine as it was while that page ran.
    for (let i = 0; i < 3; i++) await timePage(server.url, "/diagnose", cookie);
    const allEmpty: number[] = [];
    for (const c of cases) {
      const times: number[] = [];
      const empty: number[] = [];
      const queries: number[] = [];
      let status = 0;
      let bytes = 0;
      for (let i = 0; i < 3; i++) {
        await timePage(server.url, c.path, cookie);
        await timeQuery(direct, c.floor);
      }
      for (let i = 0; i < REQUESTS; i++) {
        const t = await timePage(server.url, c.path, cookie);
        times.push(t.ms);
        status = t.status;
        bytes = t.bytes;
        empty.push((await timePage(server.url, "/diagnose", cookie)).ms);
        queries.push(await timeQuery(direct, c.floor));
      }
      allEmpty.push(...empty);
      const p95 = percentile(times, 95);
      const emptyP95 = percentile(empty, 95);
      const queryP95 = percentile(queries, 95);
      const pageFloor = emptyP95 + queryP95;
      const ratio = p95 / pageFloor;
      const pass = status === 200 && p95 < P95_TARGET_MS && ratio <= FLOOR_RATIO_TARGET;
      if (!pass) ok = false;
      lines.push(
        `  ${c.label.slice(0, 47).padEnd(48)}${fmt(percentile(times, 50))}${fmt(p95)}${fmt(emptyP95)}${fmt(queryP95)}${fmt(pageFloor)}${`${ratio.toFixed(2)}×`.padStart(8)}  ${status} ${String(Math.round(bytes / 1024)).padStart(4)} KB  ${pass ? "pass" : "FAIL"}`,
      );
    }
    lines.unshift(
      `  ${"signed-in page that reads nothing (/diagnose)".padEnd(48)}${fmt(percentile(allEmpty, 50))}${fmt(percentile(allEmpty, 95))}   (all ${allEmpty.length} requests)`,
    );
  } finally {
    await server.stop();
    await direct.close();
  }
  const loadAfter = loadavg()[0]!;
  console.log(`
bench:ui  ${kind}: ${built.devices} devices, ${built.reports} reports, production build, ${REQUESTS} requests per page, one at a time
  data ${reused ? `reused (built ${built.builtAt})` : "built now"}: written in ${built.loadSeconds.toFixed(1)} s, device summaries (backfill) ${built.summarySeconds.toFixed(1)} s, findings pass ${built.passSeconds.toFixed(1)} s (${built.opened} opened)
  load average (1 min) ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${availableParallelism()} cores
  page                                              p50 ms  p95 ms   empty   query   floor   p95/floor
${lines.join("\n")}
  targets: p95 < ${P95_TARGET_MS} ms and ≤ ${FLOOR_RATIO_TARGET}× floor (floor = the page's own rows by one indexed query + a signed-in page that reads nothing)
  ${ok ? "PASS" : "FAIL"}`);
  return ok;
}

const fmt = (ms: number) => ms.toFixed(1).padStart(8);

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

ensureBuild();
let allOk = true;
for (const kind of kinds) allOk = (await run(kind)) && allOk;
process.exit(allOk ? 0 : 1);
