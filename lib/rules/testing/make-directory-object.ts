import type { DeviceRuleSettings, DeviceSubject, DeviceSubjectReport, DirectoryObject } from "@/lib/rules/device-subject";
import type { SyncScope } from "@/lib/rules/sync-scope";
import { CAPTURED_AT, HEALTHY_HYBRID, makeReport } from "@/lib/rules/testing/make-report";

/** When the join rules run in tests: 90 minutes after the sample report was captured (fresh for a 240-minute agent interval). */
export const DEVICE_NOW = "2025-03-09T14:00:00.000Z";

/**
 * Builds DirectoryObject values for join-rule tests. The default imitates the Graph device object of
 * the healthy hybrid sample (lib/rules/testing/make-report.ts): same deviceId, the
 * X509 alternativeSecurityId decodes to the report's thumbprint, registered 30 minutes after the
 * certificate's notBefore (the backdating the samples show), synced by Entra Connect.
 */
export const HEALTHY_HYBRID_OBJECT: DirectoryObject = {
  objectId: "f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b",
  deviceId: HEALTHY_HYBRID.deviceId,
  displayName: "PC-0142",
  accountEnabled: true,
  trustType: "ServerAd",
  profileType: "RegisteredDevice",
  registrationDateTime: "2024-11-05T08:42:41.000Z",
  approximateLastSignInDateTime: "2025-03-01T09:15:00.000Z",
  operatingSystem: "Windows",
  operatingSystemVersion: "10.0.22631.4890",
  onPremisesSyncEnabled: true,
  onPremisesLastSyncDateTime: "2025-03-09T13:00:00.000Z",
  physicalIds: [
    "[USER-GID]:6e4cbe68-588b-499c-8c04-dcfff140a1ca:6966165474958424",
    "[GID]:g:6966165474958424",
    "[USER-HWID]:6e4cbe68-588b-499c-8c04-dcfff140a1ca:6825794768524310",
    "[HWID]:h:6825794768524310",
  ],
  thumbprint: HEALTHY_HYBRID.thumbprint,
  hasX509: true,
  hardwareId: "6825794768524310",
  isPending: false,
  hasBitlockerKeys: true,
  hasLapsPassword: true,
  deletedAt: null,
  deletedReason: null,
  isManaged: true,
  isCompliant: true,
  mdmAppId: "0000000a-0000-0000-c000-000000000000",
};

export function makeDirectoryObject(overrides: Partial<DirectoryObject> = {}): DirectoryObject {
  return { ...HEALTHY_HYBRID_OBJECT, physicalIds: [...(HEALTHY_HYBRID_OBJECT.physicalIds ?? [])], ...overrides };
}

/** The Entra joined object of makeEntraReport: cloud-only, Intune managed. */
export function makeEntraObject(overrides: Partial<DirectoryObject> = {}): DirectoryObject {
  return makeDirectoryObject({
    objectId: "a7b8c9d0-e1f2-4a3b-8c4d-5e6f7a8b9c0d",
    displayName: "PC-0177",
    trustType: "AzureAd",
    onPremisesSyncEnabled: null,
    onPremisesLastSyncDateTime: null,
    physicalIds: ["[HWID]:h:6825794768520177", "[ZTDID]:0f6b2d7e-3c1a-4f59-9b8e-1d2c3b4a5e6f"],
    hardwareId: "6825794768520177",
    ...overrides,
  });
}

/** The registered (Workplace) object of makeRegisteredReport: a personal PC, no MDM, no BitLocker keys or LAPS. */
export function makeRegisteredObject(overrides: Partial<DirectoryObject> = {}): DirectoryObject {
  return makeDirectoryObject({
    objectId: "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
    displayName: "PC-01",
    trustType: "Workplace",
    onPremisesSyncEnabled: null,
    onPremisesLastSyncDateTime: null,
    physicalIds: ["[USER-HWID]:jdoe:6825794768520001", "[HWID]:h:6825794768520001"],
    hardwareId: "6825794768520001",
    hasBitlockerKeys: false,
    hasLapsPassword: false,
    isManaged: false,
    isCompliant: null,
    mdmAppId: null,
    ...overrides,
  });
}

/** AD computer objectGUID of the pending sample: the Pending object's deviceId. */
export const PENDING_OBJECT_GUID = "4b1d5e2a-7c3f-4e8b-9a0d-2f6c8e1b3a57";

/** A Pending hybrid object: synced by Entra Connect 3 h before DEVICE_NOW, never registered (no X509 key, no registrationDateTime). */
export function makePendingObject(overrides: Partial<DirectoryObject> = {}): DirectoryObject {
  return makeDirectoryObject({
    objectId: "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70",
    deviceId: PENDING_OBJECT_GUID,
    displayName: "PC-0200",
    registrationDateTime: null,
    approximateLastSignInDateTime: null,
    onPremisesLastSyncDateTime: "2025-03-09T11:00:00.000Z",
    physicalIds: [],
    hardwareId: null,
    thumbprint: null,
    hasX509: false,
    isPending: true,
    hasBitlockerKeys: null,
    hasLapsPassword: null,
    isManaged: null,
    isCompliant: null,
    mdmAppId: null,
    ...overrides,
  });
}

/** The latest report around a parsed capture: captured at CAPTURED_AT, received a minute later, from PC-0142's OU. */
export function makeSubjectReport(overrides: Partial<DeviceSubjectReport> = {}): DeviceSubjectReport {
  return {
    parsed: makeReport(),
    systemParsed: null,
    capturedAt: CAPTURED_AT,
    receivedAt: "2025-03-09T12:31:00.000Z",
    hostname: "PC-0142",
    computerDn: "CN=PC-0142,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com",
    objectGuid: null,
    events: [],
    ...overrides,
  };
}

export const TENANT_ID = HEALTHY_HYBRID.tenantId!;

/** A healthy hybrid machine: its report, its matching object, no history, no other objects. */
export function makeDeviceSubject(overrides: Partial<DeviceSubject> = {}): DeviceSubject {
  const report = overrides.report === undefined ? makeSubjectReport() : overrides.report;
  return {
    tenantId: TENANT_ID,
    report,
    directory: makeDirectoryObject(),
    history: [],
    otherObjects: [],
    candidates: [],
    lastReportAt: report?.receivedAt ?? null,
    ...overrides,
  };
}

/** Contoso's Entra Connect scope: Workstations and Laptops under OU=Corp, minus Disabled Computers. */
export const CONTOSO_SCOPE: SyncScope = {
  forests: [
    {
      name: "corp.contoso.com",
      include: ["OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com", "OU=Laptops,OU=Corp,DC=corp,DC=contoso,DC=com"],
      exclude: ["OU=Disabled Computers,OU=Workstations,OU=Corp,DC=corp,DC=contoso,DC=com"],
    },
  ],
};

/** Settings at DEVICE_NOW with the scope configured, agents reporting, and the directory synced 30 minutes before. */
export function makeDeviceSettings(overrides: Partial<DeviceRuleSettings> = {}): DeviceRuleSettings {
  return {
    now: DEVICE_NOW,
    syncScope: CONTOSO_SCOPE,
    tenantHasAgents: true,
    directorySyncedAt: "2025-03-09T13:30:00.000Z",
    ...overrides,
  };
}
