import { decodeReportText } from "@/lib/reports/report-text-codec";
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/reports/route";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { handleFastPath } from "@/lib/ingest/node-fast-path";
import { db } from "@/lib/db/client";
import { revokeAgentToken } from "@/lib/agent-tokens/revoke-agent-token";
import { countRows, createTenantWithToken } from "../setup/factories";
import { sampleDsregcmd, sampleUpload } from "../setup/sample-reports";

const URL_ = "http://joinscope.test/api/v1/reports";

type PostInit = { token?: string | null; contentType?: string; headers?: Record<string, string> };
interface Transport {
  name: string;
  /** host:port when the transport is real HTTP. */
  address?(): { host: string; port: number };
  start(): Promise<void>;
  stop(): Promise<void>;
  send(body: BodyInit, headers: Record<string, string>): Promise<Response>;
}

/**
 * The endpoint is served two ways, and both must behave the same: the Next.js route handler (`next dev`) and the
 * production server's Node fast path (scripts/serve.mjs), here over real HTTP.
 */
const TRANSPORTS: Transport[] = [
  {
    name: "the Next.js route handler",
    start: async () => undefined,
    stop: async () => undefined,
    send: (body, headers) =>
      POST(new Request(URL_, { method: "POST", body, headers, ...(body instanceof ReadableStream ? { duplex: "half" } : {}) } as RequestInit), {
        params: Promise.resolve({}),
      }),
  },
  (() => {
    let server: Server | undefined;
    let base = "";
    return {
      name: "the Node fast path over HTTP",
      address: () => ({ host: "127.0.0.1", port: (server!.address() as AddressInfo).port }),
      start: () =>
        new Promise<void>((resolve) => {
          server = createServer((req, res) => {
            if (!handleFastPath(req, res)) res.writeHead(404).end();
          }).listen(0, "127.0.0.1", () => {
            base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
            resolve();
          });
        }),
      stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
      send: (body, headers) =>
        fetch(`${base}/api/v1/reports`, { method: "POST", body, headers, ...(body instanceof ReadableStream ? { duplex: "half" } : {}) } as RequestInit),
    };
  })(),
];

/** Row counts once the findings evaluation queued by earlier uploads has run (it writes findings in the background). */
async function settledCounts() {
  await flushFindingsQueue();
  return countRows(db);
}

type Upload = ReturnType<typeof sampleUpload>;
const withEvent = (u: Upload, change: Record<string, unknown>) => ({ ...u, events: [{ ...(u.events[0] as object), ...change }] });

async function errorOf(res: Response) {
  const body = (await res.json()) as { error: { code: string; message: string; details?: unknown } };
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(5);
  return body.error;
}

describe.each(TRANSPORTS)("POST /api/v1/reports through $name", (transport) => {
  function post(body: unknown, init: PostInit = {}) {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const headers: Record<string, string> = { "content-type": init.contentType ?? "application/json", ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    return transport.send(text, headers);
  }
  beforeAll(async () => {
    // Each transport starts from no reports: the same content uploaded again would be a duplicate (200).
    await db.deviceReport.deleteMany({});
    await transport.start();
  });
  afterAll(() => transport.stop());

  let token: string;
  let tenantRef: string;
  let tokenId: string;

  beforeAll(async () => {
    ({ token, tenantRef, tokenId } = await createTenantWithToken(db));
  });

  it("stores a valid upload and answers 201 with the report id, device id and findings", async () => {
    const res = await post(sampleUpload({ deleted: true }), { token });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { reportId: string; deviceId: string; findings: { rule: string; severity: string }[] };
    expect(body.deviceId).toBe("6e4cbe68-588b-499c-8c04-dcfff140a1ca");
    expect(body.findings.map((f) => f.rule)).toContain("device-auth-failed");
    const stored = await db.deviceReport.findUniqueOrThrow({
      where: { id: body.reportId },
      select: {
        tenantRef: true,
        hostname: true,
        joinType: true,
        azureAdPrt: true,
        deviceAuthStatus: true,
        computerDn: true,
        events: { select: { eventId: true } },
      },
    });
    expect(stored).toMatchObject({ tenantRef, hostname: "PC-0142", joinType: "hybrid", azureAdPrt: false, deviceAuthStatus: "FAILED" });
    expect(stored.computerDn).toContain("OU=Workstations");
    expect(stored.events.map((e) => e.eventId)).toEqual([1098]);
    const tokenRow = await db.agentToken.findUniqueOrThrow({ where: { id: tokenId }, select: { lastUsedAt: true } });
    expect(tokenRow.lastUsedAt).not.toBeNull();
  });

  it("stores the same content once: a retry answers 200 with the same report id", async () => {
    const { token: t } = await createTenantWithToken(db);
    const upload = sampleUpload({ hostname: "PC-0777", deviceId: "11111111-2222-3333-4444-555555555555" });
    const first = await post(upload, { token: t });
    expect(first.status).toBe(201);
    const before = await settledCounts();
    // Same content with reordered keys and LF instead of CRLF is still the same report.
    const reordered = { ...upload, dsregcmd: upload.dsregcmd.replace(/\r\n/g, "\n") };
    const second = await post(Object.fromEntries(Object.entries(reordered).reverse()), { token: t });
    expect(second.status).toBe(200);
    const a = (await first.json()) as { reportId: string };
    const b = (await second.json()) as { reportId: string; duplicate: boolean };
    expect(b).toMatchObject({ reportId: a.reportId, duplicate: true });
    const after = await countRows(db);
    expect(after).toEqual(before);
  });

  it("flags a report from another tenant (tenant-mismatch)", async () => {
    const { token: t } = await createTenantWithToken(db);
    const res = await post(sampleUpload({ tenantId: "99999999-8888-7777-6666-555555555555", hostname: "PC-OTHER" }), { token: t });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { findings: { rule: string; severity: string }[] };
    expect(body.findings).toContainEqual(expect.objectContaining({ rule: "tenant-mismatch", severity: "critical" }));
  });

  describe("rejections change nothing in the database", () => {
    it.each([
      ["no Authorization header", null, 401, "missing-token"],
      ["a malformed token", "not-a-token", 401, "invalid-token"],
      ["an unknown token", `jsa_${"A".repeat(43)}`, 401, "invalid-token"],
    ])("401 for %s", async (_name, badToken, status, code) => {
      const before = await settledCounts();
      const res = await post(sampleUpload(), { token: badToken });
      expect(res.status).toBe(status);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await errorOf(res)).code).toBe(code);
      expect(await countRows(db)).toEqual(before);
    });

    it("401 for a revoked token", async () => {
      const { token: t, tokenId: id } = await createTenantWithToken(db);
      await revokeAgentToken(db, { id, actor: "test" });
      const before = await settledCounts();
      const res = await post(sampleUpload({ hostname: "PC-REVOKED" }), { token: t });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe("revoked-token");
      expect(await countRows(db)).toEqual(before);
    });

    it("413 when Content-Length declares more than 1 MiB", async () => {
      const { token: t } = await createTenantWithToken(db);
      const before = await settledCounts();
      const big = { ...sampleUpload(), dsregcmd: sampleDsregcmd() + " ".repeat(1024 * 1024) };
      const res = await post(big, { token: t });
      expect(res.status).toBe(413);
      expect((await errorOf(res)).code).toBe("payload-too-large");
      expect(await countRows(db)).toEqual(before);
    });

    it("413 when a streamed body without Content-Length passes 1 MiB", async () => {
      const { token: t } = await createTenantWithToken(db);
      const before = await settledCounts();
      const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          // 12.5 MiB offered: more than the loopback socket buffers hold, so reading must stop early.
          if (sent++ < 200) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await transport.send(stream, { "content-type": "application/json", authorization: `Bearer ${t}` });
      expect(res.status).toBe(413);
      expect(sent).toBeLessThan(200);
      expect(await countRows(db)).toEqual(before);
    });

    it("a client that disconnects halfway through its body stores nothing, and the server keeps answering", async () => {
      if (!transport.address) return; // only a real connection can be cut
      const { token: t } = await createTenantWithToken(db);
      const before = await settledCounts();
      const { host, port } = transport.address();
      const body = JSON.stringify(sampleUpload({ hostname: "PC-CUT" }));
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, host, () => {
          socket.write(
            `POST /api/v1/reports HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAuthorization: Bearer ${t}\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 200)}`,
            () => setTimeout(() => socket.destroy(), 50),
          );
        });
        socket.on("close", () => resolve());
        socket.on("error", reject);
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(await settledCounts()).toEqual(before);
      const next = await post(sampleUpload({ hostname: "PC-AFTER-CUT" }), { token: t });
      expect(next.status).toBe(201);
    });

    it.each([
      ["invalid JSON", "{ not json", "invalid-json"],
      ["a JSON array", [], "invalid-body"],
      ["a missing dsregcmd", { ...sampleUpload(), dsregcmd: undefined }, "invalid-body"],
      ["an unknown field", { ...sampleUpload(), password: "x" }, "invalid-body"],
      ["a bad capturedAt", { ...sampleUpload(), capturedAt: "yesterday" }, "invalid-body"],
      ["prose instead of dsregcmd", { ...sampleUpload(), dsregcmd: "Hi helpdesk, my laptop says I can't access Outlook. Thanks, Jo" }, "invalid-dsregcmd"],
      [
        "ipconfig output instead of dsregcmd",
        { ...sampleUpload(), dsregcmd: "Windows IP Configuration\r\n\r\n   Host Name . . . . . . . . . . . . : PC-0142\r\n" },
        "invalid-dsregcmd",
      ],
      ["a broken SYSTEM capture", { ...sampleUpload(), dsregcmdSystem: "\u0001\u0002\u0003\u0004\u0005\u0006binary" }, "invalid-dsregcmd-system"],
    ])("400 for %s", async (_name, body, code) => {
      const { token: t } = await createTenantWithToken(db);
      const before = await settledCounts();
      const res = await post(body, { token: t });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).code).toBe(code);
      expect(await countRows(db)).toEqual(before);
    });

    it("400 lists every schema problem with its path", async () => {
      const { token: t } = await createTenantWithToken(db);
      const res = await post({ ...sampleUpload(), hostname: "", events: [{ id: -1 }] }, { token: t });
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      const paths = (error.details as { path: string }[]).map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(["hostname", "events.0.id", "events.0.time"]));
    });

    // PostgreSQL's text type cannot hold NUL (the insert failed: a 500), and a lone surrogate has no UTF-8 form.
    it.each([
      ["agentVersion", (u: Upload) => ({ ...u, agentVersion: "1.0\u0000" }), "must not contain NUL"],
      ["osBuild", (u: Upload) => ({ ...u, osBuild: "10.0.26100.1\u0000" }), "must not contain NUL"],
      ["computerDn", (u: Upload) => ({ ...u, computerDn: "CN=PC\u0000,DC=contoso,DC=com" }), "must not contain NUL"],
      ["hostname", (u: Upload) => ({ ...u, hostname: "PC-0142\u0000" }), "must not contain NUL"],
      ["events.0.message", (u: Upload) => withEvent(u, { message: "x\u0000y" }), "must not contain NUL"],
      ["events.0.level", (u: Upload) => withEvent(u, { level: "Error\ud800" }), "unpaired UTF-16 surrogates"],
      ["events.0.task", (u: Upload) => withEvent(u, { task: "\udc00" }), "unpaired UTF-16 surrogates"],
      ["events.0.log", (u: Upload) => withEvent(u, { log: "Microsoft-Windows-AAD/Operational\u0000" }), "must not contain NUL"],
      ["dsregcmd", (u: Upload) => ({ ...u, dsregcmd: u.dsregcmd + "\ud83d" }), "unpaired UTF-16 surrogates"],
      ["dsregcmdSystem", (u: Upload) => ({ ...u, dsregcmdSystem: u.dsregcmd + "\u0000" }), "must not contain NUL"],
    ])("400 naming %s when it holds a NUL or a lone surrogate", async (path, change, reason) => {
      const { token: t } = await createTenantWithToken(db);
      const before = await settledCounts();
      const res = await post(change(sampleUpload({ hostname: "PC-TEXT" })), { token: t });
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe("invalid-body");
      expect(error.details).toContainEqual({ path, message: expect.stringContaining(reason) });
      expect(await countRows(db)).toEqual(before);
    });

    it("400 naming the line limit for a capture of 60,000 short lines, before redaction or parsing", async () => {
      const { token: t } = await createTenantWithToken(db);
      const before = await settledCounts();
      for (const [field, code] of [
        ["dsregcmd", "invalid-dsregcmd"],
        ["dsregcmdSystem", "invalid-dsregcmd-system"],
      ] as const) {
        const res = await post({ ...sampleUpload({ hostname: "PC-LINES" }), [field]: sampleDsregcmd() + "a : b\r\n".repeat(60_000) }, { token: t });
        expect(res.status).toBe(400);
        const error = await errorOf(res);
        expect(error).toMatchObject({ code, details: { reason: "too-many-lines", limit: 1_500 } });
        expect(error.message).toContain("1,500 lines");
      }
      expect(await countRows(db)).toEqual(before);
    });

    it("400 for unknown keys names at most five of them, and how many there were", async () => {
      const { token: t } = await createTenantWithToken(db);
      const extra = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`junk${i}${"x".repeat(i === 0 ? 500 : 0)}`, i]));
      const res = await post({ ...sampleUpload(), ...extra }, { token: t });
      expect(res.status).toBe(400);
      const error = await errorOf(res);
      const detail = (error.details as { path: string; message: string; keys?: string[]; count?: number }[]).find((d) => d.keys);
      expect(detail?.count).toBe(40);
      expect(detail?.keys).toHaveLength(5);
      expect(detail?.message).toMatch(/and 35 more$/);
      expect(JSON.stringify(error).length).toBeLessThan(1_000);
    });

    it("415 for a non-JSON content type", async () => {
      const { token: t } = await createTenantWithToken(db);
      const res = await post(sampleDsregcmd(), { token: t, contentType: "text/plain" });
      expect(res.status).toBe(415);
    });

    it("429 with Retry-After once a token passes its budget", async () => {
      const { token: t } = await createTenantWithToken(db);
      // JOINSCOPE_INGEST_RATE_LIMIT is 5 per minute in the integration tests.
      for (let i = 0; i < 5; i++) {
        const ok = await post(sampleUpload({ hostname: `PC-RATE-${i}` }), { token: t });
        expect(ok.status).toBe(201);
      }
      const before = await settledCounts();
      const res = await post(sampleUpload({ hostname: "PC-RATE-X" }), { token: t });
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await errorOf(res)).toMatchObject({ code: "rate-limited", message: expect.stringMatching(/^Too many uploads for this token; retry in \d+ s$/) });
      expect(await countRows(db)).toEqual(before);
    });
  });
});

describe("tenants that redact user names", () => {
  const post = (body: unknown, init: PostInit = {}) =>
    TRANSPORTS[0]!.send(JSON.stringify(body), { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) });
  it("stores no user name from the report or its events, and the same user maps to the same token", async () => {
    const { token, tenantRef } = await createTenantWithToken(db, { tenantId: "12345678-1234-4234-8234-123456789abc", name: "Redacting" });
    await db.tenant.update({ where: { id: tenantRef }, data: { redactUserNames: true } });
    const upload = sampleUpload({ deleted: true, tenantId: "12345678-1234-4234-8234-123456789abc", hostname: "PC-PRIVATE" });
    const res = await post(upload, { token });
    expect(res.status).toBe(201);
    const { reportId } = (await res.json()) as { reportId: string };
    const row = await db.deviceReport.findUniqueOrThrow({
      where: { id: reportId },
      select: { dsregcmdText: true, parsed: true, textZ: true, events: { select: { message: true } } },
    });
    const text = decodeReportText(row.textZ!);
    const stored = JSON.stringify({ ...row, textZ: text });
    expect(stored).not.toMatch(/jdoe/i);
    const tokens = [...new Set(text.match(/user-[0-9a-f]{6}/g))];
    expect(tokens).toHaveLength(1); // CONTOSO\\jdoe and jdoe@contoso.com are one user
    expect(text).toContain(`CONTOSO\\${tokens[0]}`);
    // A retry of the same upload is still recognised as the same report.
    const again = await post(upload, { token });
    expect(again.status).toBe(200);
  });
});

describe("tenants that redact user names: bounded work", () => {
  const post = (body: unknown, token: string) =>
    TRANSPORTS[0]!.send(JSON.stringify(body), { "content-type": "application/json", authorization: `Bearer ${token}` });

  it("400 naming the limit for 40,000 distinct user names in 400 KB (54 s with the event loop blocked before)", async () => {
    const { token, tenantRef } = await createTenantWithToken(db, { tenantId: "12345678-1234-4234-8234-123456789abd", name: "Redacting 2" });
    await db.tenant.update({ where: { id: tenantRef }, data: { redactUserNames: true } });
    const before = await settledCounts();
    const names = Array.from(
      { length: 400 },
      (_, line) => `    Server Message : ${Array.from({ length: 100 }, (_, i) => `u${(line * 100 + i).toString(36)}@c.io`).join(" ")}`,
    ).join("\r\n");
    const res = await post({ ...sampleUpload({ hostname: "PC-NAMES" }), dsregcmd: `${sampleDsregcmd()}\r\n${names}\r\n` }, token);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: "too-many-user-names", details: { limit: 1_000 } });
    expect(await countRows(db)).toEqual(before);
    // Below the limit the same kind of report is stored, with no name left in it.
    const fewer = names.split("\r\n").slice(0, 9).join("\r\n");
    const ok = await post({ ...sampleUpload({ hostname: "PC-NAMES" }), dsregcmd: `${sampleDsregcmd()}\r\n${fewer}\r\n` }, token);
    expect(ok.status).toBe(201);
    const { reportId } = (await ok.json()) as { reportId: string };
    const row = await db.deviceReport.findUniqueOrThrow({ where: { id: reportId }, select: { textZ: true } });
    expect(decodeReportText(row.textZ!)).not.toMatch(/\bu[0-9a-z]+@c\.io/);
  });
});

describe("the Node fast path's own HTTP handling", () => {
  let server: Server;
  let port = 0;
  beforeAll(
    () =>
      new Promise<void>((resolve) => {
        // As scripts/serve.mjs: what the fast path declines goes on to Next.js (here a 404 that says so).
        server = createServer((req, res) => {
          if (!handleFastPath(req, res)) res.writeHead(404, { "x-declined": "yes" }).end();
        }).listen(0, "127.0.0.1", () => {
          port = (server.address() as AddressInfo).port;
          resolve();
        });
      }),
  );
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  type Answer = { status: number; headers: IncomingHttpHeaders; body: string; reusedSocket: boolean };
  /** One request over node:http (fetch hides Connection); `body` written whole, in `chunks` pieces without a length. */
  function request(init: { method?: string; path?: string; headers?: Record<string, string>; body?: string; chunks?: number; agent?: Agent }): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({
        host: "127.0.0.1",
        port,
        method: init.method ?? "POST",
        path: init.path ?? "/api/v1/reports",
        headers: init.headers,
        agent: init.agent,
      });
      req.on("response", (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body, reusedSocket: req.reusedSocket }));
      });
      req.on("error", reject);
      const body = init.body ?? "";
      const chunks = init.chunks ?? 1;
      const size = Math.ceil(body.length / chunks);
      for (let i = 0; i < body.length; i += size) req.write(body.slice(i, i + size));
      req.end();
    });
  }
  const json = { "content-type": "application/json" };

  it("takes POST /api/v1/reports only (with or without a query string) and declines every other method and path", async () => {
    expect((await request({ method: "GET" })).headers["x-declined"]).toBe("yes");
    expect((await request({ path: "/api/v1/agents/key", headers: json, body: "{}" })).headers["x-declined"]).toBe("yes");
    expect((await request({ path: "/api/v1/reportsX", headers: json, body: "{}" })).headers["x-declined"]).toBe("yes");
    const withQuery = await request({ path: "/api/v1/reports?probe=1", headers: json, body: "{}" });
    expect(withQuery.headers["x-declined"]).toBeUndefined();
    expect(withQuery.status).toBe(401);
  });

  it("answers JSON, never cached, with the request id it was given (at most 64 characters) or a new one", async () => {
    const given = await request({ headers: { ...json, "x-request-id": "r".repeat(100) }, body: "{}" });
    expect(given.status).toBe(401);
    expect(given.headers["content-type"]).toBe("application/json");
    expect(given.headers["cache-control"]).toBe("no-store");
    expect(given.headers["x-request-id"]).toBe("r".repeat(64));
    expect((JSON.parse(given.body) as { error: { requestId: string } }).error.requestId).toBe("r".repeat(64));
    const fresh = await request({ headers: json, body: "{}" });
    expect(fresh.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps the connection of an answer whose body was read, and closes one refused before its body arrived", async () => {
    const { token } = await createTenantWithToken(db);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const headers = { ...json, authorization: `Bearer ${token}` };
      const first = await request({ headers, body: JSON.stringify(sampleUpload({ hostname: "PC-KEEP-1" })), agent });
      expect(first.status).toBe(201);
      expect(first.headers.connection).toBe("keep-alive");
      const second = await request({ headers, body: JSON.stringify(sampleUpload({ hostname: "PC-KEEP-2" })), agent });
      expect(second.status).toBe(201);
      expect(second.reusedSocket).toBe(true);
    } finally {
      agent.destroy();
    }
    // 2 MiB declared, nothing sent: refused (413) from the declared length at once, without waiting for the body. A
    // token that has sent nothing yet: the first one's byte budget would refuse such a length (429) before that.
    const fresh = await createTenantWithToken(db);
    const refused = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/v1/reports",
        headers: { ...json, authorization: `Bearer ${fresh.token}`, "content-length": String(2 * 1024 * 1024) },
      });
      const timer = setTimeout(() => reject(new Error("no answer within 10 s: the body was waited for")), 10_000);
      req.on("response", (res) => {
        clearTimeout(timer);
        resolve({ status: res.statusCode!, connection: res.headers.connection });
        req.destroy();
      });
      req.on("error", () => undefined);
      req.flushHeaders();
    });
    expect(refused).toEqual({ status: 413, connection: "close" });
  });

  it("reads a body of exactly JOINSCOPE_INGEST_MAX_BYTES without a declared length, and refuses one byte more", async () => {
    const max = 1024 * 1024; // the integration tests' limit ("413 when Content-Length declares more than 1 MiB")
    const { token } = await createTenantWithToken(db);
    const upload = JSON.stringify(sampleUpload({ hostname: "PC-EXACT" }));
    const headers = { ...json, authorization: `Bearer ${token}` };
    const exact = await request({ headers, body: upload + " ".repeat(max - Buffer.byteLength(upload)), chunks: 16 });
    expect(exact.status).toBe(201);
    // Another token: the first has spent its byte budget's slice (JOINSCOPE_INGEST_BYTES_PER_MINUTE) on that body.
    const other = await createTenantWithToken(db);
    const over = await request({
      headers: { ...json, authorization: `Bearer ${other.token}` },
      body: upload + " ".repeat(max + 1 - Buffer.byteLength(upload)),
      chunks: 16,
    });
    expect(over.status).toBe(413);
  });
});
