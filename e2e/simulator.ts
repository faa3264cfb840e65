/**
 * The e2e stand-in for Entra ID and Microsoft Graph (simulator/), started by scripts/e2e-server.mjs as a
 * child process. Two tenants: "sync" is seeded with its app registration (Sync page tests); "settings" is
 * seeded without one, so the Settings tests enter its credentials through the form; "signins" is synced and its
 * sign-in log pulled by the seed, for the Sign-ins tests. Prints one JSON line
 * when ready (the same shape as E2eSimulatorInfo in e2e/constants.ts).
 */
import { parseArgs } from "node:util";
import { createSimTenant, DEFAULT_PERMISSIONS } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimTenant } from "@/simulator/server";
import { createSignInApp, HELPDESK_GROUP_ID, OPERATORS_GROUP_ID, SIGN_IN_APP_ID, SIGN_IN_APP_SECRET } from "@/simulator/sign-in-app";
import type { E2eSimulatorInfo } from "./constants";

const { values } = parseArgs({ options: { port: { type: "string", default: "3444" }, "app-origin": { type: "string", default: "http://127.0.0.1:3100" } } });
const now = new Date();
// Fabrikam's app may also read the Application Proxy connectors (Directory.Read.All) (e2e/proxy.spec.ts).
// Fabrikam is also the tenant JoinScope's users sign in from (e2e/entra-sign-in.spec.ts, e2e/authorization.spec.ts).
const signIn = createSignInApp({ appOrigin: values["app-origin"], domain: "fabrikam.onmicrosoft.com" });
const syncTenant = createSimTenant({
  seed: 4101,
  deviceCount: 120,
  tenantName: "Fabrikam",
  now,
  permissions: [...DEFAULT_PERMISSIONS, "Directory.Read.All"],
}).tenant;
const sync: SimTenant = { ...syncTenant, extraApps: [...(syncTenant.extraApps ?? []), signIn.app], users: signIn.users };
const settings = createSimTenant({ seed: 4102, deviceCount: 10, tenantName: "Northwind", now }).tenant;
// Its machines' reports are not served: e2e/seed.ts regenerates them from the same seed and time and uploads them.
const SIGNINS_SEED = 4103;
// Machines, not directory objects: a duplicate machine has two objects and a deleted one none, so the seed must
// regenerate the reports from this count (not from the directory's length) to get the same machines.
const SIGNINS_MACHINES = 80;
const signins = createSimTenant({ seed: SIGNINS_SEED, deviceCount: SIGNINS_MACHINES, tenantName: "Litware", now, includeReports: false }).tenant;
const sim = await startSimulator({ port: Number(values.port), tenants: [sync, settings, signins] });

const describe = (t: typeof sync) => ({ tenantId: t.tenantId, clientId: t.clientId, clientSecret: t.clientSecret ?? "", devices: t.devices.length });
const info: E2eSimulatorInfo = {
  authorityHost: sim.authorityHost,
  graphBaseUrl: sim.graphBaseUrl,
  caPath: sim.caPath,
  sync: describe(sync),
  settings: describe(settings),
  signins: { ...describe(signins), seed: SIGNINS_SEED, machines: SIGNINS_MACHINES, now: now.toISOString() },
  signIn: {
    tenantId: sync.tenantId,
    clientId: SIGN_IN_APP_ID,
    clientSecret: SIGN_IN_APP_SECRET,
    operatorsGroupId: OPERATORS_GROUP_ID,
    helpdeskGroupId: HELPDESK_GROUP_ID,
    users: signIn.users.map((u) => ({ upn: u.userPrincipalName, name: u.displayName })),
  },
};
console.log(JSON.stringify({ ready: true, ...info }));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void sim.close().then(() => process.exit(0)));
