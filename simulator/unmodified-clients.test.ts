/**
 * The demo path: a process started with NODE_EXTRA_CA_CERTS=<caPath> runs MSAL Node and the Graph
 * client with no custom network code. Node reads that variable only at start-up, hence a child process.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimTenant } from "./create-sim-tenant";
import { startSimulator, type SimulatorHandle, type SimTenant } from "./server";

let sim: SimulatorHandle;
let tenant: SimTenant;

beforeAll(async () => {
  tenant = createSimTenant({ seed: 41, deviceCount: 2500, includeReports: false }).tenant;
  sim = await startSimulator({ tenants: [tenant] });
});
afterAll(async () => {
  await sim?.close();
});

function runProbe(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "testing", "unmodified-clients-probe.ts")], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

describe("unmodified MSAL Node + Graph client", () => {
  const baseEnv = () => ({
    SIM_AUTHORITY: `https://${sim.authorityHost}/${tenant.tenantId}`,
    SIM_CLIENT_ID: tenant.clientId,
    SIM_CLIENT_SECRET: tenant.clientSecret!,
    SIM_GRAPH_BASE_URL: sim.graphBaseUrl,
  });

  it("authenticates and pages all devices when the process trusts the CA via NODE_EXTRA_CA_CERTS", async () => {
    const { code, out, err } = await runProbe({ ...baseEnv(), NODE_EXTRA_CA_CERTS: sim.caPath });
    expect(err).not.toMatch(/Warning: Ignoring extra certs/);
    expect(JSON.parse(out.trim().split("\n").pop()!)).toEqual({ ok: true, count: tenant.devices.length, tokenType: "Bearer" });
    expect(code).toBe(0);
  }, 60_000);

  it("fails the TLS handshake without the CA, proving the trust comes from NODE_EXTRA_CA_CERTS", async () => {
    const env = { ...baseEnv(), NODE_EXTRA_CA_CERTS: "" };
    const { code, out } = await runProbe(env);
    expect(code).toBe(1);
    expect(JSON.parse(out.trim().split("\n").pop()!).ok).toBe(false);
  }, 60_000);
});
