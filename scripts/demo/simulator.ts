/**
 * The demo's stand-in for Entra ID and Microsoft Graph: serves one generated tenant over HTTPS and writes
 * the matching agent uploads to data/demo/uploads.json. Prints one JSON line when ready.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator } from "@/simulator/server";
import { createSignInApp, OPERATORS_GROUP_ID, SIGN_IN_APP_ID, SIGN_IN_APP_SECRET } from "@/simulator/sign-in-app";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3443" },
    seed: { type: "string", default: "2026" },
    devices: { type: "string", default: "400" },
    "app-origin": { type: "string", default: "http://127.0.0.1:3000" },
  },
});
const now = new Date();
const { tenant, generated } = createSimTenant({
  seed: Number(values.seed),
  deviceCount: Number(values.devices),
  tenantName: "Contoso",
  now,
  includeReports: true,
});
// "Sign in with Microsoft": JoinScope's own app registration in the tenant, with a user per role (simulator/sign-in-app.ts).
const signIn = createSignInApp({ appOrigin: values["app-origin"], domain: "contoso.onmicrosoft.com" });
const sim = await startSimulator({
  port: Number(values.port),
  tenants: [{ ...tenant, extraApps: [...(tenant.extraApps ?? []), signIn.app], users: signIn.users }],
});

const dir = join(process.cwd(), "data/demo");
mkdirSync(dir, { recursive: true });
const uploads = (generated?.reports ?? []).map((r) => ({
  hostname: r.hostname,
  capturedAt: r.capturedAt,
  agentVersion: r.agentVersion,
  dsregcmd: r.dsregcmd,
  events: r.events,
  ...(r.computerDn ? { computerDn: r.computerDn } : {}),
}));
writeFileSync(join(dir, "uploads.json"), JSON.stringify(uploads));
const scope = generated?.syncScope;
console.log(
  JSON.stringify({
    ready: true,
    tenantId: tenant.tenantId,
    tenantName: tenant.tenantName,
    clientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    caPath: sim.caPath,
    devices: tenant.devices.length,
    uploads: uploads.length,
    signIn: { clientId: SIGN_IN_APP_ID, clientSecret: SIGN_IN_APP_SECRET, operatorsGroupId: OPERATORS_GROUP_ID },
    syncScope: scope ? { forests: [{ name: scope.forest, include: scope.includeDns, exclude: scope.excludeDns }] } : null,
  }),
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void sim.close().then(() => process.exit(0)));
