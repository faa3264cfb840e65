/**
 * Item 3 of issue 21 against the simulator's Application Proxy endpoints (simulator/graph/application-proxy.ts, Graph
 * beta's shapes): the connector groups, their connectors and published apps as the Proxy diagnostics page loads them,
 * the findings on them, and the plain-words note when the app registration may not read them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { connectorStateFindings } from "@/lib/proxy/connector-state";
import { loadConnectorState, NO_PERMISSION_NOTE } from "@/lib/proxy/load-connector-state";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { createSimTenant, DEFAULT_PERMISSIONS } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";

let sim: SimulatorHandle;
let tenantRef = "";
let devicesOnlyRef = "";

beforeAll(async () => {
  const created = createSimTenant({
    seed: 2121,
    deviceCount: 20,
    tenantName: "Proxy Contoso",
    signIns: false,
    permissions: [...DEFAULT_PERMISSIONS, "Directory.Read.All"],
  });
  // A second tenant whose app registration may not read the connectors (no Directory.Read.All).
  const devicesOnly = createSimTenant({
    seed: 2122,
    deviceCount: 10,
    tenantName: "Proxy Fabrikam",
    signIns: false,
    permissions: DEFAULT_PERMISSIONS.filter((p) => p !== "Directory.Read.All" && p !== "Directory.ReadWrite.All"),
  });
  sim = await startSimulator({ tenants: [created.tenant, devicesOnly.tenant], reportsThrottle: null });
  for (const simTenant of [created.tenant, devicesOnly.tenant]) {
    const t = await createTenant(db, { tenantId: simTenant.tenantId, name: simTenant.tenantName, actor: "test" });
    if (!t.ok) throw new Error(t.error.message);
    await setTenantApp(db, {
      tenantRef: t.id,
      cloud: "custom",
      authorityHost: sim.authorityHost,
      graphBaseUrl: sim.graphBaseUrl,
      clientId: simTenant.clientId,
      credential: { kind: "secret", clientSecret: simTenant.clientSecret! },
      actor: "test",
    });
    if (simTenant === devicesOnly.tenant) devicesOnlyRef = t.id;
    else tenantRef = t.id;
  }
});

afterAll(async () => {
  await sim?.close();
});

describe("the connectors' state from Graph (simulator)", () => {
  it("reads groups, connectors and apps with their internal and external URLs", async () => {
    const state = await loadConnectorState(db, tenantRef);
    if (!state.ok) throw new Error(state.note);
    expect(
      state.groups.map((g) => [g.name, g.connectors.map((c) => `${c.machineName}:${c.status}:${c.version}`), g.applications.map((a) => a.displayName)]),
    ).toEqual([
      ["Default", ["APPPROXY01.corp.proxycontoso.com:active:1.5.4522.0", "APPPROXY02.corp.proxycontoso.com:active:1.5.1975.0"], ["Ops Board"]],
      ["DMZ", ["DMZPROXY01.corp.proxycontoso.com:inactive:1.5.3437.0"], ["Expenses"]],
    ]);
    expect(state.groups[0]!.applications[0]).toMatchObject({
      internalUrl: "https://app01:8443/",
      externalUrl: "https://opsboard-proxycontoso.msappproxy.net/",
      backendTimeout: "default",
    });
  });

  it("finds the group with no active connector and the outdated connector", async () => {
    const state = await loadConnectorState(db, tenantRef);
    if (!state.ok) throw new Error(state.note);
    const findings = connectorStateFindings(state.groups);
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([
      ["proxy-group-no-active-connector", "high"],
      ["proxy-connector-outdated", "low"],
      ["proxy-connector-outdated", "low"],
    ]);
    expect(findings[0]!.title).toBe('Connector group "DMZ" has no active connector: 1 app times out (504)');
  });

  it("without the permission: a plain-words note, not an error", async () => {
    expect(await loadConnectorState(db, devicesOnlyRef)).toEqual({ ok: false, reason: "no-permission", note: NO_PERMISSION_NOTE });
  });
});
