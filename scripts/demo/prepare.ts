/**
 * Registers the demo tenant (with the simulator's app registration), a demo admin and a fresh agent
 * token in the embedded database. Idempotent: a second `npm run demo` reuses what is there.
 * Input: the simulator's ready line (JSON) in DEMO_SIMULATOR. Output: one JSON line.
 */
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { revokeAgentToken } from "@/lib/agent-tokens/revoke-agent-token";
import { createAdminUser } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";

export const DEMO_ADMIN = { email: "admin@joinscope.demo", name: "Demo Admin", password: "joinscope-demo" };
const DEMO_TOKEN_NAME = "Demo agents (npm run demo)";

const sim = JSON.parse(process.env.DEMO_SIMULATOR ?? "{}") as {
  tenantId: string;
  tenantName: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  graphBaseUrl: string;
  syncScope: unknown;
};

if (!(await db.adminUser.findUnique({ where: { email: DEMO_ADMIN.email }, select: { id: true } }))) {
  const created = await createAdminUser(db, DEMO_ADMIN, "demo");
  if (!created.ok) throw new Error(created.error.message);
}
let tenant = await db.tenant.findUnique({ where: { tenantId: sim.tenantId }, select: { id: true } });
if (!tenant) {
  const created = await createTenant(db, { tenantId: sim.tenantId, name: `${sim.tenantName} (demo)`, actor: "demo" });
  if (!created.ok) throw new Error(created.error.message);
  tenant = { id: created.id };
}
const app = await setTenantApp(db, {
  tenantRef: tenant.id,
  cloud: "custom",
  authorityHost: sim.authorityHost,
  graphBaseUrl: sim.graphBaseUrl,
  clientId: sim.clientId,
  credential: { kind: "secret", clientSecret: sim.clientSecret },
  actor: "demo",
});
if (!app.ok) throw new Error(app.error.message);
// The simulator starts afresh each run, so its delta tokens from a previous run are unknown to it.
await db.tenant.update({
  where: { id: tenant.id },
  data: { deltaLink: null, lastSyncAt: null, ...(sim.syncScope ? { syncScope: sim.syncScope as object } : {}) },
});
for (const old of await db.agentToken.findMany({ where: { tenantRef: tenant.id, name: DEMO_TOKEN_NAME, revokedAt: null }, select: { id: true } })) {
  await revokeAgentToken(db, { id: old.id, actor: "demo" });
}
const token = await createAgentToken(db, { tenantRef: tenant.id, name: DEMO_TOKEN_NAME, actor: "demo" });
if (!token.ok) throw new Error(token.error.message);
console.log(JSON.stringify({ tenantRef: tenant.id, token: token.token, admin: DEMO_ADMIN }));
await db.$disconnect();
