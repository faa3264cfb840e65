/**
 * Issue 19's "every rule, through the fleet path", in one place, on SQLite and PostgreSQL: a simulated tenant synced,
 * its agents' reports uploaded, its sign-in log pulled from the simulator, each blocked sign-in joined and explained.
 * The generated log (simulator/sign-ins/generate-sign-ins.ts) has one device policy, Microsoft's "Require compliant or
 * hybrid joined device", under which a presented device fails on compliance, never on its join type: so the tenant's
 * log also gets two sign-ins written for this test against a hybrid-join-only policy (53001), each imitating a
 * helpdesk case of lib/signins/fixtures:
 * - edge-registered-needs-hybrid.json: a user of a registered (workplace joined) Windows PC opens OfficeHome in Edge,
 *   which presents the registration; "Exchange Online: require hybrid joined device" fails.
 * - the same policy against an Entra joined laptop presented by Edge (the cloud-only join never satisfies it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentToken } from "@/lib/agent-tokens/create-agent-token";
import { db } from "@/lib/db/client";
import { ingestReport } from "@/lib/ingest/ingest-report";
import { pullSignIns } from "@/lib/signins/pull-sign-ins";
import { runSync } from "@/lib/sync/run-sync";
import { createTenant } from "@/lib/tenants/create-tenant";
import { setTenantApp } from "@/lib/tenants/set-tenant-app";
import { createSimTenant } from "@/simulator/create-sim-tenant";
import { startSimulator, type SimSignIn, type SimulatorHandle } from "@/simulator/server";
import type { SimulatedMachine } from "@/simulator/types";

const fast = { sleep: async () => undefined, baseDelayMs: 1, requestWindow: { requests: 1000, seconds: 1 } };

let sim: SimulatorHandle;
let tenantRef: string;
let machines: readonly SimulatedMachine[];
let registeredPc: SimulatedMachine;
let entraLaptop: SimulatedMachine;
const ADDED = { registered: "5a0c1e2d-3f4a-4b5c-8d6e-7f8a9b0c1d2e", entra: "6b1d2f3e-4a5b-4c6d-9e7f-8a9b0c1d2e3f" };

/** A sign-in against "require hybrid joined device" (53001) from Edge presenting the machine's registration. */
function hybridOnlySignIn(id: string, machine: SimulatedMachine, template: SimSignIn, at: Date): SimSignIn {
  return {
    ...template,
    id,
    createdDateTime: at.toISOString().replace("Z", "0000Z"),
    userPrincipalName: machine.userPrincipalName,
    userDisplayName: machine.userDisplayName,
    appId: "4765445b-32c6-49b0-83e6-1d93765276ca",
    appDisplayName: "OfficeHome",
    clientAppUsed: "Browser",
    conditionalAccessStatus: "failure",
    status: {
      errorCode: 53001,
      failureReason:
        "Device is not in required device state: domain_joined. Conditional Access policy requires a domain joined device, and the device is not domain joined. Have the user use a domain joined device.",
      additionalDetails: null,
    },
    deviceDetail: {
      deviceId: machine.deviceId,
      displayName: machine.hostname,
      operatingSystem: "Windows10",
      browser: "Edge 121.0.2277",
      isCompliant: false,
      isManaged: false,
      trustType: machine.trustType === "Workplace" ? "Azure AD registered" : "Azure AD joined",
    },
    appliedConditionalAccessPolicies: [
      {
        id: "7e1d2c3b-4a5f-4e6d-8c9b-0a1b2c3d4e5f",
        displayName: "Exchange Online: require hybrid joined device",
        enforcedGrantControls: ["RequireDomainJoinedDevice"],
        enforcedSessionControls: [],
        result: "failure",
      },
    ],
  };
}

beforeAll(async () => {
  const now = new Date();
  const created = createSimTenant({ seed: 1907, deviceCount: 240, now, includeReports: true, tenantName: "Fabrikam", signIns: { days: 1 } });
  machines = created.generated!.machines;
  sim = await startSimulator({ tenants: [created.tenant], reportsThrottle: null });
  const t = await createTenant(db, { tenantId: created.tenant.tenantId, name: "Fabrikam", actor: "test" });
  if (!t.ok) throw new Error(t.error.message);
  tenantRef = t.id;
  await setTenantApp(db, {
    tenantRef,
    cloud: "custom",
    authorityHost: sim.authorityHost,
    graphBaseUrl: sim.graphBaseUrl,
    clientId: created.tenant.clientId,
    credential: { kind: "secret", clientSecret: created.tenant.clientSecret! },
    actor: "test",
  });
  const sync = await runSync(db, { tenantRef, mode: "full", trigger: "test", resilience: fast, evaluateFindings: false });
  if (!sync.ok) throw new Error(sync.error.message);
  const token = await createAgentToken(db, { tenantRef, name: "agents", actor: "test" });
  if (!token.ok) throw new Error("token");
  for (const r of created.generated!.reports) {
    const body = { hostname: r.hostname, capturedAt: r.capturedAt, agentVersion: r.agentVersion, dsregcmd: r.dsregcmd, events: r.events };
    const res = await ingestReport(db, { agent: { tokenId: token.id, tenantRef, tenantId: created.tenant.tenantId }, body });
    if (!res.ok) throw new Error(res.error.message);
  }
  const log = sim.state.signIns(created.tenant.tenantId);
  const template = Array.from({ length: log.version }, (_, i) => log.get(i)).find((s) => s.conditionalAccessStatus === "failure")!;
  registeredPc = machines.find((m) => m.windows && m.scenario === "healthy-registered")!;
  entraLaptop = machines.find((m) => m.windows && m.scenario === "healthy-entra" && m.isCompliant !== false)!;
  const at = new Date(now.getTime() - 3_600_000);
  log.add([hybridOnlySignIn(ADDED.registered, registeredPc, template, at), hybridOnlySignIn(ADDED.entra, entraLaptop, template, at)]);
  const pulled = await pullSignIns(db, { tenantRef, resilience: fast });
  if (pulled.status !== "ok") throw new Error(pulled.message ?? pulled.status);
}, 240_000);
afterAll(async () => sim?.close());

const rowsOf = (cause: string) =>
  db.signInEvent.findMany({
    where: { tenantRef, cause },
    select: {
      signInId: true,
      linkedBy: true,
      machineDeviceId: true,
      machineHostname: true,
      deviceId: true,
      userPrincipalName: true,
      findings: true,
      causeTitle: true,
    },
  });

const scenarioOf = (upn: string | null) => machines.find((m) => m.userPrincipalName.toLowerCase() === upn)?.scenario;

describe("every sign-in rule through the fleet path (sync, reports, pull, join, findings)", () => {
  it("ca-device-not-joined: a registered PC and an Entra joined laptop presented against a hybrid-join-only policy", async () => {
    const rows = await rowsOf("ca-device-not-joined");
    expect(rows.map((r) => r.signInId).sort()).toEqual([ADDED.registered, ADDED.entra].sort());
    for (const [id, machine, label] of [
      [ADDED.registered, registeredPc, "Azure AD registered"],
      [ADDED.entra, entraLaptop, "Microsoft Entra joined"],
    ] as const) {
      const row = rows.find((r) => r.signInId === id)!;
      expect(row).toMatchObject({
        linkedBy: "presented-device",
        deviceId: machine.deviceId,
        machineDeviceId: machine.deviceId,
        machineHostname: machine.hostname,
      });
      const [finding] = JSON.parse(row.findings) as { title: string; evidence: { field: string; value: string }[] }[];
      expect(row.causeTitle).toBe(finding!.title);
      expect(finding!.title).toContain("the policy requires hybrid join");
      expect(finding!.evidence).toContainEqual(expect.objectContaining({ field: "trustType" }));
      expect(JSON.stringify(finding)).toMatch(new RegExp(label === "Azure AD registered" ? "registered" : "joined"));
    }
  });

  it("the other five rules, each on the machines whose scenario causes it", async () => {
    const expectations: [string, (r: Awaited<ReturnType<typeof rowsOf>>[number]) => void][] = [
      ["ca-device-no-prt", (r) => expect(r.linkedBy).toBe("user-and-time")],
      ["ca-device-not-presented", (r) => expect(r.deviceId).toBeNull()],
      ["ca-device-not-compliant", (r) => expect(r.deviceId).not.toBeNull()],
      ["ca-device-object-mismatch", (r) => expect(r.machineDeviceId).not.toBe(r.deviceId)],
      ["ca-device-object-gone", (r) => expect(scenarioOf(r.userPrincipalName)).toBe("object-disabled")],
    ];
    for (const [cause, check] of expectations) {
      const rows = await rowsOf(cause);
      expect(rows.length, cause).toBeGreaterThan(0);
      for (const r of rows) {
        check(r);
        expect(r.causeTitle, cause).toBe((JSON.parse(r.findings) as { title: string }[])[0]!.title);
      }
    }
  });
});
