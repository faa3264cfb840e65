/**
 * Decision 042 over HTTP: an agent proves its machine's Entra ID identity at enrolment by signing with the device
 * certificate whose thumbprint the synced device object holds. A proven enrolment holds its hostname and registration
 * id: another enrolment through the same (leaked) secret cannot take the hostname, nor upload reports that claim the
 * id; a proven re-enrolment of a re-imaged machine replaces the old one. Unproven enrolments work as before.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDeviceCertificate, signDeviceProof, x509AlternativeSecurityId, type TestDeviceCertificate } from "../setup/device-certificate";
import { sampleUpload } from "../setup/sample-reports";

process.env.JOINSCOPE_INGEST_AUTH_FAILURE_LIMIT = "1000";

const { db } = await import("@/lib/db/client");
const { flushFindingsQueue } = await import("@/lib/findings/findings-scheduler");
const { countRows, createTenantWithToken } = await import("../setup/factories");
const { startAgentApiServer } = await import("../setup/agent-api-server");
const { listAgentDevices } = await import("@/lib/agent-devices/list-agent-devices");
const { DEFAULT_AGENT_DEVICE_LIST_PARAMS } = await import("@/lib/url-params/agent-device-list-params");

interface EnrolAnswer {
  agentId: string;
  deviceKey: string;
  hostname: string;
  deviceProof: { verified: boolean; reason?: string; message?: string; thumbprint?: string };
  superseded?: number;
}

const newMachineKey = () => randomBytes(32).toString("base64url");

let base = "";
let close: () => Promise<void> = async () => undefined;
let cert: TestDeviceCertificate;
let reimaged: TestDeviceCertificate;
let stranger: TestDeviceCertificate;
const deviceId = randomUUID();

beforeAll(async () => {
  ({ url: base, close } = await startAgentApiServer({ reports: "fast-path" }));
  [cert, reimaged, stranger] = await Promise.all([makeDeviceCertificate(deviceId), makeDeviceCertificate(deviceId), makeDeviceCertificate(deviceId)]);
}, 60_000);
afterAll(() => close());

const post = (path: string, credential: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${credential}` },
    body: JSON.stringify(body),
  });

let captures = 0;
const upload = (key: string, hostname: string, reportDeviceId: string) =>
  post(
    "/api/v1/reports",
    key,
    sampleUpload({ hostname, deviceId: reportDeviceId, capturedAt: new Date(Date.now() - 86_400_000 + ++captures * 1000).toISOString() }),
  );

/** A tenant whose synced directory holds `PC-PROOF` (registration id `deviceId`) with the given certificates' thumbprints. */
async function tenantWithDevice(thumbprints: string[], object: { displayName?: string; accountEnabled?: boolean; deleted?: boolean } = {}) {
  const tenant = await createTenantWithToken(db, { tenantId: randomUUID(), name: `Proof ${randomUUID().slice(0, 6)}`, allowsDirectUpload: false });
  await db.directoryDevice.create({
    data: {
      tenantRef: tenant.tenantRef,
      objectId: randomUUID(),
      deviceId,
      displayName: object.displayName ?? "PC-PROOF",
      accountEnabled: object.accountEnabled ?? true,
      trustType: "ServerAd",
      alternativeSecurityIds: thumbprints.map(x509AlternativeSecurityId),
      thumbprint: thumbprints[0] ?? null,
      deletedAt: object.deleted ? new Date() : null,
      otherProperties: {},
    },
  });
  return tenant;
}

async function enrol(secret: string, body: { hostname: string; deviceId: string | null; machineKey?: string; proofWith?: TestDeviceCertificate }) {
  const machineKey = body.machineKey ?? newMachineKey();
  const request = { hostname: body.hostname, deviceId: body.deviceId, agentVersion: "3.0.0", machineKey };
  const deviceProof = body.proofWith ? signDeviceProof(body.proofWith, request) : undefined;
  const res = await post("/api/v1/agents/enrol", secret, { ...request, ...(deviceProof ? { deviceProof } : {}) });
  const json = (await res.json()) as EnrolAnswer & { error?: { code: string; message: string } };
  return { status: res.status, body: json, machineKey };
}

async function settledCounts() {
  await flushFindingsQueue();
  return countRows(db);
}

describe("device proof at enrolment (decision 042)", () => {
  it("a valid proof is verified and stored; the proven hostname and id then refuse an unproven enrolment and its reports", async () => {
    const { token, tenantRef } = await tenantWithDevice([cert.thumbprint]);
    // Until an enrolment of the tenant proves its identity, uploads read no proven ids (decision 041); from then on they do.
    const flag = async () => (await db.tenant.findUniqueOrThrow({ where: { id: tenantRef }, select: { hasProvenEnrolment: true } })).hasProvenEnrolment;
    expect(await flag()).toBe(false);
    const proven = await enrol(token, { hostname: "PC-PROOF", deviceId, proofWith: cert });
    expect(proven.status).toBe(201);
    expect(proven.body.deviceProof).toEqual({ verified: true, thumbprint: cert.thumbprint });
    expect(await flag()).toBe(true);
    const row = await db.agentDevice.findUniqueOrThrow({ where: { id: proven.body.agentId } });
    expect(row).toMatchObject({ provenDeviceId: deviceId, proofThumbprint: cert.thumbprint, revokedAt: null });
    expect(row.proofVerifiedAt).not.toBeNull();

    // The proven machine's own reports are stored.
    expect((await upload(proven.body.deviceKey, "PC-PROOF", deviceId)).status).toBe(201);

    // Whoever else holds the secret cannot enrol the same hostname without a proof (any case)...
    const before = await settledCounts();
    for (const hostname of ["PC-PROOF", "pc-proof"]) {
      const taken = await enrol(token, { hostname, deviceId: null });
      expect(taken.status, hostname).toBe(403);
      expect(taken.body.error?.code).toBe("device-identity-held");
    }
    // ...nor claim the proven registration id under another hostname.
    const claimed = await enrol(token, { hostname: "PC-OTHER", deviceId });
    expect(claimed.status).toBe(403);
    expect(claimed.body.error?.code).toBe("device-identity-held");
    expect(await settledCounts()).toEqual(before);

    // An unproven enrolment of another name is allowed, but its reports may not claim the proven id.
    const other = await enrol(token, { hostname: "PC-EVIL", deviceId: null });
    expect(other.status).toBe(201);
    expect(other.body.deviceProof).toMatchObject({ verified: false, reason: "no-proof" });
    const afterEnrol = await settledCounts();
    const forged = await upload(other.body.deviceKey, "PC-EVIL", deviceId);
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("device-identity-held");
    expect(await settledCounts()).toEqual(afterEnrol);
    // Its reports of another id are stored as before.
    expect((await upload(other.body.deviceKey, "PC-EVIL", randomUUID())).status).toBe(201);

    // The proven key speaks only for its own registration id.
    const elsewhere = await upload(proven.body.deviceKey, "PC-PROOF", randomUUID());
    expect(elsewhere.status).toBe(403);
    expect(((await elsewhere.json()) as { error: { code: string } }).error.code).toBe("device-id-mismatch");
  });

  it("the same installation re-enrolling without a proof keeps its proven identity; naming another id drops it", async () => {
    const { token } = await tenantWithDevice([cert.thumbprint]);
    const first = await enrol(token, { hostname: "PC-PROOF", deviceId, proofWith: cert });
    expect(first.status).toBe(201);
    const again = await enrol(token, { hostname: "PC-PROOF", deviceId, machineKey: first.machineKey });
    expect(again.status).toBe(200);
    expect(await db.agentDevice.findUniqueOrThrow({ where: { id: first.body.agentId } })).toMatchObject({ provenDeviceId: deviceId });
    const rejoined = await enrol(token, { hostname: "PC-PROOF", deviceId: randomUUID(), machineKey: first.machineKey });
    expect(rejoined.status).toBe(200);
    expect(await db.agentDevice.findUniqueOrThrow({ where: { id: first.body.agentId } })).toMatchObject({ provenDeviceId: null, proofThumbprint: null });
  });

  it("a proven enrolment of a re-imaged machine replaces every other enrolment of its hostname; their keys stop working", async () => {
    const { token } = await tenantWithDevice([cert.thumbprint]);
    const old = await enrol(token, { hostname: "PC-PROOF", deviceId, proofWith: cert });
    const unproven = await enrol(token, { hostname: "PC-PROOF-2", deviceId: null });
    expect([old.status, unproven.status]).toEqual([201, 201]);
    // Re-imaged: a new certificate registered on the object, a new installation.
    await db.directoryDevice.updateMany({
      where: { deviceId, tenant: { agentTokens: { some: {} } }, thumbprint: cert.thumbprint },
      data: { thumbprint: reimaged.thumbprint, alternativeSecurityIds: [x509AlternativeSecurityId(reimaged.thumbprint)] },
    });
    const fresh = await enrol(token, { hostname: "PC-PROOF", deviceId, proofWith: reimaged });
    expect(fresh.status).toBe(201);
    expect(fresh.body).toMatchObject({ deviceProof: { verified: true, thumbprint: reimaged.thumbprint }, superseded: 1 });
    const oldRow = await db.agentDevice.findUniqueOrThrow({ where: { id: old.body.agentId } });
    expect(oldRow.revokedAt).not.toBeNull();
    expect(oldRow.revokedBy).toBe(`superseded by agent ${fresh.body.agentId} (device proof)`);
    expect((await upload(old.body.deviceKey, "PC-PROOF", deviceId)).status).toBe(401);
    // The Agents page shows which enrolment is proven and which one it replaced.
    const listed = await listAgentDevices(db, { tenantRef: oldRow.tenantRef, params: DEFAULT_AGENT_DEVICE_LIST_PARAMS });
    const byId = new Map(listed.rows.map((r) => [r.id, r]));
    expect(byId.get(fresh.body.agentId)?.proof).toEqual({ thumbprint: reimaged.thumbprint, verifiedAt: expect.any(String) });
    expect(byId.get(old.body.agentId)).toMatchObject({ status: "revoked", revokedBy: oldRow.revokedBy });
    expect(byId.get(unproven.body.agentId)?.proof).toBeNull();
    // Another hostname's enrolment is not touched.
    expect((await db.agentDevice.findUniqueOrThrow({ where: { id: unproven.body.agentId } })).revokedAt).toBeNull();
    expect((await upload(fresh.body.deviceKey, "PC-PROOF", deviceId)).status).toBe(201);
  });

  it.each([
    ["a certificate the object does not hold", "thumbprint-not-in-directory", { thumbprints: () => [cert.thumbprint], proof: () => stranger }],
    ["a deleted object", "device-deleted-or-disabled", { thumbprints: () => [cert.thumbprint], proof: () => cert, object: { deleted: true } }],
    ["a disabled object", "device-deleted-or-disabled", { thumbprints: () => [cert.thumbprint], proof: () => cert, object: { accountEnabled: false } }],
    ["an object of another name", "hostname-not-device-name", { thumbprints: () => [cert.thumbprint], proof: () => cert, object: { displayName: "PC-ELSE" } }],
    [
      "a second certificate of the object (re-registered in place)",
      "verified",
      { thumbprints: () => [stranger.thumbprint, cert.thumbprint], proof: () => cert },
    ],
  ] as const)("with %s the enrolment succeeds, its proof %s", async (_label, outcome, setup) => {
    const object = "object" in setup ? setup.object : {};
    const { token } = await tenantWithDevice(setup.thumbprints(), object);
    const res = await enrol(token, { hostname: "PC-PROOF", deviceId, proofWith: setup.proof() });
    expect(res.status).toBe(201);
    if (outcome === "verified") expect(res.body.deviceProof).toEqual({ verified: true, thumbprint: cert.thumbprint });
    else {
      expect(res.body.deviceProof).toMatchObject({ verified: false, reason: outcome });
      expect(await db.agentDevice.findUniqueOrThrow({ where: { id: res.body.agentId } })).toMatchObject({ provenDeviceId: null });
    }
  });

  it("a proof for a registration id no synced object has leaves the enrolment unproven (the directory has not synced it yet)", async () => {
    const { token } = await createTenantWithToken(db, { tenantId: randomUUID(), name: "Proof none", allowsDirectUpload: false });
    const res = await enrol(token, { hostname: "PC-PROOF", deviceId, proofWith: cert });
    expect(res.status).toBe(201);
    expect(res.body.deviceProof).toMatchObject({ verified: false, reason: "device-not-in-directory" });
  });

  it("a malformed proof is a 400 that names it, and stores nothing", async () => {
    const { token } = await tenantWithDevice([cert.thumbprint]);
    const before = await settledCounts();
    const res = await post("/api/v1/agents/enrol", token, {
      hostname: "PC-PROOF",
      deviceId,
      agentVersion: "3.0.0",
      machineKey: newMachineKey(),
      deviceProof: { certificate: "%%%", signedAt: "yesterday", signature: "" },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe("invalid-body");
    expect(JSON.stringify(body.error.details)).toContain("deviceProof");
    expect(await settledCounts()).toEqual(before);
  });
});
