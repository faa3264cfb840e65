/**
 * Test stand-ins for a machine's Entra ID device certificate (decision 042): a self-signed RSA certificate with the
 * subject `CN=<deviceId>` (as MS-Organization-Access issues them), and the signed statement an agent sends.
 */
import { createHash, createSign, generateKeyPairSync, X509Certificate } from "node:crypto";
import { generate } from "selfsigned";
import { deviceProofStatement, type DeviceProof, type DeviceProofClaim } from "@/lib/agent-devices/device-proof";
import { buildAlternativeSecurityIdKey } from "@/simulator/generate-tenant";

export interface TestDeviceCertificate {
  /** DER, base64: what the agent sends. */
  certificate: string;
  privateKeyPem: string;
  /** SHA-1 of the DER, 40 upper-case hex: what dsregcmd prints and alternativeSecurityIds hold. */
  thumbprint: string;
}

const DAY_MS = 86_400_000;

export async function makeDeviceCertificate(
  deviceId: string,
  options: { notBefore?: Date; notAfter?: Date; commonName?: string; keyType?: "rsa" | "ec"; keySize?: number; publicExponent?: number } = {},
): Promise<TestDeviceCertificate> {
  const now = Date.now();
  const pems = await generate([{ name: "commonName", value: options.commonName ?? deviceId }], {
    keyType: options.keyType ?? "rsa",
    ...(options.publicExponent ? { keyPair: rsaKeyPair(options.keySize ?? 2048, options.publicExponent) } : {}),
    ...(options.keyType === "ec" ? { curve: "P-256" as const } : { keySize: options.keySize ?? 2048 }),
    algorithm: "sha256",
    notBeforeDate: options.notBefore ?? new Date(now - DAY_MS),
    notAfterDate: options.notAfter ?? new Date(now + 3650 * DAY_MS),
  });
  const der = new X509Certificate(pems.cert).raw;
  return {
    certificate: der.toString("base64"),
    privateKeyPem: pems.private,
    thumbprint: createHash("sha1").update(der).digest("hex").toUpperCase(),
  };
}

/** Signs the claim as the agent does (RSASSA-PKCS1-v1_5, SHA-256). */
export function signDeviceProof(cert: TestDeviceCertificate, claim: DeviceProofClaim, signedAt: Date = new Date()): DeviceProof {
  const at = signedAt.toISOString();
  const signature = createSign("sha256")
    .update(deviceProofStatement({ ...claim, signedAt: at }), "utf8")
    .sign(cert.privateKeyPem, "base64");
  return { certificate: cert.certificate, signedAt: at, signature };
}

/** An `X509:` alternativeSecurityId as Graph returns it (the simulator's key: marker + SHA-1 thumbprint + key hash). */
export function x509AlternativeSecurityId(thumbprint: string) {
  return { type: 2, identityProvider: null, key: buildAlternativeSecurityIdKey(thumbprint, Buffer.alloc(32, 7)) };
}

function rsaKeyPair(modulusLength: number, publicExponent: number) {
  return generateKeyPairSync("rsa", {
    modulusLength,
    publicExponent,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}
