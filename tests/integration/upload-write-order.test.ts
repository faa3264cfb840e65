/**
 * Decision 045: the pages an upload's writes dirty. A new report's id is time-ordered, so the report, its user and its
 * events append to their id and reportRef indexes. A report that keeps its device's name and join type rewrites no
 * entry of the summary's indexes but those of its time.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { directDb, type Statement } from "@/lib/db/direct";
import { LATEST_REPORT_FIRST } from "@/lib/db/latest-report-sql";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { createTenantWithToken } from "../setup/factories";
import { sampleUpload } from "../setup/sample-reports";

async function tenant() {
  const tenantId = randomUUID();
  const t = await createTenantWithToken(db, { tenantId, name: "Write order" });
  return { tenantRef: t.tenantRef, tenantId, agent: { tokenId: t.tokenId, tenantRef: t.tenantRef, tenantId } };
}

describe("an upload's writes and reads (decision 045)", () => {
  it("stores each new report under an id that sorts after the ids of the reports stored before it", async () => {
    const t = await tenant();
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      // Another device each time: every upload is a new report.
      const upload = sampleUpload({
        tenantId: t.tenantId,
        deviceId: randomUUID(),
        hostname: `PC-ORDER-${i}`,
        capturedAt: `2026-11-29T07:${String(i).padStart(2, "0")}:00Z`,
      });
      const r = await ingestReport(db, { agent: t.agent, body: upload });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.report.duplicate).toBe(false);
      ids.push(r.report.reportId);
    }
    await flushFindingsQueue();
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("of reports of a device captured at the same moment, the latest is the one stored last", async () => {
    const t = await tenant();
    const deviceId = randomUUID();
    const capturedAt = "2026-11-29T08:00:00Z";
    for (const hostname of ["PC-SAME-A", "PC-SAME-B", "PC-SAME-C", "PC-SAME-D", "PC-SAME-E", "PC-SAME-F", "PC-SAME-G", "PC-SAME-H"]) {
      // The same capture time, another host name: eight reports of one device captured at the same moment.
      const r = await ingestReport(db, { agent: t.agent, body: sampleUpload({ tenantId: t.tenantId, deviceId, hostname, capturedAt }) });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.report.duplicate).toBe(false);
    }
    await flushFindingsQueue();
    const latest = await db.deviceReport.findFirst({
      where: { tenantRef: t.tenantRef, deviceId },
      orderBy: [...LATEST_REPORT_FIRST],
      select: { hostname: true },
    });
    expect(latest?.hostname).toBe("PC-SAME-H");
    const summary = await db.deviceSummary.findFirst({ where: { tenantRef: t.tenantRef, deviceId }, select: { lastReportHostname: true } });
    expect(summary?.lastReportHostname).toBe("PC-SAME-H");
  });

  it("a report that keeps the device's name and join type sets no indexed summary column but its time; a join change is written", async () => {
    const t = await tenant();
    const deviceId = randomUUID();
    const upload = (minute: number, o: { thumbprint?: string; entra?: boolean } = {}) => {
      const body = sampleUpload({ tenantId: t.tenantId, deviceId, hostname: "PC-JOIN", thumbprint: o.thumbprint, capturedAt: `2026-11-29T09:${minute}:00Z` });
      return o.entra ? { ...body, dsregcmd: body.dsregcmd.replace(/(DomainJoined\s*:\s*)YES/, "$1NO") } : body;
    };
    const store = async (body: unknown) => {
      const r = await ingestReport(db, { agent: t.agent, body });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.report.duplicate).toBe(false);
      return r.report;
    };
    const summaryJoin = async () =>
      (await db.deviceSummary.findMany({ where: { tenantRef: t.tenantRef, deviceId }, select: { joinType: true, lastReportId: true } }))[0];
    const first = await store(upload(10));
    await flushFindingsQueue();
    expect(await summaryJoin()).toEqual({ joinType: first.joinType, lastReportId: first.reportId });

    // The uploads' summary writes, with the rows each wrote.
    const direct = directDb();
    const written: { statement: Statement; count: number }[] = [];
    const batch = direct.batch.bind(direct);
    direct.batch = async (statements) => {
      const counts = await batch(statements);
      statements.forEach((statement, i) => written.push({ statement, count: counts[i]! }));
      return counts;
    };
    let second: Awaited<ReturnType<typeof store>>;
    try {
      // Another certificate: a new report, the same name and join type.
      second = await store(upload(20, { thumbprint: "9C1B2A3D4E5F60718293A4B5C6D7E8F901234567" }));
    } finally {
      direct.batch = batch;
    }
    expect(second.joinType).toBe(first.joinType);
    const summaryWrites = written.filter((w) => w.count > 0 && /^UPDATE "DeviceSummary"/.test(w.statement.sql));
    expect(summaryWrites).toHaveLength(1);
    const setClause = summaryWrites[0]!.statement.sql.slice(
      summaryWrites[0]!.statement.sql.indexOf(" SET "),
      summaryWrites[0]!.statement.sql.indexOf(" FROM "),
    );
    const columnsSet = [...setClause.matchAll(/(?:SET|,)\s*"(\w+)" = /g)].map((m) => m[1]!);
    expect(columnsSet).toContain("lastReportAt");
    if (direct.dialect === "sqlite") {
      const indexes = await direct.query<{ name: string }>(`SELECT "name" FROM pragma_index_list('DeviceSummary')`);
      const indexed = new Set<string>();
      for (const { name } of indexes)
        for (const c of await direct.query<{ name: string | null }>(`SELECT "name" FROM pragma_index_info(?)`, [name])) if (c.name) indexed.add(c.name);
      expect(indexed.has("joinType") && indexed.has("nameKey")).toBe(true);
      expect(columnsSet.filter((c) => indexed.has(c)).sort()).toEqual(["lastReportAt", "problemReportAt"]);
    }
    expect(await summaryJoin()).toEqual({ joinType: first.joinType, lastReportId: second!.reportId });

    // Hybrid to Entra joined: the summary takes the new join type.
    const third = await store(upload(30, { entra: true }));
    expect(third.joinType).not.toBe(first.joinType);
    expect(await summaryJoin()).toEqual({ joinType: third.joinType, lastReportId: third.reportId });
    await flushFindingsQueue();
  });
});
