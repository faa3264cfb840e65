/**
 * TLS material for the simulator: a self-signed CA and a `localhost` / `127.0.0.1` server certificate
 * signed by it, cached on disk so every process (server, test, demo) trusts the same CA.
 *
 * Trust the CA in one of two ways:
 * - Whole process: start Node with `NODE_EXTRA_CA_CERTS=<caPath>`. Node reads that variable once, at
 *   process start, so it cannot be set from inside a running process (or a vitest worker).
 * - In process: hand `caPem` to whatever opens the connection (`https.request({ ca })`, see
 *   `testing/ca-fetch.ts` for a fetch and an MSAL network client built that way).
 */
import { X509Certificate } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { generate } from "selfsigned";

export interface SimulatorCertificates {
  /** Directory holding ca.pem, ca-key.pem, server.pem, server-key.pem. */
  dir: string;
  caPath: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

export const DEFAULT_CERTIFICATE_DIR = path.join(process.cwd(), "data", "simulator", "tls");

const DAY_MS = 86_400_000;

/**
 * Loads the CA and server certificate from `dir`, or creates them when missing, expiring within
 * 7 days, or not covering the loopback names. Creation takes about a second (two RSA keys).
 */
export async function ensureSimulatorCertificates(options: { dir?: string } = {}): Promise<SimulatorCertificates> {
  const dir = path.resolve(options.dir ?? DEFAULT_CERTIFICATE_DIR);
  const files = {
    caPath: path.join(dir, "ca.pem"),
    caKey: path.join(dir, "ca-key.pem"),
    cert: path.join(dir, "server.pem"),
    key: path.join(dir, "server-key.pem"),
  };
  const existing = await readExisting(files);
  if (existing) return { dir, caPath: files.caPath, ...existing };

  await mkdir(dir, { recursive: true });
  // Parallel test workers may all find the directory empty; one creates, the others wait and read.
  const release = await acquireLock(path.join(dir, ".lock"));
  try {
    const created = await readExisting(files);
    if (created) return { dir, caPath: files.caPath, ...created };
    return await createCertificates(dir, files);
  } finally {
    await release();
  }
}

async function acquireLock(lockDir: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      return () => rm(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const info = await stat(lockDir).catch(() => null);
      if (info && Date.now() - info.mtimeMs > 30_000) await rm(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function createCertificates(dir: string, files: { caPath: string; caKey: string; cert: string; key: string }): Promise<SimulatorCertificates> {
  const now = new Date();
  const ca = await generate(
    [
      { name: "commonName", value: "JoinScope Simulator Local CA" },
      { name: "organizationName", value: "JoinScope" },
    ],
    {
      keySize: 2048,
      algorithm: "sha256",
      notBeforeDate: new Date(now.getTime() - DAY_MS),
      notAfterDate: new Date(now.getTime() + 3650 * DAY_MS),
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    },
  );
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    // Under 398 days so strict clients accept it too; regenerated automatically near expiry.
    notAfterDate: new Date(now.getTime() + 390 * DAY_MS),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  // Write to temporary names first so a concurrent reader never sees half a set.
  const suffix = `.${process.pid}.${Date.now()}.tmp`;
  const writes: Array<[string, string]> = [
    [files.caKey, ca.private],
    [files.key, server.private],
    [files.cert, server.cert],
    [files.caPath, ca.cert],
  ];
  for (const [file, pem] of writes) await writeFile(file + suffix, pem, { mode: 0o600 });
  for (const [file] of writes) await rename(file + suffix, file);
  return { dir, caPath: files.caPath, caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}

async function readExisting(files: { caPath: string; cert: string; key: string }): Promise<Omit<SimulatorCertificates, "dir" | "caPath"> | null> {
  try {
    const [caPem, certPem, keyPem] = await Promise.all([readFile(files.caPath, "utf8"), readFile(files.cert, "utf8"), readFile(files.key, "utf8")]);
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(certPem);
    const soon = Date.now() + 7 * DAY_MS;
    if (Date.parse(cert.validTo) < soon || Date.parse(ca.validTo) < soon) return null;
    if (!cert.verify(ca.publicKey)) return null;
    if (!cert.checkHost("localhost") || !cert.checkIP("127.0.0.1")) return null;
    return { caPem, certPem, keyPem };
  } catch {
    return null;
  }
}

export interface AppCertificate {
  certPem: string;
  privateKeyPem: string;
  /** Upper-case hex, as the Entra portal shows it. */
  thumbprintSha1: string;
  thumbprintSha256: string;
}

/**
 * A self-signed app-registration certificate, for testing the client-assertion (certificate
 * credential) flow: register `certPem` on a `SimTenant`, give MSAL `thumbprintSha256` + `privateKeyPem`.
 */
export async function generateAppCertificate(options: { commonName?: string } = {}): Promise<AppCertificate> {
  const pems = await generate([{ name: "commonName", value: options.commonName ?? "JoinScope Sync" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate: new Date(Date.now() - DAY_MS),
    notAfterDate: new Date(Date.now() + 365 * DAY_MS),
  });
  const x509 = new X509Certificate(pems.cert);
  return {
    certPem: pems.cert,
    privateKeyPem: pems.private,
    thumbprintSha1: x509.fingerprint.replaceAll(":", ""),
    thumbprintSha256: x509.fingerprint256.replaceAll(":", ""),
  };
}
