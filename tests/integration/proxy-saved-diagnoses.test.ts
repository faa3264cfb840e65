/**
 * Issue 21, item 4 (decision 028): an Application Proxy diagnosis is stored only when an admin saves it. Saved through
 * lib/proxy's public functions, as the Proxy page's action calls them, with the fixtures' reads (lib/proxy/fixtures:
 * the connector's TLS-trust trace and the browser's WebSocket 504 session): the server diagnoses the reads again and
 * stores its own findings, bad input stores nothing, another tenant's diagnosis is not found, deletion and the
 * tenant's deletion remove it, each save and delete is audit-logged.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { deleteProxyDiagnosis } from "@/lib/proxy/delete-proxy-diagnosis";
import { diagnoseProxy } from "@/lib/proxy/diagnose-proxy";
import { proxyFixturePath } from "@/lib/proxy/fixtures";
import { sourceFromBytes, sourceFromPath } from "@/lib/proxy/input";
import { PROXY_SAVE_MAX_BODY_BYTES } from "@/lib/proxy/proxy-read-schema";
import { readProxyFile } from "@/lib/proxy/read-proxy-file";
import { saveProxyDiagnosis } from "@/lib/proxy/save-proxy-diagnosis";
import type { ProxyFileRead } from "@/lib/proxy/types";
import { findProxyDiagnoses } from "@/lib/queries/find-proxy-diagnoses";
import { findProxyDiagnosis } from "@/lib/queries/find-proxy-diagnosis";
import { createTenant } from "@/lib/tenants/create-tenant";
import { signedInCookie, startAdminApiServer, type AdminApiServer } from "../setup/admin-api-server";

const ACTOR = "operator@contoso.example";
let contoso = "";
let fabrikam = "";
let pair: ProxyFileRead[] = [];

const read = async (name: string) => readProxyFile(await sourceFromPath(proxyFixturePath(name)));

async function tenant(tenantId: string, name: string): Promise<string> {
  const t = await createTenant(db, { tenantId, name, actor: "test" });
  if (!t.ok) throw new Error(t.error.message);
  return t.id;
}

async function counts() {
  const [diagnoses, audit] = await Promise.all([db.proxyDiagnosis.count(), db.auditLog.count({ where: { action: { startsWith: "proxy-diagnosis." } } })]);
  return { diagnoses, audit };
}

async function saveOk(tenantRef: string, title: string, reads: ProxyFileRead[] = pair) {
  const r = await saveProxyDiagnosis(db, { tenantRef, actor: ACTOR, input: { title, reads } });
  if (!r.ok) throw new Error(r.error.message);
  return r;
}

beforeAll(async () => {
  contoso = await tenant("21212121-0000-4000-8000-000000000001", "Contoso");
  fabrikam = await tenant("21212121-0000-4000-8000-000000000002", "Fabrikam");
  pair = [await read("tls-name-mismatch.log"), await read("websocket-504.har")];
});

describe("saving a diagnosis", () => {
  it("stores the files' summaries and the server's findings, lists it newest first and audit-logs it", async () => {
    const saved = await saveOk(contoso, "  Ops Board WebSocket 504 – INC0012345  ");
    expect(saved).toMatchObject({ title: "Ops Board WebSocket 504 – INC0012345", worstSeverity: "high", findingCount: 1 });

    const one = await findProxyDiagnosis(db, { tenantRef: contoso, id: saved.id });
    const expected = diagnoseProxy(pair);
    expect(one).toMatchObject({ id: saved.id, title: "Ops Board WebSocket 504 – INC0012345", savedBy: ACTOR });
    expect(one!.files).toEqual(expected.files);
    expect(one!.findings).toEqual(JSON.parse(JSON.stringify(expected.findings)));
    expect(one!.findings[0]!.title).toBe(
      'WebSocket upgrade times out (504): the back end\'s certificate is not issued to "app01" but to "app01.corp.contoso.com"',
    );

    const later = await saveProxyDiagnosis(db, {
      tenantRef: contoso,
      actor: "reader2@contoso.example",
      input: { title: "Healthy after the fix", reads: [await read("healthy.log"), await read("healthy.har")] },
      now: new Date(Date.now() + 60_000),
    });
    expect(later).toMatchObject({ ok: true, worstSeverity: "info" });
    const list = await findProxyDiagnoses(db, { tenantRef: contoso });
    expect(list.total).toBe(2);
    expect(list.rows.map((r) => [r.title, r.savedBy, r.fileCount, r.findingCount, r.worstSeverity])).toEqual([
      ["Healthy after the fix", "reader2@contoso.example", 2, 1, "info"],
      ["Ops Board WebSocket 504 – INC0012345", ACTOR, 2, 1, "high"],
    ]);

    const audit = await db.auditLog.findFirstOrThrow({ where: { action: "proxy-diagnosis.save", target: saved.id } });
    expect(audit).toMatchObject({ actor: ACTOR, tenantRef: contoso });
    expect(audit.detail).toMatchObject({
      title: "Ops Board WebSocket 504 – INC0012345",
      worstSeverity: "high",
      rules: ["proxy-backend-cert-name-mismatch"],
      files: [
        { name: "tls-name-mismatch.log", kind: "connector-trace", records: 9, failures: 2 },
        { name: "websocket-504.har", kind: "har", records: 4, failures: 1 },
      ],
    });
  });

  it("never takes findings from the client: the reads are diagnosed again and a sent diagnosis is ignored", async () => {
    const forged = [{ rule: "proxy-all-good", severity: "info", title: "Nothing to see", explanation: "", evidence: [], remediation: [] }];
    const r = await saveProxyDiagnosis(db, {
      tenantRef: contoso,
      actor: ACTOR,
      input: { title: "Forged", reads: pair, findings: forged, worstSeverity: "info" },
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.worstSeverity).toBe("high");
    const stored = await findProxyDiagnosis(db, { tenantRef: contoso, id: r.id });
    expect(stored!.findings.map((f) => f.rule)).toEqual(["proxy-backend-cert-name-mismatch"]);
  });

  it("stores no request header, cookie or body of the session: only what the findings quote", async () => {
    const har = JSON.parse(readFileSync(proxyFixturePath("websocket-504.har"), "utf8")) as {
      log: { entries: { request: { headers: { name: string; value: string }[] } }[] };
    };
    har.log.entries[2]!.request.headers.push({ name: "Cookie", value: "AzureAppProxyAccessCookie_opsboard=s3cr3t-session-value" });
    const session = await readProxyFile(sourceFromBytes("with-cookie.har", Buffer.from(JSON.stringify(har))));
    expect(session.exchanges[0]!.requestHeaders.cookie).toContain("s3cr3t-session-value");
    const r = await saveOk(contoso, "With a cookie", [pair[0]!, session]);
    const row = await db.proxyDiagnosis.findUniqueOrThrow({ where: { id: r.id } });
    expect(JSON.stringify([row.files, row.findings])).not.toContain("s3cr3t-session-value");
    const audit = await db.auditLog.findFirstOrThrow({ where: { target: r.id } });
    expect(JSON.stringify(audit.detail)).not.toContain("s3cr3t-session-value");
  });
});

describe("bad input stores nothing", () => {
  const x = () => pair[1]!.exchanges[0]!;
  const cases: [string, () => unknown, RegExp][] = [
    ["no input", () => undefined, /expected object/i],
    ["a string", () => "reads", /expected object/i],
    ["an empty title", () => ({ title: "   ", reads: pair }), /Give the diagnosis a title/],
    ["a title over 200 characters", () => ({ title: "t".repeat(201), reads: pair }), /longer than 200/],
    ["no file", () => ({ title: "None", reads: [] }), /at least one file/],
    ["nine files", () => ({ title: "Nine", reads: Array.from({ length: 9 }, () => pair[0]) }), /At most 8 files/],
    [
      "a body snippet over 4 KB",
      () => ({ title: "Body", reads: [{ ...pair[1]!, exchanges: [{ ...x(), bodySnippet: "b".repeat(4097) }] }] }),
      /reads\.0\.exchanges\.0\.bodySnippet/,
    ],
    [
      "an unknown connector event kind",
      () => ({ title: "Kind", reads: [{ ...pair[0]!, connectorEvents: [{ ...pair[0]!.connectorEvents[0]!, kind: "made-up" }] }] }),
      /kind/,
    ],
    [
      "more exchanges than a parser keeps",
      () => ({
        title: "Many",
        reads: [{ ...pair[1]!, exchanges: Array.from({ length: 5001 }, () => ({ ...x(), bodySnippet: "", requestHeaders: {}, responseHeaders: {} })) }],
      }),
      /reads\.0\.exchanges/,
    ],
    ["a finding where a read belongs", () => ({ title: "Shape", reads: [{ ...pair[1]!, findings: [] }] }), /.+/],
  ];
  for (const [what, input, message] of cases) {
    it(`refuses ${what}`, async () => {
      const before = await counts();
      const r = await saveProxyDiagnosis(db, { tenantRef: contoso, actor: ACTOR, input: input() });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ code: "invalid-input", message: expect.stringMatching(message) });
      expect(await counts()).toEqual(before);
    });
  }

  it("refuses more than 4 MB of reads with the download as the way out", async () => {
    const before = await counts();
    // 8 files of 130 exchanges with a full 4 KB error page each: ~4.5 MB of JSON, each read within its own bounds.
    const heavy = { ...pair[1]!, exchanges: Array.from({ length: 130 }, (_, i) => ({ ...x(), where: `entries[${i}]`, bodySnippet: "p".repeat(4096) })) };
    const r = await saveProxyDiagnosis(db, { tenantRef: contoso, actor: ACTOR, input: { title: "Heavy", reads: Array.from({ length: 8 }, () => heavy) } });
    expect(r).toEqual({
      ok: false,
      error: { code: "too-large", message: expect.stringMatching(/more than the 4\.0 MB a saved diagnosis holds: download it as JSON instead/) },
    });
    expect(await counts()).toEqual(before);
  });
});

describe("tenants and deletion", () => {
  it("another tenant's diagnosis is not found, not listed and not deleted", async () => {
    const saved = await saveOk(fabrikam, "Fabrikam's 504");
    expect(await findProxyDiagnosis(db, { tenantRef: contoso, id: saved.id })).toBeNull();
    expect((await findProxyDiagnoses(db, { tenantRef: contoso })).rows.map((r) => r.id)).not.toContain(saved.id);
    expect(await deleteProxyDiagnosis(db, { tenantRef: contoso, actor: ACTOR, id: saved.id })).toMatchObject({ ok: false, error: { code: "not-found" } });
    expect(await findProxyDiagnosis(db, { tenantRef: fabrikam, id: saved.id })).not.toBeNull();
    expect(await findProxyDiagnosis(db, { tenantRef: contoso, id: "not-a-uuid" })).toBeNull();
  });

  it("deletes one, audit-logged; a second delete finds nothing", async () => {
    const saved = await saveOk(contoso, "To delete");
    expect(await deleteProxyDiagnosis(db, { tenantRef: contoso, actor: ACTOR, id: saved.id })).toEqual({ ok: true, title: "To delete" });
    expect(await findProxyDiagnosis(db, { tenantRef: contoso, id: saved.id })).toBeNull();
    expect(await db.auditLog.findFirstOrThrow({ where: { action: "proxy-diagnosis.delete", target: saved.id } })).toMatchObject({
      actor: ACTOR,
      tenantRef: contoso,
      detail: { title: "To delete" },
    });
    expect(await deleteProxyDiagnosis(db, { tenantRef: contoso, actor: ACTOR, id: saved.id })).toMatchObject({ ok: false, error: { code: "not-found" } });
  });

  it("deleting a tenant deletes its saved diagnoses and leaves another tenant's", async () => {
    const other = await tenant("21212121-0000-4000-8000-000000000003", "Northwind");
    await saveOk(other, "Northwind's 504");
    const contosoBefore = await db.proxyDiagnosis.count({ where: { tenantRef: contoso } });
    expect(contosoBefore).toBeGreaterThan(0);
    await db.tenant.delete({ where: { id: other } });
    expect(await db.proxyDiagnosis.count({ where: { tenantRef: other } })).toBe(0);
    expect(await db.proxyDiagnosis.count({ where: { tenantRef: contoso } })).toBe(contosoBefore);
  });
});

describe("POST /api/v1/proxy/diagnoses, over HTTP as the Proxy page saves", () => {
  let server: AdminApiServer;
  let operator = "";
  let reader = "";
  const post = (query: string, init: { cookie?: string; body?: string; headers?: Record<string, string> }) =>
    fetch(`${server.url}/api/v1/proxy/diagnoses${query}`, {
      method: "POST",
      headers: { ...(init.cookie ? { cookie: init.cookie } : {}), "content-type": "application/json", ...init.headers },
      body: init.body ?? "",
    });
  const errorOf = async (res: Response) => {
    const { code, message } = ((await res.json()) as { error: { code: string; message: string } }).error;
    return { code, message };
  };

  beforeAll(async () => {
    server = await startAdminApiServer();
    operator = await signedInCookie(db, "Operator");
    reader = await signedInCookie(db, "Reader");
  });
  afterAll(() => server?.close());

  it("an Operator saves for the tenant asked: 201 with the server's own findings, stored and audit-logged", async () => {
    const res = await post(`?tenant=${contoso}`, { cookie: operator, body: JSON.stringify({ title: "From the page", reads: pair, findings: [] }) });
    expect(res.status).toBe(201);
    const saved = (await res.json()) as { id: string; title: string; worstSeverity: string; findingCount: number };
    expect(saved).toEqual({ id: expect.any(String), title: "From the page", worstSeverity: "high", findingCount: 1 });
    expect(await findProxyDiagnosis(db, { tenantRef: contoso, id: saved.id })).toMatchObject({
      title: "From the page",
      findings: diagnoseProxy(pair).findings,
    });
    expect(await db.auditLog.count({ where: { action: "proxy-diagnosis.save", target: saved.id, actor: { endsWith: "@joinscope.test" } } })).toBe(1);
  });

  it("refuses bad input with the reason and stores nothing: 400 invalid-input, 415 without JSON, 413 over the bounds", async () => {
    const before = await counts();
    const noTitle = await post(`?tenant=${contoso}`, { cookie: operator, body: JSON.stringify({ title: " ", reads: pair }) });
    expect([noTitle.status, await errorOf(noTitle)]).toEqual([400, { code: "invalid-input", message: "Give the diagnosis a title (the app or the ticket)." }]);
    const notJson = await post(`?tenant=${contoso}`, { cookie: operator, body: "{ title", headers: {} });
    expect([notJson.status, (await errorOf(notJson)).code]).toEqual([400, "invalid-json"]);
    const text = await post(`?tenant=${contoso}`, { cookie: operator, body: "{}", headers: { "content-type": "text/plain" } });
    expect([text.status, (await errorOf(text)).code]).toEqual([415, "unsupported-media-type"]);
    const heavy = {
      ...pair[1]!,
      exchanges: Array.from({ length: 130 }, (_, i) => ({ ...pair[1]!.exchanges[0]!, where: `entries[${i}]`, bodySnippet: "p".repeat(4096) })),
    };
    const tooMany = await post(`?tenant=${contoso}`, {
      cookie: operator,
      body: JSON.stringify({ title: "Heavy", reads: Array.from({ length: 8 }, () => heavy) }),
    });
    expect([tooMany.status, await errorOf(tooMany)]).toEqual([413, { code: "too-large", message: expect.stringMatching(/download it as JSON instead/) }]);
    const huge = await post(`?tenant=${contoso}`, { cookie: operator, body: JSON.stringify({ title: "x".repeat(PROXY_SAVE_MAX_BODY_BYTES) }) });
    expect([huge.status, (await errorOf(huge)).code]).toEqual([413, "payload-too-large"]);
    expect(await counts()).toEqual(before);
  });

  it("checks the session, the role and the tenant before reading the body: answers while the body is still arriving", async () => {
    // A body that never ends: a route that read it before its checks would never answer.
    const endless = () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          return new Promise((resolve) => setTimeout(() => (controller.enqueue(new TextEncoder().encode(" ".repeat(1024))), resolve()), 5));
        },
      });
    const ask = (query: string, cookie?: string) =>
      fetch(`${server.url}/api/v1/proxy/diagnoses${query}`, {
        method: "POST",
        headers: { ...(cookie ? { cookie } : {}), "content-type": "application/json" },
        body: endless(),
        duplex: "half",
        signal: AbortSignal.timeout(10_000),
      } as RequestInit);
    const anonymous = await ask(`?tenant=${contoso}`);
    expect([anonymous.status, (await errorOf(anonymous)).code]).toEqual([401, "unauthenticated"]);
    const forged = await ask(`?tenant=${contoso}`, "joinscope_session=forged-token-value");
    expect(forged.status).toBe(401);
    const low = await ask(`?tenant=${contoso}`, reader);
    expect([low.status, (await errorOf(low)).code]).toEqual([403, "forbidden"]);
    const unknown = await ask("?tenant=00000000-0000-4000-8000-000000000000", operator);
    expect([unknown.status, (await errorOf(unknown)).code]).toEqual([404, "not-found"]);
  });
});
