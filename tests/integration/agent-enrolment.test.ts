/**
 * Decision 011 over HTTP: agents enrol with a secret (`jsa_…`), upload with a key of their own (`jsd_…`) bound to the
 * hostname they enrolled with, rotate it on the server's word, and every refusal the decision lists. The uploads run
 * on both servers of the endpoint (the production fast path and the Next.js route handler). Its own file: the limits
 * are set small here, before the modules that read the configuration load, and the limiters live in the process.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleUpload } from "../setup/sample-reports";

process.env.JOINSCOPE_MAX_AGENT_DEVICES = "4";
process.env.JOINSCOPE_ENROL_RATE_LIMIT = "6";
// Failed authentications are part of what this file tests: its own budget test is in upload-auth-failures.test.ts.
process.env.JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT = "1000";

const { db } = await import("@/lib/db/client");
const { flushFindingsQueue } = await import("@/lib/findings/findings-scheduler");
const { revokeAgentToken } = await import("@/lib/agent-tokens/revoke-agent-token");
const { requireTokenEnrolment } = await import("@/lib/agent-tokens/require-token-enrolment");
const { revokeAgentDevice } = await import("@/lib/agent-devices/revoke-agent-device");
const { requestDeviceKeyRotation } = await import("@/lib/agent-devices/request-device-key-rotation");
const { allowDeviceReEnrolment } = await import("@/lib/agent-devices/allow-device-re-enrolment");
const { hashAgentSecret } = await import("@/lib/agent-devices/device-key-format");
const { countRows, createTenantWithToken } = await import("../setup/factories");
const { startAgentApiServer } = await import("../setup/agent-api-server");

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
interface Enrolled {
  agentId: string;
  deviceKey: string;
  hostname: string;
}

/** Row counts once the findings evaluation queued by earlier uploads has run (it writes findings in the background). */
async function settledCounts() {
  await flushFindingsQueue();
  return countRows(db);
}

const newMachineKey = () => randomBytes(32).toString("base64url");

/** A tenant of its own (the device limit is per tenant) and an enrolment-only secret for it. */
async function newSecret(options: { allowsDirectUpload?: boolean } = {}) {
  return createTenantWithToken(db, {
    tenantId: randomUUID(),
    name: `Tenant ${randomUUID().slice(0, 6)}`,
    allowsDirectUpload: options.allowsDirectUpload ?? false,
  });
}

describe.each(["fast-path", "route"] as const)("agents enrol and upload with device keys (reports through the %s)", (reports) => {
  let base = "";
  let close: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ url: base, close } = await startAgentApiServer({ reports }));
  });
  afterAll(() => close());

  const post = (path: string, credential: string | null, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const enrol = (secret: string, body: Record<string, unknown>) => post("/api/v1/agents/enrol", secret, body);
  const rotate = (key: string, machineKey: string) => post("/api/v1/agents/key", key, { machineKey });
  // Each upload a later capture than the last (distinct content): an earlier capture of a state already stored is
  // counted in that report's run and answered 200 as a duplicate (decision 013), which made a random time flaky.
  let captures = 0;
  const upload = (credential: string, hostname: string, extra: { capturedAt?: string } = {}) =>
    post(
      "/api/v1/reports",
      credential,
      sampleUpload({ hostname, capturedAt: extra.capturedAt ?? new Date(Date.now() - 86_400_000 + ++captures * 1000).toISOString() }),
    );
  const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;

  /** Enrols a new machine; returns its answer and the machine key it holds. */
  async function enrolNew(secret: string, hostname: string, deviceId: string | null = randomUUID()) {
    const machineKey = newMachineKey();
    const res = await enrol(secret, { hostname, deviceId, agentVersion: "2.0.0", machineKey });
    expect(res.status, await res.clone().text()).toBe(201);
    return { ...((await res.json()) as Enrolled), machineKey };
  }

  it("enrols a new machine (201), stores only hashes, and its key uploads reports for its hostname", async () => {
    const { token, tokenId, tenantRef } = await newSecret();
    const deviceId = randomUUID().toUpperCase();
    const machineKey = newMachineKey();
    const res = await enrol(token, { hostname: "PC-0142", deviceId: `{${deviceId}}`, agentVersion: "2.0.0", machineKey });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const enrolled = (await res.json()) as Enrolled;
    expect(enrolled).toEqual({
      agentId: expect.any(String),
      deviceKey: expect.stringMatching(/^jsd_[A-Za-z0-9_-]{43}$/),
      hostname: "PC-0142",
      // No proof sent (decision 042; tests/integration/agent-device-proof.test.ts): enrolled, not proven.
      deviceProof: { verified: false, reason: "no-proof", message: "The enrolment carried no device proof." },
    });

    const row = await db.agentDevice.findUniqueOrThrow({ where: { id: enrolled.agentId } });
    expect(row).toMatchObject({
      tenantRef,
      enrolledViaTokenRef: tokenId,
      hostname: "PC-0142",
      deviceId: deviceId.toLowerCase(),
      agentVersion: "2.0.0",
      machineKeyHash: hashAgentSecret(machineKey),
      keyHash: hashAgentSecret(enrolled.deviceKey),
      keyPrefix: enrolled.deviceKey.slice(0, 10),
      enrolledFromAddress: "127.0.0.1",
      revokedAt: null,
    });
    expect(JSON.stringify(row)).not.toContain(enrolled.deviceKey);
    expect(JSON.stringify(row)).not.toContain(machineKey);
    expect((await db.agentToken.findUniqueOrThrow({ where: { id: tokenId } })).lastUsedAt).not.toBeNull();

    // The hostname is compared case-insensitively.
    const stored = await upload(enrolled.deviceKey, "pc-0142");
    expect(stored.status).toBe(201);
    const body = (await stored.json()) as { reportId: string; keyRotation?: string };
    expect(body).not.toHaveProperty("keyRotation");
    const report = await db.deviceReport.findUniqueOrThrow({
      where: { id: body.reportId },
      select: { agentDeviceRef: true, agentTokenRef: true, tenantRef: true },
    });
    expect(report).toEqual({ agentDeviceRef: enrolled.agentId, agentTokenRef: null, tenantRef });
    expect((await db.agentDevice.findUniqueOrThrow({ where: { id: enrolled.agentId } })).lastSeenAt).not.toBeNull();
  });

  it("re-enrols the same machine key (200): the same device, a fresh key, the old one refused as invalid-key at once", async () => {
    const { token } = await newSecret();
    const first = await enrolNew(token, "PC-REENROL");
    const rotated = await rotate(first.deviceKey, first.machineKey);
    expect(rotated.status).toBe(200);
    const { deviceKey: second } = (await rotated.json()) as { deviceKey: string };

    const again = await enrol(token, { hostname: "PC-REENROL-NEW", deviceId: null, agentVersion: "2.0.1", machineKey: first.machineKey });
    expect(again.status).toBe(200);
    const body = (await again.json()) as Enrolled;
    expect(body.agentId).toBe(first.agentId);
    expect(body.hostname).toBe("PC-REENROL-NEW");
    expect(body.deviceKey).not.toBe(first.deviceKey);
    expect(await db.agentDevice.count({ where: { id: first.agentId } })).toBe(1);
    expect(await db.agentDevice.findUniqueOrThrow({ where: { id: first.agentId } })).toMatchObject({
      hostname: "PC-REENROL-NEW",
      deviceId: null,
      agentVersion: "2.0.1",
    });

    // Both earlier keys, the current one and the previous one still in its grace, are invalid at once.
    for (const old of [first.deviceKey, second]) {
      const refused = await upload(old, "PC-REENROL-NEW");
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toContain("Bearer");
      expect((await errorOf(refused)).code).toBe("invalid-key");
    }
    expect((await upload(body.deviceKey, "PC-REENROL-NEW")).status).toBe(201);
  });

  it("enrolments of one new machine at once make one device: one 201, the rest re-enrolments, and only the last key issued works", async () => {
    const { token } = await newSecret();
    const machineKey = newMachineKey();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => enrol(token, { hostname: "PC-RACE", deviceId: null, agentVersion: "2.0.0", machineKey })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as Enrolled[];
    expect(new Set(bodies.map((b) => b.agentId)).size).toBe(1);
    expect(await db.agentDevice.count({ where: { machineKeyHash: hashAgentSecret(machineKey) } })).toBe(1);
    const statuses = await Promise.all(bodies.map(async (b) => (await upload(b.deviceKey, "PC-RACE")).status));
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
  });

  it("a revoked device is refused (401 device-revoked on upload and rotation, 403 on enrolment) until an admin allows it to re-enrol", async () => {
    const { token } = await newSecret();
    const device = await enrolNew(token, "PC-REVOKED");
    const other = await enrolNew(token, "PC-NEIGHBOUR");
    expect(await revokeAgentDevice(db, { id: device.agentId, actor: "admin@test" })).toEqual({ ok: true, changed: true });

    const before = await settledCounts();
    const refused = await upload(device.deviceKey, "PC-REVOKED");
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toBe("device-revoked");
    const rotation = await rotate(device.deviceKey, device.machineKey);
    expect(rotation.status).toBe(401);
    expect((await errorOf(rotation)).code).toBe("device-revoked");
    const reEnrol = await enrol(token, { hostname: "PC-REVOKED", deviceId: null, agentVersion: "2.0.0", machineKey: device.machineKey });
    expect(reEnrol.status).toBe(403);
    expect((await errorOf(reEnrol)).code).toBe("device-revoked");
    expect(await settledCounts()).toEqual(before);
    // The device next to it goes on.
    expect((await upload(other.deviceKey, "PC-NEIGHBOUR")).status).toBe(201);

    expect(await allowDeviceReEnrolment(db, { id: device.agentId, actor: "admin@test" })).toEqual({ ok: true, changed: true });
    // Allowed: the old key reads as unknown, which is what makes the agent enrol again with its machine key.
    const unknown = await upload(device.deviceKey, "PC-REVOKED");
    expect(unknown.status).toBe(401);
    expect((await errorOf(unknown)).code).toBe("invalid-key");
    const allowed = await enrol(token, { hostname: "PC-REVOKED", deviceId: null, agentVersion: "2.0.0", machineKey: device.machineKey });
    expect(allowed.status).toBe(200);
    const { agentId, deviceKey } = (await allowed.json()) as Enrolled;
    expect(agentId).toBe(device.agentId);
    expect((await upload(deviceKey, "PC-REVOKED")).status).toBe(201);
    expect(await db.agentDevice.findUniqueOrThrow({ where: { id: agentId } })).toMatchObject({ revokedAt: null, reEnrolAllowedAt: null });
    const audit = await db.auditLog.findMany({ where: { target: agentId }, orderBy: { at: "asc" }, select: { action: true, actor: true } });
    expect(audit).toEqual([
      { action: "agent-device.revoke", actor: "admin@test" },
      { action: "agent-device.allow-re-enrolment", actor: "admin@test" },
    ]);
  });

  it("a revoked secret enrols no more (401 revoked-token) while the devices enrolled through it keep uploading and rotating", async () => {
    const { token, tokenId } = await newSecret();
    const device = await enrolNew(token, "PC-SECRET-GONE");
    await revokeAgentToken(db, { id: tokenId, actor: "admin@test" });

    const refused = await enrol(token, { hostname: "PC-NEW", deviceId: null, agentVersion: "2.0.0", machineKey: newMachineKey() });
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toBe("revoked-token");
    expect((await upload(device.deviceKey, "PC-SECRET-GONE")).status).toBe(201);
    const rotated = await rotate(device.deviceKey, device.machineKey);
    expect(rotated.status).toBe(200);
    expect((await upload(((await rotated.json()) as { deviceKey: string }).deviceKey, "PC-SECRET-GONE")).status).toBe(201);
  });

  it("403 hostname-mismatch for a report about another host; nothing is stored", async () => {
    const { token } = await newSecret();
    const device = await enrolNew(token, "PC-0001");
    const before = await settledCounts();
    const res = await upload(device.deviceKey, "PC-0002");
    expect(res.status).toBe(403);
    const error = await errorOf(res);
    expect(error.code).toBe("hostname-mismatch");
    expect(error.message).toContain("PC-0001");
    expect(await settledCounts()).toEqual(before);
  });

  it("401 invalid-key for a well-formed device key that was never issued, invalid-token for a credential of neither format, missing-token without one", async () => {
    const never = `jsd_${randomBytes(32).toString("base64url")}`;
    for (const [credential, code] of [
      [never, "invalid-key"],
      ["jsd_short", "invalid-token"],
      [null, "missing-token"],
    ] as const) {
      const res = await upload(credential as string, "PC-0142");
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe(code);
    }
    const rotation = await rotate(never, newMachineKey());
    expect(rotation.status).toBe(401);
    expect((await errorOf(rotation)).code).toBe("invalid-key");
    // An enrolment secret is not a device key.
    const { token } = await newSecret();
    const withSecret = await rotate(token, newMachineKey());
    expect(withSecret.status).toBe(401);
    expect((await errorOf(withSecret)).code).toBe("invalid-key");
    // A device key is not an enrolment secret.
    const device = await enrolNew(token, "PC-KEY-AS-SECRET");
    const enrolWithKey = await enrol(device.deviceKey, { hostname: "PC-X", deviceId: null, agentVersion: "2.0.0", machineKey: newMachineKey() });
    expect(enrolWithKey.status).toBe(401);
    expect((await errorOf(enrolWithKey)).code).toBe("invalid-token");
  });

  it("rotates a key: the new key uploads, the previous one stays valid for its grace (answered keyRotation due), then is refused", async () => {
    const { token } = await newSecret();
    const device = await enrolNew(token, "PC-ROTATE");
    const res = await rotate(device.deviceKey, device.machineKey);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("no-store");
    const rotated = (await res.json()) as { agentId: string; deviceKey: string };
    expect(rotated).toEqual({ agentId: device.agentId, deviceKey: expect.stringMatching(/^jsd_[A-Za-z0-9_-]{43}$/) });
    expect(rotated.deviceKey).not.toBe(device.deviceKey);

    const withNew = await upload(rotated.deviceKey, "PC-ROTATE");
    expect(withNew.status).toBe(201);
    expect(await withNew.json()).not.toHaveProperty("keyRotation");
    // The answer to the rotation was lost: the agent still holds the previous key, which works and says rotate again.
    const withPrevious = await upload(device.deviceKey, "PC-ROTATE");
    expect(withPrevious.status).toBe(201);
    expect(((await withPrevious.json()) as { keyRotation?: string }).keyRotation).toBe("due");
    const fromPrevious = await rotate(device.deviceKey, device.machineKey);
    expect(fromPrevious.status).toBe(200);
    const third = ((await fromPrevious.json()) as { deviceKey: string }).deviceKey;
    // The key issued by the first rotation was never used by the agent: it is gone; the presented one is the previous.
    expect((await errorOf(await upload(rotated.deviceKey, "PC-ROTATE"))).code).toBe("invalid-key");

    // When the grace ends, the previous key is refused.
    await db.agentDevice.update({ where: { id: device.agentId }, data: { previousKeyExpiresAt: new Date(Date.now() - 1000) } });
    const expired = await upload(device.deviceKey, "PC-ROTATE");
    expect(expired.status).toBe(401);
    expect((await errorOf(expired)).code).toBe("invalid-key");
    expect((await upload(third, "PC-ROTATE")).status).toBe(201);
  });

  it("403 machine-key-mismatch: a device key alone cannot rotate itself away from its machine; the keys stay as they were", async () => {
    const { token } = await newSecret();
    const device = await enrolNew(token, "PC-STOLEN");
    const before = await db.agentDevice.findUniqueOrThrow({ where: { id: device.agentId }, select: { keyHash: true, previousKeyHash: true } });
    const res = await rotate(device.deviceKey, newMachineKey());
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("machine-key-mismatch");
    expect(await db.agentDevice.findUniqueOrThrow({ where: { id: device.agentId }, select: { keyHash: true, previousKeyHash: true } })).toEqual(before);
    expect((await upload(device.deviceKey, "PC-STOLEN")).status).toBe(201);
  });

  it("answers keyRotation due when an admin asked for a new key or the key is older than the maximum age, until the device rotates", async () => {
    const { token } = await newSecret();
    const device = await enrolNew(token, "PC-DUE");
    expect(await requestDeviceKeyRotation(db, { id: device.agentId, actor: "admin@test" })).toEqual({ ok: true, changed: true });
    const asked = await upload(device.deviceKey, "PC-DUE");
    expect(((await asked.json()) as { keyRotation?: string }).keyRotation).toBe("due");
    const { deviceKey } = (await (await rotate(device.deviceKey, device.machineKey)).json()) as { deviceKey: string };
    expect(await (await upload(deviceKey, "PC-DUE")).json()).not.toHaveProperty("keyRotation");
    expect(await db.agentDevice.findUniqueOrThrow({ where: { id: device.agentId }, select: { rotateRequestedAt: true } })).toEqual({ rotateRequestedAt: null });

    // 31 days later (JOINSCOPE_AGENT_KEY_MAX_AGE_DAYS is 30).
    await db.agentDevice.update({ where: { id: device.agentId }, data: { keyIssuedAt: new Date(Date.now() - 31 * 86_400_000) } });
    const old = await upload(deviceKey, "PC-DUE");
    expect(old.status).toBe(201);
    expect(((await old.json()) as { keyRotation?: string }).keyRotation).toBe("due");
  });

  it("a token from before enrolment uploads directly until an admin requires enrolment (401 enrolment-required); it still enrols", async () => {
    const legacy = await newSecret({ allowsDirectUpload: true });
    expect((await upload(legacy.token, "PC-V1")).status).toBe(201);
    expect(await requireTokenEnrolment(db, { id: legacy.tokenId, actor: "admin@test" })).toEqual({ ok: true, alreadyRequired: false });
    const before = await settledCounts();
    const refused = await upload(legacy.token, "PC-V1");
    expect(refused.status).toBe(401);
    const error = await errorOf(refused);
    expect(error.code).toBe("enrolment-required");
    expect(error.message).toMatch(/update the agent/i);
    expect(await settledCounts()).toEqual(before);
    const device = await enrolNew(legacy.token, "PC-V1");
    expect((await upload(device.deviceKey, "PC-V1")).status).toBe(201);

    // A secret created now is enrolment-only.
    const fresh = await newSecret();
    const direct = await upload(fresh.token, "PC-V1-NEW");
    expect(direct.status).toBe(401);
    expect((await errorOf(direct)).code).toBe("enrolment-required");
  });

  it("limits uploads per device: one device over its budget gets 429 with Retry-After, another of the same secret goes on", async () => {
    const { token } = await newSecret();
    const busy = await enrolNew(token, "PC-BUSY");
    const quiet = await enrolNew(token, "PC-QUIET");
    // JOINSCOPE_INGEST_RATE_LIMIT is 5 in the integration suite (tests/setup/per-file-database.ts).
    // Each a later capture than the one before (an earlier one of the same state is counted in its run, 200: decision 013).
    const start = Date.now() - 3_600_000;
    for (let i = 0; i < 5; i++) expect((await upload(busy.deviceKey, "PC-BUSY", { capturedAt: new Date(start + i * 60_000).toISOString() })).status).toBe(201);
    const limited = await upload(busy.deviceKey, "PC-BUSY");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await errorOf(limited)).code).toBe("rate-limited");
    expect((await upload(quiet.deviceKey, "PC-QUIET")).status).toBe(201);
  });

  it("refuses oversize, non-JSON, malformed and unknown-field bodies on enrolment and rotation (413, 415, 400), storing nothing", async () => {
    const { token, tenantRef } = await newSecret();
    const { tenantId } = await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { tenantId: true } });
    // Each refused enrolment still spends one of its secret's enrolments (JOINSCOPE_ENROL_RATE_LIMIT is 6 here).
    const [s1, s2] = await Promise.all([1, 2].map(async () => (await createTenantWithToken(db, { tenantId, allowsDirectUpload: false })).token));
    const device = await enrolNew(token, "PC-BODIES");
    const valid = { hostname: "PC-BODIES-2", deviceId: null, agentVersion: "2.0.0", machineKey: newMachineKey() };
    const before = await settledCounts();
    const cases: [string, string, unknown, Record<string, string>, number, string][] = [
      ["/api/v1/agents/enrol", token, { ...valid, agentVersion: "x".repeat(9000) }, {}, 413, "payload-too-large"],
      ["/api/v1/agents/enrol", token, valid, { "content-type": "text/plain" }, 415, "unsupported-media-type"],
      ["/api/v1/agents/enrol", token, "{not json", {}, 400, "invalid-json"],
      ["/api/v1/agents/enrol", token, { ...valid, password: "x" }, {}, 400, "invalid-body"],
      ["/api/v1/agents/enrol", s1!, { ...valid, machineKey: "short" }, {}, 400, "invalid-body"],
      ["/api/v1/agents/enrol", s1!, { ...valid, hostname: "PC 01; rm" }, {}, 400, "invalid-body"],
      ["/api/v1/agents/enrol", s1!, { ...valid, deviceId: "not-a-guid" }, {}, 400, "invalid-body"],
      ["/api/v1/agents/key", device.deviceKey, { machineKey: device.machineKey, pad: "x".repeat(9000) }, {}, 413, "payload-too-large"],
      [
        "/api/v1/agents/key",
        device.deviceKey,
        { machineKey: device.machineKey },
        { "content-type": "application/x-www-form-urlencoded" },
        415,
        "unsupported-media-type",
      ],
      ["/api/v1/agents/key", device.deviceKey, "[]", {}, 400, "invalid-body"],
      ["/api/v1/agents/key", device.deviceKey, { machineKey: device.machineKey, hostname: "PC-X" }, {}, 400, "invalid-body"],
    ];
    for (const [path, credential, body, headers, status, code] of cases) {
      const res = await post(path, credential, body, headers);
      expect(res.status, `${path} ${code}`).toBe(status);
      expect((await errorOf(res)).code, `${path} ${status}`).toBe(code);
    }
    const unknownKey = await post("/api/v1/agents/enrol", s1!, { ...valid, password: "x" });
    expect(((await errorOf(unknownKey)).details as { message: string }[])[0]!.message).toContain('"password"');
    // A body without a declared length is cut off at 8 KiB too.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ ...valid, agentVersion: "y".repeat(10000) })));
        controller.close();
      },
    });
    const chunked = await fetch(`${base}/api/v1/agents/enrol`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${s2}` },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await settledCounts()).toEqual(before);
    expect(await db.agentDevice.findUniqueOrThrow({ where: { id: device.agentId }, select: { keyHash: true } })).toEqual({
      keyHash: hashAgentSecret(device.deviceKey),
    });
  });

  it("403 enrolment-limit once the tenant has JOINSCOPE_MAX_AGENT_DEVICES devices (revoked ones count); a known machine still re-enrols", async () => {
    const first = await newSecret();
    const { tenantId } = await db.tenant.findUniqueOrThrow({ where: { id: first.tenantRef }, select: { tenantId: true } });
    const second = await createTenantWithToken(db, { tenantId, allowsDirectUpload: false });
    const devices = [];
    for (let i = 0; i < 3; i++) devices.push(await enrolNew(first.token, `PC-CAP-${i}`));
    await revokeAgentDevice(db, { id: devices[0]!.agentId, actor: "admin@test" });
    devices.push(await enrolNew(second.token, "PC-CAP-3"));
    const before = await settledCounts();
    const refused = await enrol(second.token, { hostname: "PC-CAP-4", deviceId: null, agentVersion: "2.0.0", machineKey: newMachineKey() });
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe("enrolment-limit");
    expect(await settledCounts()).toEqual(before);
    const reEnrol = await enrol(first.token, { hostname: "PC-CAP-1", deviceId: null, agentVersion: "2.0.0", machineKey: devices[1]!.machineKey });
    expect(reEnrol.status).toBe(200);
    // Another tenant has its own limit.
    await enrolNew((await newSecret()).token, "PC-CAP-OTHER");
  });

  it("429 with Retry-After past JOINSCOPE_ENROL_RATE_LIMIT enrolments a minute through one secret; another secret goes on", async () => {
    const { token, tenantRef } = await newSecret();
    const { tenantId } = await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { tenantId: true } });
    const machine = newMachineKey();
    // Re-enrolments of one machine (the tenant's device limit is 4): six go through.
    for (let i = 0; i < 6; i++) {
      const res = await enrol(token, { hostname: "PC-RATE", deviceId: null, agentVersion: "2.0.0", machineKey: machine });
      expect(res.status).toBe(i === 0 ? 201 : 200);
    }
    const limited = await enrol(token, { hostname: "PC-RATE", deviceId: null, agentVersion: "2.0.0", machineKey: machine });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await errorOf(limited)).code).toBe("rate-limited");
    const other = await createTenantWithToken(db, { tenantId, allowsDirectUpload: false });
    expect((await enrol(other.token, { hostname: "PC-RATE", deviceId: null, agentVersion: "2.0.0", machineKey: machine })).status).toBe(200);
  });

  afterAll(() => flushFindingsQueue());
});
