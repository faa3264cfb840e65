import { afterEach, describe, expect, it } from "vitest";
import { runSimulatorCommand } from "./cli-entry";
import type { SimulatorHandle } from "./server";
import { createCaFetch } from "./testing/ca-fetch";

let controller: AbortController | undefined;
afterEach(() => controller?.abort());

describe("runSimulatorCommand", () => {
  it("prints the connection details, serves the tenants and stops on abort", async () => {
    controller = new AbortController();
    const lines: string[] = [];
    let ready!: (sim: SimulatorHandle) => void;
    const started = new Promise<SimulatorHandle>((resolve) => (ready = resolve));
    const done = runSimulatorCommand(["--port", "0", "--devices", "40", "--tenants", "2", "--seed", "3"], {
      signal: controller.signal,
      stdout: (l) => lines.push(l),
      onReady: ready,
    });
    const sim = await started;
    const text = lines.join("\n");
    expect(text).toContain(`NODE_EXTRA_CA_CERTS=${sim.caPath}`);
    expect(text).toContain(sim.graphBaseUrl);
    expect(sim.tenants).toHaveLength(2);
    for (const t of sim.tenants) {
      expect(text).toContain(t.tenantId);
      expect(text).toContain(t.clientId);
      expect(text).toContain(t.clientSecret!);
    }
    const res = await createCaFetch(sim.caPem)(`${sim.url}/${sim.tenants[0]!.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: sim.tenants[0]!.clientId,
        client_secret: sim.tenants[0]!.clientSecret!,
        scope: "https://graph.microsoft.com/.default",
      }).toString(),
    });
    expect(res.status).toBe(200);
    controller.abort();
    expect(await done).toBe(0);
  });

  it("rejects bad arguments with usage and exit code 2", async () => {
    const errors: string[] = [];
    expect(await runSimulatorCommand(["--devices", "many"], { stderr: (l) => errors.push(l) })).toBe(2);
    expect(errors.join("\n")).toContain("Usage: joinscope simulate");
    expect(await runSimulatorCommand(["--bogus"], { stderr: () => {} })).toBe(2);
  });
});
