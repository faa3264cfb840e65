import { createHash, randomBytes, randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { makeDeviceCertificate, signDeviceProof, type TestDeviceCertificate } from "../../tests/setup/device-certificate";
import { EnrolmentRequestSchema } from "./agent-request-schemas";
import { checkDeviceProof, DeviceProofSchema, deviceProofStatement, type DeviceProofClaim } from "./device-proof";

const MINUTE = 60_000;
const deviceId = randomUUID();
let cert: TestDeviceCertificate;
let otherCert: TestDeviceCertificate;
const claim = (): DeviceProofClaim => ({ hostname: "PC-0142", deviceId, machineKey: "m".repeat(43) });

beforeAll(async () => {
  [cert, otherCert] = await Promise.all([makeDeviceCertificate(deviceId), makeDeviceCertificate(randomUUID())]);
}, 30_000);

describe("checkDeviceProof (decision 042)", () => {
  it("accepts a statement signed with the certificate's key, and gives the certificate's SHA-1 thumbprint", () => {
    const now = new Date();
    const result = checkDeviceProof(signDeviceProof(cert, claim(), now), claim(), now);
    expect(result).toEqual({ ok: true, deviceId, thumbprint: cert.thumbprint });
    expect(cert.thumbprint).toBe(createHash("sha1").update(Buffer.from(cert.certificate, "base64")).digest("hex").toUpperCase());
  });

  it("compares the registration id and the hostname case-insensitively (dsregcmd prints them either way)", () => {
    const now = new Date();
    const proof = signDeviceProof(cert, claim(), now);
    expect(checkDeviceProof(proof, { ...claim(), hostname: "pc-0142", deviceId: deviceId.toUpperCase() }, now)).toMatchObject({ ok: true, deviceId });
  });

  it("refuses a proof replayed for another hostname, registration id or installation: the signature covers all three", () => {
    const now = new Date();
    const proof = signDeviceProof(cert, claim(), now);
    expect(checkDeviceProof(proof, { ...claim(), hostname: "PC-0143" }, now)).toEqual({ ok: false, reason: "bad-signature" });
    expect(checkDeviceProof(proof, { ...claim(), machineKey: "n".repeat(43) }, now)).toEqual({ ok: false, reason: "bad-signature" });
    expect(checkDeviceProof(proof, { ...claim(), deviceId: randomUUID() }, now)).toEqual({ ok: false, reason: "bad-signature" });
    // The signing time is part of the statement: a proof with a later time and the old signature fails.
    expect(checkDeviceProof({ ...proof, signedAt: new Date(now.getTime() + 1000).toISOString() }, claim(), now)).toEqual({
      ok: false,
      reason: "bad-signature",
    });
  });

  it("refuses a signature made with another key than the certificate's", () => {
    const now = new Date();
    const forged = { ...signDeviceProof(otherCert, claim(), now), certificate: cert.certificate };
    expect(checkDeviceProof(forged, claim(), now)).toEqual({ ok: false, reason: "bad-signature" });
    expect(checkDeviceProof({ ...forged, signature: randomBytes(256).toString("base64") }, claim(), now)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("leaves the certificate's binding to the device to the directory: whatever its subject, a valid signature passes here", () => {
    const now = new Date();
    // otherCert names another registration id in its subject; the directory check (its thumbprint must be the
    // object's) refuses it: tests/integration/agent-device-proof.test.ts.
    expect(checkDeviceProof(signDeviceProof(otherCert, claim(), now), claim(), now)).toEqual({ ok: true, deviceId, thumbprint: otherCert.thumbprint });
  });

  it("refuses a claim without a registration id, and bytes that are no certificate", () => {
    const now = new Date();
    expect(checkDeviceProof(signDeviceProof(cert, claim(), now), { ...claim(), deviceId: null }, now)).toEqual({ ok: false, reason: "no-device-id" });
    const garbage = { ...signDeviceProof(cert, claim(), now), certificate: randomBytes(600).toString("base64") };
    expect(checkDeviceProof(garbage, claim(), now)).toEqual({ ok: false, reason: "certificate-unreadable" });
  });

  it("allows 10 minutes of clock skew either side of the signing time, not more", () => {
    const now = new Date();
    for (const [offset, ok] of [
      [-9 * MINUTE, true],
      [9 * MINUTE, true],
      [-11 * MINUTE, false],
      [11 * MINUTE, false],
    ] as const) {
      const result = checkDeviceProof(signDeviceProof(cert, claim(), new Date(now.getTime() + offset)), claim(), now);
      expect(result.ok, `signed ${offset / MINUTE} min from now`).toBe(ok);
      if (!result.ok) expect(result.reason).toBe("signed-at-out-of-range");
    }
  });

  it("refuses an expired certificate and one not valid yet", async () => {
    const now = new Date();
    const expired = await makeDeviceCertificate(deviceId, {
      notBefore: new Date(now.getTime() - 400 * 86_400_000),
      notAfter: new Date(now.getTime() - 60_000),
    });
    expect(checkDeviceProof(signDeviceProof(expired, claim(), now), claim(), now)).toEqual({ ok: false, reason: "certificate-expired" });
    const future = await makeDeviceCertificate(deviceId, {
      notBefore: new Date(now.getTime() + 86_400_000),
      notAfter: new Date(now.getTime() + 400 * 86_400_000),
    });
    expect(checkDeviceProof(signDeviceProof(future, claim(), now), claim(), now)).toEqual({ ok: false, reason: "certificate-not-yet-valid" });
  }, 30_000);

  it("refuses a key that is not RSA of 2048 to 4096 bits (Entra ID's device keys are RSA 2048), before any signature work", async () => {
    const now = new Date();
    const [ec, small, large, oddExponent] = await Promise.all([
      makeDeviceCertificate(deviceId, { keyType: "ec" }),
      makeDeviceCertificate(deviceId, { keySize: 1024 }),
      makeDeviceCertificate(deviceId, { keySize: 4096 }),
      makeDeviceCertificate(deviceId, { publicExponent: 65539 }),
    ]);
    expect(checkDeviceProof(signDeviceProof(oddExponent, claim(), now), claim(), now)).toEqual({ ok: false, reason: "unsupported-key" });
    expect(checkDeviceProof(signDeviceProof(ec, claim(), now), claim(), now)).toEqual({ ok: false, reason: "unsupported-key" });
    expect(checkDeviceProof(signDeviceProof(small, claim(), now), claim(), now)).toEqual({ ok: false, reason: "unsupported-key" });
    expect(checkDeviceProof(signDeviceProof(large, claim(), now), claim(), now)).toMatchObject({ ok: true });
  }, 60_000);

  it("signs a fixed statement: version, hostname and id in lower case, the machine key's SHA-256, the time as sent", () => {
    expect(deviceProofStatement({ hostname: "PC-0142", deviceId: "ABCD", machineKey: "k", signedAt: "2026-12-07T03:00:00.000Z" })).toBe(
      ["joinscope-device-proof-v1", "pc-0142", "abcd", createHash("sha256").update("k").digest("hex"), "2026-12-07T03:00:00.000Z"].join("\n"),
    );
  });
});

describe("DeviceProofSchema", () => {
  const valid = () => ({ certificate: "QUJD", signedAt: "2026-12-07T03:00:00.000Z", signature: "QUJD" });
  it("takes base64 fields and an ISO UTC time, nothing else", () => {
    expect(DeviceProofSchema.safeParse(valid()).success).toBe(true);
    expect(DeviceProofSchema.safeParse({ ...valid(), extra: 1 }).success).toBe(false);
    expect(DeviceProofSchema.safeParse({ ...valid(), signedAt: "2026-12-07 03:00" }).success).toBe(false);
    expect(DeviceProofSchema.safeParse({ ...valid(), certificate: "not base64!" }).success).toBe(false);
    expect(DeviceProofSchema.safeParse({ ...valid(), certificate: "A".repeat(4100) }).success).toBe(false);
    expect(DeviceProofSchema.safeParse({ ...valid(), signature: "A".repeat(704) }).success).toBe(false);
  });
  it("is optional in an enrolment", () => {
    const base = { hostname: "PC-1", deviceId: null, agentVersion: "3.0.0", machineKey: "m".repeat(43) };
    expect(EnrolmentRequestSchema.safeParse(base).success).toBe(true);
    expect(EnrolmentRequestSchema.safeParse({ ...base, deviceProof: valid() }).success).toBe(true);
    expect(EnrolmentRequestSchema.safeParse({ ...base, deviceProof: { ...valid(), signature: 5 } }).success).toBe(false);
  });
});
