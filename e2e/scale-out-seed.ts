/**
 * Seeds the scale-out test's PostgreSQL database (DATABASE_URL) through the lib functions: the simulator's tenant with
 * its app registration, and one agent token that may upload directly (as agents before enrolment). Prints one JSON
 * line: { tenantRef, token }. Run by e2e/scale-out.spec.ts with tsx.
 */
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { createDb } from "@/lib/db/client";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";

const sim = JSON.parse(process.env.SCALE_OUT_SIMULATOR!) as {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  graphBaseUrl: string;
};
const db = createDb(process.env.DATABASE_URL!);
const tenant = await createTenant(db, { tenantId: sim.tenantId, name: "Scale-out (simulator)", actor: "e2e" });
if (!tenant.ok) throw new Error(tenant.error.message);
const app = await setTenantApp(db, {
  tenantRef: tenant.id,
  cloud: "custom",
  authorityHost: sim.authorityHost,
  graphBaseUrl: sim.graphBaseUrl,
  clientId: sim.clientId,
  credential: { kind: "secret", clientSecret: sim.clientSecret },
  actor: "e2e",
});
if (!app.ok) throw new Error(app.error.message);
const token = await createAgentToken(db, { tenantRef: tenant.id, name: "scale-out", actor: "e2e", allowsDirectUpload: true });
if (!token.ok) throw new Error(token.error.message);
console.log(JSON.stringify({ tenantRef: tenant.id, token: token.token }));
await db.$disconnect();
process.exit(0);
