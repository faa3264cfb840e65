import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimulatorHandle, type StartSimulatorOptions } from "@/simulator/server";
import type { Db } from "@/lib/db/client";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";

/** A simulator serving one generated tenant, and the same tenant registered in JoinScope's database. */
export async function startSimulatedTenant(
  db: Db,
  options: { seed?: number; deviceCount?: number; permissions?: string[]; simulator?: Partial<StartSimulatorOptions> } = {},
) {
  const { tenant } = createSimTenant({
    seed: options.seed ?? 42,
    deviceCount: options.deviceCount ?? 600,
    includeReports: false,
    permissions: options.permissions,
  });
  // Throttling on, as in a real tenant: the smallest tenant's budget (3,500 RU per 10 s per app) unless a test sets
  // its own (sync-convergence.test.ts sets one the sync runs into).
  const sim = await startSimulator({ tenants: [tenant], ruBudget: "S", ...options.simulator });
  const created = await createTenant(db, { tenantId: tenant.tenantId, name: tenant.tenantName, actor: "test" });
  if (!created.ok) throw new Error(created.error.message);
  const app = await setTenantApp(db, {
    tenantRef: created.id,
    cloud: "custom",
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    clientId: tenant.clientId,
    credential: { kind: "secret", clientSecret: tenant.clientSecret! },
    actor: "test",
  });
  if (!app.ok) throw new Error(app.error.message);
  return { sim, tenantRef: created.id, tenantId: tenant.tenantId, clientId: tenant.clientId, clientSecret: tenant.clientSecret! };
}

/** The directory as JoinScope holds it must equal the simulator's, object for object. */
export async function directorySnapshot(db: Db, tenantRef: string) {
  const rows = await db.directoryDevice.findMany({
    where: { tenantRef, deletedAt: null },
    select: { objectId: true, deviceId: true, displayName: true, accountEnabled: true, thumbprint: true, trustType: true },
    orderBy: { objectId: "asc" },
  });
  return rows;
}

export function simulatorSnapshot(sim: SimulatorHandle, tenantId: string) {
  return sim.state
    .tenant(tenantId)
    .listDevices()
    .map((d) => ({
      objectId: d.id,
      deviceId: d.deviceId?.toLowerCase() ?? null,
      displayName: d.displayName ?? null,
      accountEnabled: d.accountEnabled ?? null,
      trustType: d.trustType ?? null,
    }))
    .sort((a, b) => (a.objectId < b.objectId ? -1 : 1));
}

export async function expectDirectoryMatches(db: Db, sim: SimulatorHandle, tenantRef: string, tenantId: string) {
  const ours = (await directorySnapshot(db, tenantRef)).map(({ thumbprint: _t, ...rest }) => rest);
  const theirs = simulatorSnapshot(sim, tenantId);
  return { ours, theirs };
}
