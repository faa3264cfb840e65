/**
 * Seeds the e2e database through the same lib functions the app uses: one admin, the Contoso tenant, and a
 * handful of agent uploads made from lib/reports/fixtures so Overview and Reports have realistic content.
 * Run by scripts/e2e-server.mjs: node --conditions=react-server --import tsx e2e/seed.ts
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { enrolAgentDevice } from "@/lib/agent-devices/enrol-agent-device";
import { revokeAgentDevice } from "@/lib/agent-devices/revoke-agent-device";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { createAdminUser } from "@/lib/auth/admin-sessions";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { flushFindingsQueue } from "@/lib/findings/findings-scheduler";
import { reevaluateAllFindings } from "@/lib/findings/findings-scheduler";
import type { GraphDevice } from "@/lib/graph/graph-schemas";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { writeDevicePage } from "@/lib/sync/write-device-page";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { pullDirectoryAudits } from "@/lib/directory-audits/pull-directory-audits";
import { pullSignIns } from "@/lib/signins/pull-sign-ins";
import { runSync } from "@/lib/sync/run-sync";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import {
  E2E_ADMIN,
  E2E_EXPORT_TENANT,
  E2E_FORMULA_DEVICE_NAME,
  E2E_SETTINGS_TENANT_NAME,
  E2E_SIGNINS_TENANT_NAME,
  E2E_SYNC_TENANT_NAME,
  E2E_TENANT,
  type E2eSimulatorInfo,
} from "./constants";

// Run from the repository root (scripts/e2e-server.mjs sets cwd).
const FIXTURES = join(process.cwd(), "lib/reports/fixtures");

/** Hostname, fixture, how long ago it was captured: one upload each, as an agent would send it. */
const UPLOADS: [string, string, number][] = [
  ["PC-0142", "win11-24h2-hybrid-full.txt", 2],
  ["PC-0466", "win11-24h2-hybrid-disabled.txt", 5],
  ["PC-0087", "win10-21h1-hybrid-deleted.txt", 9],
  ["LT-2231", "win11-22h2-entra-wrong-password.txt", 14],
  ["LT-2240", "win11-23h2-entra-mfa-required.txt", 26],
  ["PC-0311", "win10-22h2-hybrid-network-fail.txt", 30],
  ["PC-0019", "win11-23h2-hybrid.txt", 40],
  ["KIOSK-07", "win10-21h2-registered.txt", 50],
];

async function main() {
  const admin = await createAdminUser(db, E2E_ADMIN, "e2e-seed");
  if (!admin.ok) throw new Error(`seed admin: ${admin.error.message}`);
  const tenant = await createTenant(db, { ...E2E_TENANT, actor: "e2e-seed" });
  if (!tenant.ok) throw new Error(`seed tenant: ${tenant.error.message}`);
  // A token from before enrolment (decision 011): version 1 agents upload with it directly.
  const token = await createAgentToken(db, { tenantRef: tenant.id, name: "Intune remediation (seed)", actor: E2E_ADMIN.email, allowsDirectUpload: true });
  if (!token.ok) throw new Error(`seed token: ${token.error.message}`);
  await seedEnrolledDevices(tenant.id);

  const now = Date.now();
  for (const [hostname, fixture, minutesAgo] of UPLOADS) {
    const captured = new Date(now - minutesAgo * 60_000);
    const result = await ingestReport(db, {
      agent: { tokenId: token.id, tenantRef: tenant.id, tenantId: E2E_TENANT.tenantId },
      body: {
        hostname,
        capturedAt: captured.toISOString(),
        agentVersion: "1.0.0",
        dsregcmd: readFileSync(join(FIXTURES, fixture), "utf8"),
        computerDn: `CN=${hostname},OU=Workstations,DC=corp,DC=contoso,DC=com`,
      },
      now: new Date(captured.getTime() + 20_000),
    });
    if (!result.ok) throw new Error(`seed upload ${fixture}: ${result.error.message}`);
  }
  await seedContosoDirectory(tenant.id, now);
  await seedContosoHistory(tenant.id, now);
  await seedSimulatorTenants();
  await seedExportTenant(now);
  await db.$disconnect();
  await directDb().close();
  console.log(`e2e seed: admin ${E2E_ADMIN.email}, tenant ${E2E_TENANT.name}, ${UPLOADS.length} reports`);
}

/** Version 2 agents enrolled through an enrolment-only token: two active, one an admin revoked. */
async function seedEnrolledDevices(tenantRef: string) {
  const secret = await createAgentToken(db, { tenantRef, name: "Intune Win32 app (seed)", actor: E2E_ADMIN.email });
  if (!secret.ok) throw new Error(`seed secret: ${secret.error.message}`);
  for (const [hostname, deviceId] of [
    ["PC-0142", "6e4cbe68-588b-499c-8c04-dcfff140a1ca"],
    ["LT-2231", null],
    ["PC-0087", "d2f1c9a0-7b3e-4c5d-8e6f-0a1b2c3d4e5f"],
  ] as const) {
    const enrolled = await enrolAgentDevice(directDb(), {
      tenantRef,
      tokenId: secret.id,
      request: { hostname, deviceId, agentVersion: "2.0.0", machineKey: randomBytes(32).toString("base64url") },
      clientAddress: "10.20.30.40",
    });
    if (!enrolled.ok) throw new Error(`seed enrolment: ${enrolled.error.message}`);
    if (hostname === "PC-0087") await revokeAgentDevice(db, { id: enrolled.agentId, actor: E2E_ADMIN.email });
  }
}

/** An `X509:` alternativeSecurityId as Graph returns it: base64 of UTF-16LE marker + SHA-1 thumbprint + key hash. */
function x509AltSecurityId(thumbprint: string) {
  const text = `X509:<SHA1-TP-PUBKEY>${thumbprint}${Buffer.alloc(32, 7).toString("base64")}`;
  return { type: 2, identityProvider: null, key: Buffer.from(text, "utf16le").toString("base64") };
}

/**
 * Contoso's Entra ID objects for some of the uploaded devices, written through the sync's page writer (so
 * they get DirectoryChange rows like a real sync), then the findings lifecycle over the whole tenant:
 * PC-0142 holds a certificate thumbprint other than the one the device reports (thumbprint-mismatch),
 * PC-0466 is disabled, PC-0087 was registered and later deleted, PC-0500 is a synced object whose
 * registration never completed (Pending) and that never reported.
 */
async function seedContosoDirectory(tenantRef: string, nowMs: number) {
  const day = 24 * 3600_000;
  const registered = new Date(nowMs - 400 * day).toISOString();
  const devices = [
    {
      id: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e01",
      deviceId: "dd5ac0a8-cb5f-461e-9269-2502cbabc065",
      displayName: "PC-0142",
      accountEnabled: true,
      trustType: "ServerAd",
      alternativeSecurityIds: [x509AltSecurityId("0F1E2D3C4B5A69788796A5B4C3D2E1F00A1B2C3D")],
    },
    {
      id: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e02",
      deviceId: "74df6508-0658-4bb8-a70f-6f79c11fb95c",
      displayName: "PC-0466",
      accountEnabled: false,
      trustType: "ServerAd",
      alternativeSecurityIds: [x509AltSecurityId("98E3CFB5313F74A15D16C967C567F0130D8203A8")],
    },
    {
      id: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e03",
      deviceId: "52d85f7c-30a3-4ce6-9ba8-380e35ce3f4b",
      displayName: "PC-0087",
      accountEnabled: true,
      trustType: "ServerAd",
      alternativeSecurityIds: [x509AltSecurityId("8C1D3686173FEB00592820E8A508956704187DCD")],
    },
  ].map(
    (d) =>
      ({
        ...d,
        operatingSystem: "Windows",
        operatingSystemVersion: "10.0.22631.4037",
        profileType: "RegisteredDevice",
        registrationDateTime: registered,
        approximateLastSignInDateTime: new Date(nowMs - 2 * day).toISOString(),
        onPremisesSyncEnabled: true,
        onPremisesLastSyncDateTime: new Date(nowMs - day).toISOString(),
      }) as unknown as GraphDevice,
  );
  const pending = {
    id: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e04",
    deviceId: "0b4f3c2d-1e5a-4f6b-8c7d-9e0f1a2b3c4d",
    displayName: "PC-0500",
    accountEnabled: true,
    trustType: "ServerAd",
    operatingSystem: "Windows",
    alternativeSecurityIds: [],
    registrationDateTime: null,
    onPremisesSyncEnabled: true,
    onPremisesLastSyncDateTime: new Date(nowMs - 10 * day).toISOString(),
  } as unknown as GraphDevice;

  await flushFindingsQueue(); // the uploads' own incremental evaluation, as the running app would do it
  await writeDevicePage(directDb(), { tenantRef, devices: [...devices, pending], mode: "full", now: new Date(nowMs - 3 * day), syncRunRef: "e2e-seed" });
  await writeDevicePage(directDb(), {
    tenantRef,
    devices: [],
    removed: [{ id: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e03", reason: "deleted" }],
    mode: "delta",
    now: new Date(nowMs - day),
    syncRunRef: "e2e-seed",
  });
  await reevaluateAllFindings(db, tenantRef);
}

/**
 * The two weeks before today as the scheduler's daily snapshots would have recorded them (lib/daily-snapshots): open
 * findings falling as the admins worked through them, so the Weekly review and the Overview have trend lines to draw
 * (e2e/digest.spec.ts). Today's snapshot is left to the first page view, from the seeded state.
 */
async function seedContosoHistory(tenantRef: string, nowMs: number) {
  const day = 24 * 3600_000;
  const rows = Array.from({ length: 14 }, (_, i) => {
    const daysAgo = 14 - i;
    const at = new Date(Math.floor((nowMs - daysAgo * day) / day) * day + 30 * 60_000);
    const critical = 2 + Math.floor(daysAgo / 3);
    const high = 3 + Math.floor(daysAgo / 4);
    return {
      tenantRef,
      day: at.toISOString().slice(0, 10),
      takenAt: at,
      openFindings: critical + high + 6,
      openBySeverity: { critical, high, medium: 4, low: 2, info: 0 },
      openByRule: { "object-disabled": critical, "thumbprint-mismatch": high },
      devicesReporting: 8,
      joinTypes: { hybrid: 5, entra: 2, registered: 1, domain: 0, none: 0 },
      reportsPreviousDay: 8 + (daysAgo % 3),
      devicesSilent: daysAgo > 7 ? 1 : 0,
      silentAfterDays: 7,
      syncEnabled: false,
      lastSyncStatus: null,
      lastSyncAt: null,
      lastSyncSuccessAt: null,
      syncFailures24h: 0,
    };
  });
  await db.dailySnapshot.createMany({ data: rows });
}

/** A tenant of its own for the export tests (e2e/export.spec.ts): three Entra joined objects, one named like a formula. */
async function seedExportTenant(nowMs: number) {
  const tenant = await createTenant(db, { ...E2E_EXPORT_TENANT, actor: "e2e-seed" });
  if (!tenant.ok) throw new Error(`seed export tenant: ${tenant.error.message}`);
  const names = ["WG-0001", E2E_FORMULA_DEVICE_NAME, "WG-0003"];
  const devices = names.map(
    (displayName, i) =>
      ({
        id: `7a1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e0${i + 1}`,
        deviceId: `8b2d3b0f-5c8e-4f32-8b4a-2e3d4c5b6f0${i + 1}`,
        displayName,
        accountEnabled: true,
        trustType: "AzureAd",
        alternativeSecurityIds: [],
        operatingSystem: "Windows",
        operatingSystemVersion: "10.0.26100.2605",
        profileType: "RegisteredDevice",
        registrationDateTime: new Date(nowMs - 90 * 24 * 3600_000).toISOString(),
        approximateLastSignInDateTime: new Date(nowMs - 24 * 3600_000).toISOString(),
        onPremisesSyncEnabled: null,
      }) as unknown as GraphDevice,
  );
  await writeDevicePage(directDb(), { tenantRef: tenant.id, devices, mode: "full", now: new Date(nowMs - 3600_000), syncRunRef: "e2e-seed" });
  await reevaluateAllFindings(db, tenant.id);
}

/**
 * The simulator's two tenants (E2E_SIMULATOR, set by scripts/e2e-server.mjs): the sync tenant with its app
 * registration on the "custom" cloud, exactly as an admin would save it; the settings tenant without one.
 */
async function seedSimulatorTenants() {
  if (!process.env.E2E_SIMULATOR) return;
  const sim = JSON.parse(process.env.E2E_SIMULATOR) as E2eSimulatorInfo;
  const sync = await createTenant(db, { tenantId: sim.sync.tenantId, name: E2E_SYNC_TENANT_NAME, actor: "e2e-seed" });
  if (!sync.ok) throw new Error(`seed sync tenant: ${sync.error.message}`);
  const app = await setTenantApp(db, {
    tenantRef: sync.id,
    cloud: "custom",
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    clientId: sim.sync.clientId,
    credential: { kind: "secret", clientSecret: sim.sync.clientSecret },
    actor: "e2e-seed",
  });
  if (!app.ok) throw new Error(`seed sync tenant app: ${app.error.message}`);
  const settings = await createTenant(db, { tenantId: sim.settings.tenantId, name: E2E_SETTINGS_TENANT_NAME, actor: "e2e-seed" });
  if (!settings.ok) throw new Error(`seed settings tenant: ${settings.error.message}`);
  await seedSignInsTenant(sim);
}

/**
 * The Sign-ins tests' tenant as a synced one with agents has it: its directory synced from the simulator, one report
 * per Windows machine (the simulator's generated tenant again, from its seed and time), its sign-in log pulled, joined
 * and explained (lib/signins/pull-sign-ins.ts), as after a "Sync now".
 */
async function seedSignInsTenant(sim: E2eSimulatorInfo) {
  const info = sim.signins;
  const tenant = await createTenant(db, { tenantId: info.tenantId, name: E2E_SIGNINS_TENANT_NAME, actor: "e2e-seed" });
  if (!tenant.ok) throw new Error(`seed sign-ins tenant: ${tenant.error.message}`);
  const app = await setTenantApp(db, {
    tenantRef: tenant.id,
    cloud: "custom",
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    clientId: info.clientId,
    credential: { kind: "secret", clientSecret: info.clientSecret },
    actor: "e2e-seed",
  });
  if (!app.ok) throw new Error(`seed sign-ins tenant app: ${app.error.message}`);
  const synced = await runSync(db, { tenantRef: tenant.id, mode: "full", trigger: "test", evaluateFindings: false, checkKeyPresence: false });
  if (!synced.ok) throw new Error(`seed sign-ins sync: ${synced.error.message}`);
  const token = await createAgentToken(db, { tenantRef: tenant.id, name: "Intune remediation (seed)", actor: E2E_ADMIN.email, allowsDirectUpload: true });
  if (!token.ok) throw new Error(`seed sign-ins token: ${token.error.message}`);
  const { generated } = createSimTenant({
    seed: info.seed,
    // The simulator's machine count, not its directory's object count: another count generates other machines, whose
    // reports would not be those of the directory's objects (the pending machines' reports would not name their
    // Pending objects, e2e/causes.spec.ts).
    deviceCount: info.machines,
    tenantName: "Litware",
    now: new Date(info.now),
    includeReports: true,
    signIns: false,
  });
  for (const r of generated!.reports) {
    const body = {
      hostname: r.hostname,
      capturedAt: r.capturedAt,
      agentVersion: r.agentVersion,
      dsregcmd: r.dsregcmd,
      events: r.events,
      ...(r.computerDn ? { computerDn: r.computerDn } : {}),
    };
    const result = await ingestReport(db, { agent: { tokenId: token.id, tenantRef: tenant.id, tenantId: info.tenantId }, body });
    if (!result.ok) throw new Error(`seed sign-ins report ${r.hostname}: ${result.error.message}`);
  }
  await flushFindingsQueue();
  await reevaluateAllFindings(db, tenant.id, new Date());
  const pulled = await pullSignIns(db, { tenantRef: tenant.id });
  if (pulled.status !== "ok") throw new Error(`seed sign-ins pull: ${pulled.status} ${pulled.message ?? ""}`);
  // Who disabled or deleted its devices (the directory audit log), as the pull after a "Sync now" reads it.
  const audits = await pullDirectoryAudits(db, { tenantRef: tenant.id });
  if (audits.status !== "ok") throw new Error(`seed directory audit pull: ${audits.status} ${audits.message ?? ""}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
