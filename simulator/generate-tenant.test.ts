import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildAlternativeSecurityIdKey, generateTenant } from "./generate-tenant";
import { loadTenantFromFile } from "./load-tenant-from-file";
import { SCENARIOS, type GraphDevice } from "./types";

const NOW = "2025-03-10T12:00:00Z";

/** Reads the thumbprint the way docs/domain.md, *Thumbprint*, describes (UTF-16LE, characters 21–60). */
function thumbprintOf(device: GraphDevice): string | null {
  const alt = device.alternativeSecurityIds.find((a) => a.type === 2);
  if (!alt) return null;
  const text = Buffer.from(alt.key, "base64").toString("utf16le");
  return text.startsWith("X509:") ? text.slice(21, 61) : null;
}

const field = (text: string, key: string) =>
  text
    .split("\r\n")
    .map((l) => l.split(" : "))
    .find((p) => p[0]?.trim() === key)?.[1];

describe("generateTenant", () => {
  it("is deterministic: the same seed gives byte-identical JSON, another seed does not", () => {
    const a = JSON.stringify(generateTenant({ seed: 5, deviceCount: 300, now: NOW }));
    const b = JSON.stringify(generateTenant({ seed: 5, deviceCount: 300, now: NOW }));
    const c = JSON.stringify(generateTenant({ seed: 6, deviceCount: 300, now: NOW }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("covers every scenario once the tenant is big enough", () => {
    const t = generateTenant({ seed: 1, deviceCount: SCENARIOS.length, now: NOW });
    const machines = new Set([...t.reports.map((r) => r.scenario)]);
    // Stale devices upload nothing, and a registered machine may be a phone without the agent.
    for (const s of SCENARIOS.filter((x) => x !== "stale-device" && x !== "healthy-registered")) expect(machines, s).toContain(s);
    expect(t.devices.some((d) => d.trustType === "Workplace")).toBe(true);
  });

  it("defaults to about 80 % healthy machines and honours a custom distribution", () => {
    const t = generateTenant({ seed: 2, deviceCount: 2000, now: NOW, includeReports: false });
    expect(t.devices.length).toBeGreaterThan(1900);
    const all = generateTenant({ seed: 2, deviceCount: 2000, now: NOW });
    const healthy = all.reports.filter((r) => r.scenario.startsWith("healthy")).length;
    const machines =
      2000 -
      all.devices.filter((d) => d.approximateLastSignInDateTime && Date.parse(d.approximateLastSignInDateTime) < Date.parse(NOW) - 90 * 86_400_000).length;
    expect(healthy / 2000).toBeGreaterThan(0.7);
    expect(healthy / 2000).toBeLessThan(0.85);
    expect(machines).toBeGreaterThan(0);
    const onlyPending = generateTenant({
      seed: 3,
      deviceCount: 20,
      now: NOW,
      distribution: Object.fromEntries(SCENARIOS.map((s) => [s, s === "pending-hybrid" ? 1 : 0])),
    });
    expect(onlyPending.reports.every((r) => r.scenario === "pending-hybrid")).toBe(true);
  });

  it("builds alternativeSecurityIds keys that decode to the dsregcmd thumbprint", () => {
    const t = generateTenant({ seed: 9, deviceCount: 200, now: NOW });
    const healthy = t.reports.filter((r) => r.scenario === "healthy-hybrid" || r.scenario === "healthy-entra");
    expect(healthy.length).toBeGreaterThan(50);
    for (const r of healthy) {
      const device = t.devices.find((d) => d.id === r.objectId)!;
      expect(device.deviceId).toBe(r.deviceId);
      expect(thumbprintOf(device)).toBe(field(r.dsregcmd, "Thumbprint"));
      // certificate issued in the same DRS request that set registrationDateTime
      const from = field(r.dsregcmd, "DeviceCertificateValidity")!.slice(2, 25).replace(" ", "T") + "Z";
      expect(Math.abs(Date.parse(from) - Date.parse(device.registrationDateTime!))).toBeLessThan(3600_000);
    }
    const key = buildAlternativeSecurityIdKey("0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C", Buffer.alloc(32, 1));
    expect(Buffer.from(key, "base64").toString("utf16le")).toBe(
      `X509:<SHA1-TP-PUBKEY>0BF36D245A124205D42B7FBCA6B6AB65A5B06A3C${Buffer.alloc(32, 1).toString("base64")}`,
    );
  });

  it("shapes the broken states the rules must find", () => {
    const t = generateTenant({ seed: 4, deviceCount: 1000, now: NOW });
    const objectOf = (s: string) => t.reports.filter((r) => r.scenario === s).map((r) => t.devices.find((d) => d.id === r.objectId));

    for (const d of objectOf("pending-hybrid")) {
      expect(d?.trustType).toBe("ServerAd");
      expect(d?.registrationDateTime).toBeNull();
      expect(d?.alternativeSecurityIds).toEqual([]);
    }
    for (const d of objectOf("alt-security-ids-missing")) {
      expect(d?.alternativeSecurityIds).toEqual([]);
      expect(d?.registrationDateTime).not.toBeNull();
    }
    for (const d of objectOf("object-disabled")) expect(d?.accountEnabled).toBe(false);
    for (const r of t.reports.filter((x) => x.scenario === "object-deleted")) {
      expect(r.objectId).toBeNull();
      expect(t.devices.some((d) => d.deviceId === r.deviceId)).toBe(false);
    }
    expect(t.deletedDevices.length).toBeGreaterThan(0);
    for (const d of t.deletedDevices) {
      expect(d.trustType).not.toBe("ServerAd");
      expect(d.deletedDateTime).not.toBeNull();
    }
    for (const r of t.reports.filter((x) => x.scenario === "thumbprint-mismatch")) {
      const d = t.devices.find((x) => x.id === r.objectId)!;
      expect(thumbprintOf(d)).not.toBe(field(r.dsregcmd, "Thumbprint"));
    }
    for (const r of t.reports.filter((x) => x.scenario === "duplicate-device")) {
      const d = t.devices.find((x) => x.id === r.objectId)!;
      const hwid = d.physicalIds.find((p) => p.startsWith("[HWID]"));
      const twins = t.devices.filter((x) => x.displayName === d.displayName && x.physicalIds.includes(hwid!));
      expect(twins.map((x) => x.trustType).sort()).toEqual(["ServerAd", "Workplace"]);
    }
    for (const r of t.reports.filter((x) => x.scenario === "out-of-sync-scope")) {
      expect(r.computerDn).toMatch(/^CN=[^,]+,OU=Staging,/);
      expect(t.syncScope.includeDns.some((dn) => r.computerDn!.toLowerCase().endsWith(dn.toLowerCase()))).toBe(false);
    }
    const stale = t.devices.filter((d) => d.approximateLastSignInDateTime && Date.parse(NOW) - Date.parse(d.approximateLastSignInDateTime) > 90 * 86_400_000);
    expect(stale.length).toBeGreaterThan(0);
    expect(t.bitlockerKeys.every((k) => !("key" in k))).toBe(true);
    expect(t.lapsCredentials.length).toBeGreaterThan(0);
  });

  it("loads an admin export in Graph shape, filling what it lacks with null", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "joinscope-sim-"));
    const file = path.join(dir, "devices.json");
    // Imitates `Get-MgDevice -All | ConvertTo-Json` trimmed to a few properties.
    await writeFile(
      file,
      JSON.stringify({
        devices: [
          {
            id: "7f6c0f5a-0000-4000-8000-000000000001",
            deviceId: "6e4cbe68-588b-499c-8c04-dcfff140a1ca",
            displayName: "PC-0142",
            trustType: "ServerAd",
            customThing: 1,
          },
        ],
      }),
    );
    const loaded = await loadTenantFromFile(file);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.tenant.devices[0]).toMatchObject({ displayName: "PC-0142", registrationDateTime: null, alternativeSecurityIds: [], customThing: 1 });

    await writeFile(file, JSON.stringify({ devices: [{ displayName: "no ids" }] }));
    const bad = await loadTenantFromFile(file);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe("invalid-shape");
    expect((await loadTenantFromFile(path.join(dir, "missing.json"))).ok).toBe(false);
  });
});
