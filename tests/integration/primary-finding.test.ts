/**
 * One root cause, one remediation (issue 15, item 11) wherever findings are listed: the findings pass stores which
 * finding is its device's primary cause and which findings it explains, and the Findings list and the CSV export show
 * the primary first and marked. Agents' uploads of the project's dsregcmd fixtures and Graph objects written through
 * the sync's page writer, as in e2e/seed.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { reevaluateAllFindings, reevaluateFindings } from "@/lib/findings/findings-scheduler";
import type { GraphDevice } from "@/lib/graph/graph-schemas";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { findDeviceDetail } from "@/lib/queries/find-device-detail";
import { findFindings } from "@/lib/queries/find-findings";
import { createFindingExportSource, FINDING_EXPORT_COLUMNS } from "@/lib/export/finding-export-source";
import { exportReadableStream } from "@/lib/export/stream-export";
import { writeDevicePage } from "@/lib/sync/write-device-page";
import { DEFAULT_FINDING_LIST_PARAMS, parseFindingListParams, type FindingListParams } from "@/lib/url-params/finding-list-params";
import { createTenantWithToken } from "../setup/factories";
import { x509AlternativeSecurityId } from "../setup/device-certificate";

const FIXTURES = join(import.meta.dirname, "../../lib/reports/fixtures");
const DAY = 24 * 3600_000;

/** PC-0087: a hybrid device whose synced object Entra Connect deleted (its report: `DeviceAuthStatus : FAILED`). */
const DELETED = {
  hostname: "PC-0087",
  fixture: "win10-21h1-hybrid-deleted.txt",
  objectId: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e03",
  deviceId: "52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b",
  thumbprint: "8C1D3686173FEB00592820E8A508956704187DCD",
};
/** PC-0466: a hybrid device whose object an admin disabled (its report: `DeviceAuthStatus : FAILED`, no PRT). */
const DISABLED = {
  hostname: "PC-0466",
  fixture: "win11-24h2-hybrid-disabled.txt",
  objectId: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e02",
  deviceId: "74df6508-0658-4bb8-a70f-6f79c11fb95c",
  thumbprint: "98E3CFB5313F74A15D16C967C567F0130D8203A8",
};
/** PC-0467: PC-0466's capture re-addressed to another machine of the same build, for the lifecycle test. */
const READDRESSED = {
  ...DISABLED,
  hostname: "PC-0467",
  objectId: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e05",
  deviceId: "3e0c7b1a-9d2f-4c58-8a6e-2f4b1d7c9e05",
  from: DISABLED,
};
/** The tenant the fixtures were captured in (their `TenantId`). */
const TENANT_ID = "9b4a1a97-6a87-46a9-9671-f9a62bdd307b";

/** A synced hybrid-joined device object as GET /devices returns it (the sync's $select). */
function hybridObject(device: Device, nowMs: number, change: { accountEnabled?: boolean; thumbprint?: string } = {}): GraphDevice {
  return {
    id: device.objectId,
    deviceId: device.deviceId,
    displayName: device.hostname,
    accountEnabled: change.accountEnabled ?? true,
    trustType: "ServerAd",
    operatingSystem: "Windows",
    operatingSystemVersion: "10.0.22631.4037",
    profileType: "RegisteredDevice",
    alternativeSecurityIds: [x509AlternativeSecurityId(change.thumbprint ?? device.thumbprint)],
    registrationDateTime: new Date(nowMs - 400 * DAY).toISOString(),
    approximateLastSignInDateTime: new Date(nowMs - 2 * DAY).toISOString(),
    onPremisesSyncEnabled: true,
    onPremisesLastSyncDateTime: new Date(nowMs - DAY).toISOString(),
  } as unknown as GraphDevice;
}

/** A minimal RFC 4180 reader: the export quotes cells with commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else if (c !== "\r") cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

async function exportCsv(tenantRef: string, query: Record<string, string>): Promise<Record<string, string>[]> {
  const text = await new Response(
    exportReadableStream(createFindingExportSource(directDb(), { tenantRef, params: parseFindingListParams(query) }), "csv"),
  ).text();
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ""));
  expect(header).toEqual(FINDING_EXPORT_COLUMNS.map((c) => c.key));
  return rows.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ""])));
}

const list = (tenantRef: string, params: Partial<FindingListParams>) => findFindings(db, { tenantRef, params: { ...DEFAULT_FINDING_LIST_PARAMS, ...params } });

type Device = typeof DELETED & { from?: typeof DELETED };

/** The device's capture as its agent uploads it; a re-addressed one with its own DeviceId and name in the text. */
async function upload(agent: { tokenId: string; tenantRef: string; tenantId: string }, device: Device, nowMs: number) {
  const captured = new Date(nowMs - 10 * 60_000);
  let dsregcmd = readFileSync(join(FIXTURES, device.fixture), "utf8");
  if (device.from) dsregcmd = dsregcmd.replaceAll(device.from.deviceId, device.deviceId).replaceAll(device.from.hostname, device.hostname);
  const result = await ingestReport(db, {
    agent,
    body: {
      hostname: device.hostname,
      capturedAt: captured.toISOString(),
      agentVersion: "1.0.0",
      dsregcmd,
      computerDn: `CN=${device.hostname},OU=Workstations,DC=corp,DC=contoso,DC=com`,
    },
    now: new Date(captured.getTime() + 20_000),
  });
  if (!result.ok) throw new Error(`${device.fixture}: ${result.error.message}`);
  await flushFindingsQueue();
}

const nowMs = Date.now();
let tenantRef: string;
let agent: { tokenId: string; tenantRef: string; tenantId: string };

beforeAll(async () => {
  const t = await createTenantWithToken(db, { tenantId: TENANT_ID, name: "Contoso" });
  tenantRef = t.tenantRef;
  agent = { tokenId: t.tokenId, tenantRef, tenantId: t.tenantId };
});

describe("the primary finding in the Findings list and the CSV export", () => {
  beforeAll(async () => {
    for (const device of [DELETED, DISABLED]) await upload(agent, device, nowMs);
    await writeDevicePage(directDb(), {
      tenantRef,
      devices: [hybridObject(DELETED, nowMs), hybridObject(DISABLED, nowMs, { accountEnabled: false })],
      mode: "full",
      now: new Date(nowMs - 3 * DAY),
      syncRunRef: "test",
    });
    // Entra Connect hard-deletes PC-0087's synced object: a delta page's @removed entry.
    await writeDevicePage(directDb(), {
      tenantRef,
      devices: [],
      removed: [{ id: DELETED.objectId, reason: "deleted" }],
      mode: "delta",
      now: new Date(nowMs - DAY),
      syncRunRef: "test",
    });
    await reevaluateAllFindings(db, tenantRef, new Date(nowMs));
  });

  it("lists a deleted hybrid device's three findings with object-deleted first, marked as the primary cause, the others pointing to it", async () => {
    const page = await list(tenantRef, { q: DELETED.hostname });
    expect(page.rows.map((r) => [r.rule, r.primary, r.explainedBy])).toEqual([
      ["object-deleted", true, null],
      ["device-auth-failed", false, "object-deleted"],
      ["prt-missing", false, "object-deleted"],
    ]);
    // The device sort keeps the device's findings together, primary first, whichever way it runs.
    for (const dir of ["asc", "desc"] as const) {
      expect((await list(tenantRef, { q: DELETED.hostname, sort: "device", dir })).rows.map((r) => r.rule)[0]).toBe("object-deleted");
    }
  });

  it("exports the same three findings with the primary first, a primary column and the rule each one follows from", async () => {
    const rows = await exportCsv(tenantRef, { q: DELETED.hostname });
    expect(rows.map((r) => [r.rule, r.primary, r.explainedBy])).toEqual([
      ["object-deleted", "true", ""],
      ["device-auth-failed", "false", "object-deleted"],
      ["prt-missing", "false", "object-deleted"],
    ]);
    expect(rows[1]!.remediation).toMatch(/^1\. Fix the primary cause first: ".+" \(object-deleted\)\./);
  });

  it("lists a primary cause before the findings it explains even when they are more severe: a disabled object before its critical device-auth-failed", async () => {
    const page = await list(tenantRef, {});
    const rules = page.rows.filter((r) => r.hostname === DISABLED.hostname).map((r) => [r.rule, r.severity, r.primary]);
    expect(rules.slice(0, 2)).toEqual([
      ["object-disabled", "high", true],
      ["device-auth-failed", "critical", false],
    ]);
    const exported = (await exportCsv(tenantRef, {})).filter((r) => r.hostname === DISABLED.hostname);
    expect(exported.slice(0, 2).map((r) => [r.rule, r.primary])).toEqual([
      ["object-disabled", "true"],
      ["device-auth-failed", "false"],
    ]);
    // The device page's worst severity is the worst of its findings, not the first one's.
    expect((await findDeviceDetail(db, { tenantRef, subjectKey: `d:${DISABLED.deviceId}` }))?.worst).toBe("critical");
  });

  it("filters to primary causes only: one row per root cause, none of the findings they explain (list and export alike)", async () => {
    const all = await list(tenantRef, {});
    const only = await list(tenantRef, { primary: "only" });
    expect(only.rows.map((r) => [r.hostname, r.rule]).sort()).toEqual(
      [
        [DELETED.hostname, "object-deleted"],
        [DISABLED.hostname, "object-disabled"],
        ...all.rows.filter((r) => r.explainedBy === null && !r.primary).map((r) => [r.hostname, r.rule]),
      ].sort(),
    );
    expect(only.total).toBe(all.total - all.rows.filter((r) => r.explainedBy !== null).length);
    expect(only.rows.every((r) => r.explainedBy === null)).toBe(true);
    const exported = await exportCsv(tenantRef, { primary: "only" });
    expect(exported.map((r) => r.rule).sort()).toEqual(only.rows.map((r) => r.rule).sort());
    // A bad value is the default (every finding), as for the other filters.
    expect(parseFindingListParams({ primary: "maybe" }).primary).toBeNull();
  });

  it("writes the flags of findings stored before they existed at the upgrade's full pass, with no history", async () => {
    const flags = { isPrimary: true, explainedBy: true, rankSeverity: true, fingerprint: true } as const;
    const current = await db.finding.findMany({ where: { tenantRef }, select: { id: true, ...flags }, orderBy: { id: "asc" } });
    const events = await db.findingEvent.count({ where: { tenantRef } });
    // What the migration leaves: no primary, nothing explained, each finding ranked by its own severity.
    await db.$executeRaw`UPDATE "Finding" SET "isPrimary" = false, "explainedBy" = NULL, "rankSeverity" = "severity" WHERE "tenantRef" = ${tenantRef}`;
    const pass = await reevaluateAllFindings(db, tenantRef, new Date(nowMs + 60_000));
    expect(pass).toMatchObject({ opened: 0, reopened: 0, resolved: 0, updated: current.filter((f) => f.isPrimary || f.explainedBy !== null).length });
    expect(await db.finding.findMany({ where: { tenantRef }, select: { id: true, ...flags }, orderBy: { id: "asc" } })).toEqual(current);
    expect(await db.findingEvent.count({ where: { tenantRef } })).toBe(events);
  });
});

describe("a re-evaluation that changes the primary finding", () => {
  const subjectKey = `d:${READDRESSED.deviceId}`;

  async function state() {
    const rows = await db.finding.findMany({
      where: { tenantRef, subjectKey },
      select: { id: true, rule: true, status: true, isPrimary: true, explainedBy: true, history: { select: { kind: true } } },
      orderBy: { rule: "asc" },
    });
    return rows.map((r) => ({
      id: r.id,
      rule: r.rule,
      status: r.status,
      primary: r.isPrimary,
      explainedBy: r.explainedBy,
      history: r.history.map((h) => h.kind).sort(),
    }));
  }
  const sync = (change: { accountEnabled?: boolean; thumbprint?: string }, at: number) =>
    writeDevicePage(directDb(), { tenantRef, devices: [hybridObject(READDRESSED, nowMs, change)], mode: "delta", now: new Date(at), syncRunRef: "test" });
  const pass = (at: number) => reevaluateFindings({ tenantRef, scope: { deviceIds: [READDRESSED.deviceId] }, now: new Date(at) });

  beforeAll(async () => {
    await upload(agent, READDRESSED, nowMs);
    // The object holds another certificate than the device presents: thumbprint-mismatch is the primary cause.
    await sync({ thumbprint: "0F1E2D3C4B5A69788796A5B4C3D2E1F00A1B2C3D" }, nowMs - 3 * DAY);
    await pass(nowMs);
  });

  it("moves the flags to the new primary and back, updating the rows in place with no history beyond the finding that came and went", async () => {
    const before = await state();
    expect(before.filter((f) => f.primary).map((f) => f.rule)).toEqual(["thumbprint-mismatch"]);
    expect(before.find((f) => f.rule === "device-auth-failed")?.explainedBy).toBe("thumbprint-mismatch");
    const fingerprint = async () =>
      (await db.finding.findFirstOrThrow({ where: { tenantRef, subjectKey, rule: "thumbprint-mismatch" }, select: { fingerprint: true } })).fingerprint;
    const thumbprintFingerprint = await fingerprint();

    // An admin disables the object as well: object-disabled comes first in the order of root causes.
    await sync({ accountEnabled: false, thumbprint: "0F1E2D3C4B5A69788796A5B4C3D2E1F00A1B2C3D" }, nowMs - 2 * DAY);
    const disabled = await pass(nowMs + 60_000);
    const during = await state();
    expect(during.filter((f) => f.primary).map((f) => f.rule)).toEqual(["object-disabled"]);
    expect(during.find((f) => f.rule === "device-auth-failed")?.explainedBy).toBe("object-disabled");
    // thumbprint-mismatch's own text did not change, only its flag: the row is updated, not reopened or duplicated.
    expect(await fingerprint()).toBe(thumbprintFingerprint);
    expect(during.find((f) => f.rule === "thumbprint-mismatch")).toMatchObject({
      id: before.find((f) => f.rule === "thumbprint-mismatch")!.id,
      status: "open",
      primary: false,
      explainedBy: null,
      history: ["opened"],
    });
    expect(disabled).toMatchObject({ opened: 1, reopened: 0, resolved: 0 });

    // The same data evaluated again changes nothing.
    expect(await pass(nowMs + 120_000)).toMatchObject({ opened: 0, reopened: 0, resolved: 0, updated: 0 });

    // Enabled again: object-disabled resolves and thumbprint-mismatch is the primary cause once more.
    await sync({ thumbprint: "0F1E2D3C4B5A69788796A5B4C3D2E1F00A1B2C3D" }, nowMs - DAY);
    await pass(nowMs + 180_000);
    const after = await state();
    expect(after.filter((f) => f.primary && f.status === "open").map((f) => f.rule)).toEqual(["thumbprint-mismatch"]);
    expect(after.map((f) => f.id).sort()).toEqual(during.map((f) => f.id).sort());
    for (const f of after) expect(f.history).toEqual(f.rule === "object-disabled" ? ["opened", "resolved"] : ["opened"]);
  });
});
