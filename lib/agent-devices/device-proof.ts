/**
 * Device proof (decision 042): an agent proves that it runs on the machine Entra ID knows as `deviceId` by signing a
 * statement with the private key of that machine's device certificate, the certificate whose thumbprint dsregcmd
 * prints (Device Details, `Thumbprint`) and whose key usually sits in the TPM. The signature alone proves possession
 * of a key; what makes it the device's is the directory: the certificate's SHA-1 thumbprint must be one that the
 * device object holds in alternativeSecurityIds (checked by the caller against the synced directory,
 * lib/agent-devices/device-proof-directory.ts). Only Entra ID's device registration service writes those.
 *
 * This module is pure: it parses the certificate, checks the statement's signature, subject and times.
 */
import { createHash, verify, X509Certificate, type KeyObject } from "node:crypto";
import { z } from "zod";

export const DEVICE_PROOF_STATEMENT_VERSION = "joinscope-device-proof-v1";
/** How far the proof's signing time may be from the server's clock (either side). */
export const DEVICE_PROOF_MAX_SKEW_MS = 10 * 60_000;
/** A device certificate is ~1 KB of DER; base64 of anything over this is not one. */
const MAX_CERTIFICATE_BASE64 = 4096;
/** An RSA 4096 signature is 512 bytes, 684 base64 characters. */
const MAX_SIGNATURE_BASE64 = 700;

const base64 = (max: number, name: string) =>
  z
    .string()
    .max(max, `${name} is too long`)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, `${name} must be base64`);

export const DeviceProofSchema = z
  .object({
    /** The device certificate, DER, base64 (what `[Convert]::ToBase64String($cert.RawData)` gives). */
    certificate: base64(MAX_CERTIFICATE_BASE64, "deviceProof.certificate"),
    /** When the agent signed, ISO 8601 UTC, exactly as it signed it. */
    signedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$/, "deviceProof.signedAt must be an ISO 8601 UTC time"),
    /** RSASSA-PKCS1-v1_5 with SHA-256 over deviceProofStatement(), base64. */
    signature: base64(MAX_SIGNATURE_BASE64, "deviceProof.signature"),
  })
  .strict();

export type DeviceProof = z.infer<typeof DeviceProofSchema>;

export interface DeviceProofClaim {
  hostname: string;
  /** The registration id the agent claims (lower-case GUID), or null when the machine is not joined. */
  deviceId: string | null;
  /** The machine key of this enrolment: the proof is bound to it, so it cannot be replayed for another installation. */
  machineKey: string;
}

/**
 * The text the agent signs (UTF-8, lines joined by "\n", no trailing newline): the version, the hostname in lower
 * case, the registration id in lower case, the SHA-256 of the machine key in lower-case hex, the signing time as sent.
 */
export function deviceProofStatement(claim: DeviceProofClaim & { signedAt: string }): string {
  return [
    DEVICE_PROOF_STATEMENT_VERSION,
    claim.hostname.toLowerCase(),
    (claim.deviceId ?? "").toLowerCase(),
    createHash("sha256").update(claim.machineKey, "utf8").digest("hex"),
    claim.signedAt,
  ].join("\n");
}

export type DeviceProofFailure =
  | "no-device-id"
  | "certificate-unreadable"
  | "certificate-not-yet-valid"
  | "certificate-expired"
  | "unsupported-key"
  | "signed-at-out-of-range"
  | "bad-signature";

export type DeviceProofCheck = { ok: true; deviceId: string; thumbprint: string } | { ok: false; reason: DeviceProofFailure };

const FAILURE_TEXT: Record<DeviceProofFailure, string> = {
  "no-device-id": "the enrolment names no registration id to prove",
  "certificate-unreadable": "the certificate is not a DER X.509 certificate",
  "certificate-not-yet-valid": "the certificate is not valid yet",
  "certificate-expired": "the certificate has expired",
  "unsupported-key": "the certificate's key is not RSA of 2048 to 4096 bits with the exponent 65537",
  "signed-at-out-of-range": "the proof was signed more than 10 minutes from the server's time (check the machine's clock)",
  "bad-signature": "the signature does not match the certificate's key",
};

export function describeDeviceProofFailure(reason: DeviceProofFailure): string {
  return FAILURE_TEXT[reason];
}

/**
 * Checks a proof against the claim it came with: a readable certificate, valid now, with an RSA key (Entra ID's device
 * keys are RSA 2048), that signed this claim within the clock skew. Neither the chain nor the subject is checked here:
 * Microsoft documents neither the issuer (MS-Organization-Access, not a public root) nor the subject's form, and what
 * binds the certificate to the device object is the thumbprint Entra ID holds for it in alternativeSecurityIds.
 */
export function checkDeviceProof(proof: DeviceProof, claim: DeviceProofClaim, now: Date): DeviceProofCheck {
  if (!claim.deviceId) return { ok: false, reason: "no-device-id" };
  const deviceId = claim.deviceId.toLowerCase();
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(proof.certificate, "base64"));
  } catch {
    return { ok: false, reason: "certificate-unreadable" };
  }
  if (Date.parse(certificate.validFrom) > now.getTime() + DEVICE_PROOF_MAX_SKEW_MS) return { ok: false, reason: "certificate-not-yet-valid" };
  if (Date.parse(certificate.validTo) < now.getTime()) return { ok: false, reason: "certificate-expired" };
  if (!isDeviceKeyShape(certificate.publicKey)) return { ok: false, reason: "unsupported-key" };
  const signedAt = Date.parse(proof.signedAt);
  if (!Number.isFinite(signedAt) || Math.abs(signedAt - now.getTime()) > DEVICE_PROOF_MAX_SKEW_MS) return { ok: false, reason: "signed-at-out-of-range" };
  const statement = Buffer.from(deviceProofStatement({ ...claim, signedAt: proof.signedAt }), "utf8");
  let valid = false;
  try {
    valid = verify("sha256", statement, certificate.publicKey, Buffer.from(proof.signature, "base64"));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: "bad-signature" };
  return { ok: true, deviceId, thumbprint: certificate.fingerprint.replaceAll(":", "").toUpperCase() };
}

/**
 * Entra ID's device keys are RSA 2048 with the exponent 65537. Anything else is refused before the signature is
 * checked: an enrolment body may carry any certificate, and an RSA key with a huge modulus or public exponent would make
 * one verification cost a request's worth of CPU many times over (issue 14's rule: bounded work per byte).
 */
function isDeviceKeyShape(key: KeyObject): boolean {
  if (key.asymmetricKeyType !== "rsa") return false;
  const { modulusLength, publicExponent } = key.asymmetricKeyDetails ?? {};
  return modulusLength !== undefined && modulusLength >= 2048 && modulusLength <= 4096 && publicExponent === 65537n;
}
