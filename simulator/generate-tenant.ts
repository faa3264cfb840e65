/**
 * Seeded, deterministic tenant generator: Graph device objects, soft-deleted devices, BitLocker and
 * LAPS metadata, and what the JoinScope agent would upload from each machine (dsregcmd + events).
 * Same options → byte-identical output, so fixtures can be regenerated instead of checked in.
 *
 * `deviceCount` counts machines. A `duplicate-device` machine has two directory objects, an
 * `object-deleted` machine has none, so `devices.length` is close to but not exactly `deviceCount`.
 */
import { createPrng, hashSeed, type Prng } from "./prng";
import { renderDsregcmd, type DsregcmdState } from "./render-dsregcmd";
import {
  SCENARIOS,
  type BitlockerRecoveryKeyInfo,
  type DeviceLocalCredentialInfo,
  type GeneratedTenant,
  type GraphDevice,
  type Scenario,
  type SimulatedEvent,
  type SimulatedMachine,
  type SimulatedReport,
  type TrustType,
} from "./types";

export interface GenerateTenantOptions {
  seed: number;
  /** Defaults to a GUID derived from the seed. */
  tenantId?: string;
  /** Display name, e.g. "Contoso"; the DNS and AD names derive from it. */
  tenantName?: string;
  deviceCount: number;
  /** The simulated "now"; every timestamp is relative to it. Default 2025-03-10T12:00:00Z. */
  now?: Date | string;
  /**
   * Relative weights per scenario; missing scenarios keep their default weight, 0 disables one.
   * Defaults give ≈80 % healthy machines. When `deviceCount` ≥ the number of enabled scenarios,
   * every enabled scenario appears at least once.
   */
  distribution?: Partial<Record<Scenario, number>>;
  /** Render agent reports (≈4 KB of dsregcmd text each). Turn off for very large device-only tenants. */
  includeReports?: boolean;
  agentVersion?: string;
}

export const DEFAULT_DISTRIBUTION: Record<Scenario, number> = {
  "healthy-hybrid": 0.45,
  "healthy-entra": 0.25,
  "healthy-registered": 0.1,
  "pending-hybrid": 0.025,
  "alt-security-ids-missing": 0.01,
  "object-disabled": 0.015,
  "object-deleted": 0.02,
  "duplicate-device": 0.015,
  "stale-device": 0.04,
  "thumbprint-mismatch": 0.01,
  "cert-validity-vs-registered": 0.01,
  "out-of-sync-scope": 0.01,
  "prt-expired": 0.015,
  "prt-wrong-password": 0.01,
  "run-as-system": 0.01,
  "tpm-not-protected": 0.01,
};

export const DEFAULT_NOW = "2025-03-10T12:00:00Z";
/** Intune's MDM application id, as Graph reports it in `mdmAppId`. */
export const INTUNE_MDM_APP_ID = "0000000a-0000-0000-c000-000000000000";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const FIRST_NAMES = [
  "Adele",
  "Alex",
  "Diego",
  "Grady",
  "Henrietta",
  "Isaiah",
  "Johanna",
  "Joni",
  "Lee",
  "Lidia",
  "Lynne",
  "Megan",
  "Miriam",
  "Nestor",
  "Patti",
  "Pradeep",
  "Raul",
  "Sanjay",
  "Tomoko",
  "Yuki",
];
const LAST_NAMES = [
  "Vance",
  "Wilber",
  "Siciliani",
  "Archie",
  "Mueller",
  "Langer",
  "Lauer",
  "Sherman",
  "Gu",
  "Holloway",
  "Robinson",
  "Bowen",
  "Graham",
  "Wilke",
  "Fernandez",
  "Gupta",
  "Rao",
  "Patel",
  "Sato",
  "Tanaka",
];
const HARDWARE = [
  ["Dell Inc.", "Latitude 7440"],
  ["Dell Inc.", "OptiPlex 7010"],
  ["LENOVO", "21HD0046US"],
  ["LENOVO", "20XW00K8US"],
  ["HP", "HP EliteBook 840 G10 Notebook PC"],
  ["HP", "HP ProDesk 400 G9 Desktop PC"],
  ["Microsoft Corporation", "Surface Laptop 5"],
  ["Microsoft Corporation", "Surface Pro 9"],
] as const;
const WINDOWS_VERSIONS = ["10.0.22631.4317", "10.0.22631.4890", "10.0.26100.2314", "10.0.26100.3194", "10.0.19045.5131"];
const MOBILE = [
  { os: "iOS", versions: ["17.6.1", "18.2.1"], hw: ["Apple", "iPhone 15"] },
  { os: "Android", versions: ["14", "15"], hw: ["samsung", "SM-S921B"] },
  { os: "MacMDM", versions: ["14.6.1", "15.2"], hw: ["Apple", "MacBookPro18,3"] },
] as const;

const AAD_LOG = "Microsoft-Windows-AAD/Operational";
const UDR_LOG = "Microsoft-Windows-User Device Registration/Admin";

/** Graph datetime format: second precision, `Z`. */
function graphTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * The `alternativeSecurityIds[].key` DRS stores for a device certificate (docs/domain.md, *Thumbprint*):
 * base64 of the UTF-16LE string `X509:<SHA1-TP-PUBKEY>` + thumbprint + base64 SHA-256 of the public key.
 */
export function buildAlternativeSecurityIdKey(thumbprint: string, publicKeySha256: Buffer): string {
  return Buffer.from(`X509:<SHA1-TP-PUBKEY>${thumbprint.toUpperCase()}${publicKeySha256.toString("base64")}`, "utf16le").toString("base64");
}

interface TenantNames {
  tenantId: string;
  tenantName: string;
  /** contoso.com */
  dnsDomain: string;
  /** CONTOSO */
  netbios: string;
  /** DC=corp,DC=contoso,DC=com */
  forestDn: string;
  forest: string;
}

function deriveNames(tenantId: string, tenantName: string): TenantNames {
  const label = tenantName.toLowerCase().replace(/[^a-z0-9]/g, "") || "contoso";
  const dnsDomain = `${label}.com`;
  const forest = `corp.${dnsDomain}`;
  return {
    tenantId,
    tenantName,
    dnsDomain,
    netbios: label.toUpperCase().slice(0, 15),
    forest,
    forestDn: forest
      .split(".")
      .map((p) => `DC=${p}`)
      .join(","),
  };
}

function pickScenarios(prng: Prng, count: number, distribution: Record<Scenario, number>): Scenario[] {
  const enabled = SCENARIOS.filter((s) => distribution[s] > 0);
  if (enabled.length === 0) throw new Error("distribution disables every scenario");
  const total = enabled.reduce((sum, s) => sum + distribution[s], 0);
  const out: Scenario[] = count >= enabled.length ? [...enabled] : [];
  while (out.length < count) {
    let r = prng.next() * total;
    let chosen: Scenario = enabled[enabled.length - 1] as Scenario;
    for (const s of enabled) {
      r -= distribution[s];
      if (r < 0) {
        chosen = s;
        break;
      }
    }
    out.push(chosen);
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(prng.next() * (i + 1));
    [out[i], out[j]] = [out[j] as Scenario, out[i] as Scenario];
  }
  return out;
}

interface Machine {
  index: number;
  scenario: Scenario;
  hostname: string;
  user: { first: string; last: string; sam: string; upn: string };
  deviceId: string;
  objectId: string;
  trustType: TrustType;
  windows: boolean;
  thumbprint: string;
  publicKeySha256: Buffer;
  registrationMs: number;
  certFromMs: number;
  certToMs: number;
  keyContainerId: string;
  tpm: boolean;
  osVersion: string;
  operatingSystem: string;
  manufacturer: string;
  model: string;
  managed: boolean;
  computerDn: string | null;
  hwid: string;
}

export function generateTenant(options: GenerateTenantOptions): GeneratedTenant {
  const prng = createPrng(options.seed);
  const nowMs = new Date(options.now ?? DEFAULT_NOW).getTime();
  if (Number.isNaN(nowMs)) throw new Error(`invalid now: ${String(options.now)}`);
  const tenantId = options.tenantId ?? createPrng(hashSeed(`tenant:${options.seed}`)).guid();
  const names = deriveNames(tenantId, options.tenantName ?? "Contoso");
  const distribution = { ...DEFAULT_DISTRIBUTION, ...options.distribution };
  const includeReports = options.includeReports ?? true;
  const agentVersion = options.agentVersion ?? "1.4.2";

  const corpOu = `OU=Corp,${names.forestDn}`;
  const syncScope = {
    forest: names.forest,
    includeDns: [`OU=Workstations,${corpOu}`, `OU=Laptops,${corpOu}`],
    excludeDns: [`OU=Disabled Computers,OU=Workstations,${corpOu}`],
  };
  const sidBase = `S-1-5-21-${prng.int(1_000_000_000, 4_000_000_000)}-${prng.int(1_000_000_000, 4_000_000_000)}-${prng.int(1_000_000_000, 4_000_000_000)}`;

  const devices: GraphDevice[] = [];
  const deletedDevices: GraphDevice[] = [];
  const reports: SimulatedReport[] = [];
  const bitlockerKeys: BitlockerRecoveryKeyInfo[] = [];
  const lapsCredentials: DeviceLocalCredentialInfo[] = [];
  const machines: SimulatedMachine[] = [];
  /** 20 first names × 20 last names repeat in a large tenant: the second Adele Vance is adele.vance2 (no random draw, so smaller tenants are unchanged). */
  const usersSeen = new Map<string, number>();

  const scenarios = pickScenarios(prng, options.deviceCount, distribution);
  scenarios.forEach((scenario, index) => {
    const m = createMachine(prng, names, scenario, index, nowMs, syncScope.includeDns, corpOu);
    const seen = (usersSeen.get(m.user.upn) ?? 0) + 1;
    usersSeen.set(m.user.upn, seen);
    if (seen > 1) m.user = { ...m.user, sam: `${m.user.sam}${seen}`, upn: m.user.upn.replace("@", `${seen}@`) };
    const result = buildScenario(prng, names, m, nowMs, sidBase);
    const own = result.devices[0] ?? result.deleted[0] ?? null;
    machines.push({
      hostname: m.hostname,
      scenario,
      windows: m.windows,
      userPrincipalName: m.user.upn,
      userDisplayName: `${m.user.first} ${m.user.last}`,
      deviceId: m.deviceId,
      trustType: m.trustType,
      operatingSystem: m.operatingSystem,
      isCompliant: own?.isCompliant ?? null,
      isManaged: own?.isManaged ?? null,
      leftoverDeviceId: scenario === "duplicate-device" ? (result.devices.find((d) => d.trustType === "Workplace")?.deviceId ?? null) : null,
    });
    devices.push(...result.devices);
    deletedDevices.push(...result.deleted);
    const keyHolders = [...result.devices, ...result.deleted].filter((d) => d.trustType === "AzureAd" || d.trustType === "ServerAd");
    for (const d of keyHolders) {
      if (!d.registrationDateTime) continue;
      const regMs = Date.parse(d.registrationDateTime);
      bitlockerKeys.push({
        id: prng.guid(),
        createdDateTime: graphTime(regMs + prng.int(1, 72) * HOUR),
        volumeType: "operatingSystemVolume",
        deviceId: d.deviceId,
      });
      if (prng.chance(0.2)) {
        bitlockerKeys.push({
          id: prng.guid(),
          createdDateTime: graphTime(regMs + prng.int(2, 96) * HOUR),
          volumeType: "fixedDataVolume",
          deviceId: d.deviceId,
        });
      }
      if (prng.chance(0.7)) {
        const backup = nowMs - prng.int(0, 29 * 24) * HOUR;
        lapsCredentials.push({
          id: d.deviceId,
          deviceName: d.displayName,
          lastBackupDateTime: graphTime(backup),
          refreshDateTime: graphTime(backup + 30 * DAY),
        });
      }
    }
    if (includeReports && result.report) {
      reports.push({
        hostname: m.hostname,
        capturedAt: new Date(result.report.capturedMs).toISOString(),
        agentVersion,
        dsregcmd: renderDsregcmd(result.report.state),
        computerDn: m.computerDn,
        events: result.report.events,
        scenario,
        deviceId: result.report.state.device?.deviceId ?? result.report.state.workAccounts[0]?.workplaceDeviceId ?? null,
        objectId: result.report.objectId,
      });
    }
  });

  return { tenantId, tenantName: names.tenantName, devices, deletedDevices, reports, bitlockerKeys, lapsCredentials, syncScope, machines };
}

function createMachine(prng: Prng, names: TenantNames, scenario: Scenario, index: number, nowMs: number, includeDns: string[], corpOu: string): Machine {
  const trustType: TrustType = (() => {
    switch (scenario) {
      case "healthy-entra":
        return "AzureAd";
      case "healthy-registered":
        return "Workplace";
      case "healthy-hybrid":
      case "pending-hybrid":
      case "out-of-sync-scope":
      case "duplicate-device":
        return "ServerAd";
      case "stale-device":
        return prng.pick(["ServerAd", "AzureAd", "Workplace"] as const);
      case "object-deleted":
        // Half are Entra joined, so soft delete (preview) leaves some in deletedItems.
        return prng.chance(0.5) ? "ServerAd" : "AzureAd";
      default:
        return prng.chance(0.6) ? "ServerAd" : "AzureAd";
    }
  })();
  const mobile = trustType === "Workplace" && prng.chance(0.5) ? prng.pick(MOBILE) : null;
  const first = prng.pick(FIRST_NAMES);
  const last = prng.pick(LAST_NAMES);
  const prefix = trustType === "ServerAd" ? "PC" : trustType === "AzureAd" ? "LT" : "DESKTOP";
  const hostname =
    trustType === "Workplace" && !mobile
      ? `DESKTOP-${prng.hex(7).toUpperCase()}`
      : mobile
        ? `${first}'s ${mobile.hw[1]}`
        : `${prefix}-${String(index + 1).padStart(5, "0")}`;
  const registrationMs = nowMs - prng.int(20, 1400) * DAY - prng.int(0, DAY / 1000) * 1000;
  const certFromMs = registrationMs - prng.int(0, 300) * 1000;
  const certTo = new Date(certFromMs);
  certTo.setUTCFullYear(certTo.getUTCFullYear() + 10);
  const certToMs = certTo.getTime() + prng.int(30, 90) * MINUTE;
  const [manufacturer, model] = mobile ? mobile.hw : prng.pick(HARDWARE);
  const ou = trustType === "ServerAd" ? (scenario === "out-of-sync-scope" ? `OU=Staging,${corpOu}` : prng.pick(includeDns)) : null;
  const hwNum = () => String(prng.int(1_000_000, 9_999_999)) + String(prng.int(100_000_000, 999_999_999));
  return {
    index,
    scenario,
    hostname,
    user: { first, last, sam: `${first[0]}${last}`.toLowerCase(), upn: `${first}.${last}@${names.dnsDomain}`.toLowerCase() },
    deviceId: prng.guid(),
    objectId: prng.guid(),
    trustType,
    windows: !mobile,
    thumbprint: prng.hex(40).toUpperCase(),
    publicKeySha256: prng.bytes(32),
    registrationMs,
    certFromMs,
    certToMs,
    keyContainerId: prng.guid(),
    tpm: scenario !== "tpm-not-protected" && prng.chance(0.98),
    osVersion: mobile ? prng.pick(mobile.versions) : prng.pick(WINDOWS_VERSIONS),
    operatingSystem: mobile ? mobile.os : "Windows",
    manufacturer,
    model,
    managed: trustType !== "ServerAd" || prng.chance(0.8),
    computerDn: ou ? `CN=${hostname},${ou}` : null,
    hwid: hwNum(),
  };
}

function baseDevice(prng: Prng, names: TenantNames, m: Machine, nowMs: number, sidBase: string): GraphDevice {
  const hybrid = m.trustType === "ServerAd";
  const numeric = () => String(prng.int(1_000_000, 9_999_999)) + String(prng.int(100_000_000, 999_999_999));
  const physicalIds = [`[USER-GID]:${prng.guid()}:${numeric()}`, `[GID]:g:${numeric()}`, `[USER-HWID]:${prng.guid()}:${numeric()}`, `[HWID]:h:${m.hwid}`];
  if (m.trustType === "AzureAd" && prng.chance(0.6)) physicalIds.push(`[ZTDID]:${prng.guid()}`, "[OrderId]:Standard");
  const lastSignIn = nowMs - prng.int(0, 13 * 24) * HOUR - prng.int(0, 3600) * 1000;
  const extensionAttributes: Record<string, string | null> = {};
  for (let i = 1; i <= 15; i++) extensionAttributes[`extensionAttribute${i}`] = null;
  return {
    id: m.objectId,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeSecurityIds: [{ type: 2, identityProvider: null, key: buildAlternativeSecurityIdKey(m.thumbprint, m.publicKeySha256) }],
    approximateLastSignInDateTime: graphTime(lastSignIn),
    complianceExpirationDateTime: null,
    createdDateTime: graphTime(hybrid ? m.registrationMs - prng.int(1, 72) * HOUR : m.registrationMs),
    deviceCategory: null,
    deviceId: m.deviceId,
    deviceMetadata: null,
    deviceOwnership: m.trustType === "Workplace" ? "Personal" : "Company",
    deviceVersion: 2,
    displayName: m.hostname,
    enrollmentProfileName: physicalIds.some((p) => p.startsWith("[ZTDID]")) ? "Autopilot - User Driven" : null,
    enrollmentType: m.managed ? (m.trustType === "AzureAd" ? "AzureDomainJoined" : m.trustType === "ServerAd" ? "OnPremiseCoManaged" : "UserEnrollment") : null,
    extensionAttributes,
    externalSourceName: null,
    isCompliant: m.managed ? prng.chance(0.93) : null,
    isManaged: m.managed ? true : null,
    isRooted: false,
    managementType: m.managed ? "MDM" : null,
    manufacturer: m.manufacturer,
    mdmAppId: m.managed ? INTUNE_MDM_APP_ID : null,
    model: m.model,
    onPremisesLastSyncDateTime: hybrid ? graphTime(nowMs - prng.int(1, 30) * MINUTE) : null,
    onPremisesSecurityIdentifier: hybrid ? `${sidBase}-${10_000 + m.index}` : null,
    onPremisesSyncEnabled: hybrid ? true : null,
    operatingSystem: m.operatingSystem,
    operatingSystemVersion: m.osVersion,
    physicalIds,
    profileType: "RegisteredDevice",
    registrationDateTime: graphTime(m.registrationMs),
    sourceType: null,
    systemLabels: [],
    trustType: m.trustType,
  };
}

interface ScenarioResult {
  devices: GraphDevice[];
  deleted: GraphDevice[];
  report: { state: DsregcmdState; capturedMs: number; events: SimulatedEvent[]; objectId: string | null } | null;
}

function buildScenario(prng: Prng, names: TenantNames, m: Machine, nowMs: number, sidBase: string): ScenarioResult {
  const device = baseDevice(prng, names, m, nowMs, sidBase);
  const capturedMs = nowMs - prng.int(5, 6 * 60) * MINUTE;
  const state = healthyState(prng, names, m, capturedMs);
  const events: SimulatedEvent[] = [];
  const devices: GraphDevice[] = [device];
  const deleted: GraphDevice[] = [];
  let objectId: string | null = device.id;
  let hasReport = m.windows;
  const correlationId = prng.guid();
  const tokenEndpoint = `https://login.microsoftonline.com/${names.tenantId}/oauth2/token`;
  const evTime = (offsetMs: number) => new Date(capturedMs - offsetMs).toISOString();
  const traceSuffix = () =>
    `Trace ID: ${prng.guid()} Correlation ID: ${correlationId} Timestamp: ${new Date(capturedMs - 20 * MINUTE).toISOString().slice(0, 19).replace("T", " ")}Z`;

  const failPrt = (
    attemptStatus: string,
    aadsts: string | null,
    opts: { httpError?: string; httpStatus?: number | null; serverErrorCode?: string | null; kind?: "acquire" | "refresh" } = {},
  ) => {
    state.sso.azureAdPrt = false;
    state.sso.prtUpdateTime = null;
    state.sso.prtExpiryTime = null;
    state.sso.cloudTgt = false;
    state.sso.onPremTgt = false;
    state.sso.kerbTopLevelNames = null;
    state.sso.diagnostics = {
      kind: opts.kind ?? "acquire",
      previousAttempt: new Date(capturedMs - 20 * MINUTE),
      attemptStatus,
      userIdentity: m.user.upn,
      credentialType: "Password",
      correlationId,
      endpointUri: `${tokenEndpoint}/`,
      httpMethod: "POST",
      httpError: opts.httpError ?? "0x0",
      httpStatus: opts.httpStatus === undefined ? 400 : opts.httpStatus,
      serverErrorCode: opts.serverErrorCode === undefined ? "invalid_grant" : opts.serverErrorCode,
      serverErrorDescription: aadsts ? `${aadsts} ${traceSuffix()}` : null,
    };
  };
  const deviceAuthFailed = () => {
    if (state.device) state.device.deviceAuthStatus = "FAILED. Device is either disabled or deleted";
  };
  const aadEvent = (id: number, offsetMs: number, message: string, level: SimulatedEvent["level"] = "Error"): void => {
    events.push({ id, time: evTime(offsetMs), level, task: "AadCloudAPPlugin Operation", message, log: AAD_LOG });
  };
  const serverErrorEvent = (aadsts: string) =>
    aadEvent(
      1081,
      20 * MINUTE,
      `OAuth response error: invalid_grant\r\nError description: ${aadsts} ${traceSuffix()}\r\nCorrelationID: ${correlationId}\r\nLogon context: Interactive logon.`,
    );

  switch (m.scenario) {
    case "healthy-hybrid":
    case "healthy-entra":
    case "healthy-registered":
      break;
    case "tpm-not-protected":
      break;
    case "pending-hybrid": {
      device.alternativeSecurityIds = [];
      device.registrationDateTime = null;
      device.approximateLastSignInDateTime = null;
      device.isCompliant = null;
      device.isManaged = null;
      device.mdmAppId = null;
      device.managementType = null;
      device.enrollmentType = null;
      device.manufacturer = null;
      device.model = null;
      device.physicalIds = [`[GID]:g:${String(prng.int(1_000_000, 9_999_999))}${String(prng.int(100_000_000, 999_999_999))}`];
      const syncedMs = nowMs - prng.int(1, 14 * 24) * HOUR;
      device.createdDateTime = graphTime(syncedMs);
      device.onPremisesLastSyncDateTime = graphTime(syncedMs);
      state.azureAdJoined = false;
      state.device = null;
      state.tenant = null;
      state.sso.azureAdPrt = false;
      state.sso.prtUpdateTime = null;
      state.sso.prtExpiryTime = null;
      state.sso.cloudTgt = false;
      state.sso.kerbTopLevelNames = null;
      state.user.ngcSet = false;
      state.user.wamDefaultSet = false;
      state.diagnostics.postJoin = null;
      state.ngcPrerequisite = null;
      const requestId = prng.guid();
      const attemptMs = syncedMs - prng.int(1, 48) * HOUR;
      const serverMessage = `The device object by the given id (${m.deviceId}) is not found.`;
      state.diagnostics.preJoin = {
        userContext: "UN-ELEVATED User",
        clientTime: new Date(capturedMs),
        adConnectivityTest: "PASS",
        adConfigurationTest: "PASS",
        drsDiscoveryTest: "SKIPPED",
        drsConnectivityTest: "SKIPPED",
        tokenAcquisitionTest: "SKIPPED",
        fallbackToSyncJoin: "ENABLED",
        previousRegistration: new Date(attemptMs),
        registrationType: "sync",
        errorPhase: "join",
        clientErrorCode: "0x801c03f2",
        serverErrorCode: "DirectoryError",
        serverMessage,
        httpsStatus: 400,
        requestId,
      };
      events.push(
        {
          id: 204,
          time: new Date(attemptMs).toISOString(),
          level: "Error",
          task: null,
          message: `The get join response operation callback failed with exit code: Unknown HResult Error code: 0x801c03f2.\r\nActivity Id: ${prng.guid()}\r\nThe server returned HTTP status: 400\r\nServer response was: {"ErrorType":"DirectoryError","Message":"${serverMessage}","TraceId":"${requestId}","Time":"${new Date(attemptMs).toISOString()}"}`,
          log: UDR_LOG,
        },
        {
          id: 304,
          time: new Date(attemptMs + 1000).toISOString(),
          level: "Error",
          task: null,
          message:
            "Automatic registration failed at join phase.\r\nExit code: Unknown HResult Error code: 0x801c03f2.\r\nServer error: " +
            serverMessage +
            `\r\nTenant type: Managed\r\nRegistration type: sync\r\nDebug Output:\r\njoinMode: Join\r\ndrsInstance: azure\r\nregistrationType: sync\r\ntenantType: Managed\r\ntenantId: ${names.tenantId}\r\nconfigLocation: undefined\r\nerrorPhase: join\r\nadalCorrelationId: undefined`,
          log: UDR_LOG,
        },
      );
      break;
    }
    case "alt-security-ids-missing":
      device.alternativeSecurityIds = [];
      deviceAuthFailed();
      failPrt("0xc000006a", "AADSTS50155: Device authentication failed for this user.");
      serverErrorEvent("AADSTS50155: Device authentication failed for this user.");
      break;
    case "object-disabled":
      device.accountEnabled = false;
      deviceAuthFailed();
      failPrt("0xc000006a", "AADSTS135011: Device used during the authentication is disabled.");
      serverErrorEvent("AADSTS135011: Device used during the authentication is disabled.");
      break;
    case "object-deleted": {
      devices.length = 0;
      objectId = null;
      // Soft delete (preview) keeps Entra-joined and registered objects for 30 days; hybrid ones are hard-deleted.
      if (m.trustType !== "ServerAd") deleted.push({ ...device, deletedDateTime: graphTime(nowMs - prng.int(1, 25) * DAY) });
      deviceAuthFailed();
      failPrt("0xc000006a", "AADSTS50155: Device authentication failed for this user.");
      serverErrorEvent("AADSTS50155: Device authentication failed for this user.");
      break;
    }
    case "duplicate-device": {
      // The machine was registered (Workplace) before it became hybrid joined; the old object lingers.
      const oldRegMs = m.registrationMs - prng.int(30, 400) * DAY;
      const workplace: GraphDevice = {
        ...baseDevice(
          prng,
          names,
          {
            ...m,
            trustType: "Workplace",
            objectId: prng.guid(),
            deviceId: prng.guid(),
            thumbprint: prng.hex(40).toUpperCase(),
            publicKeySha256: prng.bytes(32),
            registrationMs: oldRegMs,
          },
          nowMs,
          sidBase,
        ),
        approximateLastSignInDateTime: graphTime(m.registrationMs - prng.int(1, 10) * DAY),
        deviceOwnership: "Company",
      };
      devices.push(workplace);
      break;
    }
    case "stale-device":
      device.approximateLastSignInDateTime = graphTime(nowMs - prng.int(95, 420) * DAY);
      hasReport = false;
      break;
    case "thumbprint-mismatch":
      if (state.device) state.device.thumbprint = prng.hex(40).toUpperCase();
      deviceAuthFailed();
      failPrt("0xc000006a", "AADSTS50155: Device authentication failed for this user.");
      serverErrorEvent("AADSTS50155: Device authentication failed for this user.");
      break;
    case "cert-validity-vs-registered": {
      const shift = prng.chance(0.5) ? prng.int(3, 23) * HOUR : prng.int(2, 500) * DAY;
      if (state.device) {
        state.device.certValidFrom = new Date(m.certFromMs - shift);
        state.device.certValidTo = new Date(m.certToMs - shift);
      }
      break;
    }
    case "out-of-sync-scope":
      // Half are caught before the next Connect cycle, half after it deleted the cloud object.
      if (prng.chance(0.5)) {
        devices.length = 0;
        objectId = null;
        deviceAuthFailed();
        failPrt("0xc000006a", "AADSTS700003: Device object was not found in the tenant directory.");
        serverErrorEvent("AADSTS700003: Device object was not found in the tenant directory.");
      }
      break;
    case "prt-expired": {
      const updateMs = capturedMs - prng.int(15, 30) * DAY;
      state.sso.prtUpdateTime = new Date(updateMs);
      state.sso.prtExpiryTime = new Date(updateMs + 14 * DAY);
      state.sso.diagnostics = {
        kind: "refresh",
        previousAttempt: new Date(capturedMs - 30 * MINUTE),
        attemptStatus: "0xc000023c",
        userIdentity: m.user.upn,
        credentialType: "Password",
        correlationId,
        endpointUri: `${tokenEndpoint}/`,
        httpMethod: "POST",
        httpError: "0x80072efd",
        httpStatus: null,
        serverErrorCode: null,
        serverErrorDescription: null,
      };
      aadEvent(
        1084,
        30 * MINUTE,
        "Error: 0xCAA82EFD A connection with the server could not be established\r\nLogged at WinHttpRequest.cpp, line: 250, method: WinHttpRequest::SendRequest.\r\nRequest: authority: https://login.microsoftonline.com/common, client: 38aa3b87-a06d-4817-b275-7a316988d93b, redirect URI: ms-appx-web://Microsoft.AAD.BrokerPlugin/38aa3b87-a06d-4817-b275-7a316988d93b",
      );
      aadEvent(
        1097,
        29 * MINUTE,
        "Error: 0xCAA90056 Renew token by the primary refresh token failed.\r\nLogged at RefreshTokenRequest.cpp, line: 148, method: RefreshTokenRequest::AcquireToken.",
        "Warning",
      );
      break;
    }
    case "prt-wrong-password":
      failPrt("0xc000006d", "AADSTS50126: Error validating credentials due to invalid username or password.");
      serverErrorEvent("AADSTS50126: Error validating credentials due to invalid username or password.");
      aadEvent(
        1098,
        19 * MINUTE,
        "Error: 0xC000006A Logon failure: unknown user name or bad password.\r\nLogged at AadCloudAPPlugin.cpp, line: 7, method: ProcessOAuthResponse.",
      );
      break;
    case "run-as-system":
      state.diagnostics.executingAccountName = "NT AUTHORITY\\SYSTEM";
      state.diagnostics.keySignTest = "PASSED";
      state.sso.azureAdPrt = false;
      state.sso.prtUpdateTime = null;
      state.sso.prtExpiryTime = null;
      state.sso.cloudTgt = false;
      state.sso.onPremTgt = false;
      state.sso.kerbTopLevelNames = null;
      state.user.ngcSet = false;
      state.user.wamDefaultSet = false;
      state.ngcPrerequisite = null;
      break;
  }

  return { devices, deleted, report: hasReport ? { state, capturedMs, events, objectId } : null };
}

function healthyState(prng: Prng, names: TenantNames, m: Machine, capturedMs: number): DsregcmdState {
  const joined = m.trustType !== "Workplace";
  const hybrid = m.trustType === "ServerAd";
  const prtUpdateMs = capturedMs - prng.int(1, 4 * 60) * MINUTE;
  const fqdn = hybrid ? `${m.hostname}.${names.forest}` : m.hostname;
  const executing = hybrid
    ? `${names.netbios}\\${m.user.sam}, ${m.user.upn}`
    : m.trustType === "AzureAd"
      ? `AzureAD\\${m.user.first}${m.user.last}, ${m.user.upn}`
      : `${m.hostname}\\${m.user.first.toLowerCase()}, ${m.user.first.toLowerCase()}@outlook.com`;
  return {
    azureAdJoined: joined,
    enterpriseJoined: false,
    domainJoined: hybrid,
    domainName: hybrid ? names.netbios : null,
    virtualDesktop: "NOT SET",
    deviceName: fqdn,
    device: joined
      ? {
          deviceId: m.deviceId,
          thumbprint: m.thumbprint,
          certValidFrom: new Date(m.certFromMs),
          certValidTo: new Date(m.certToMs),
          keyContainerId: m.keyContainerId,
          keyProvider: m.tpm ? "Microsoft Platform Crypto Provider" : "Microsoft Software Key Storage Provider",
          tpmProtected: m.tpm,
          deviceAuthStatus: "SUCCESS",
        }
      : null,
    tenant: joined ? { tenantId: names.tenantId, tenantName: names.tenantName } : null,
    user: {
      ngcSet: joined && prng.chance(0.85),
      ngcKeyId: `{${prng.guid().toUpperCase()}}`,
      canReset: "DestructiveAndNonDestructive",
      workplaceJoined: !joined,
      workAccountCount: joined ? null : 1,
      wamDefaultSet: true,
      wamDefaultAuthority: "organizations",
      wamDefaultId: "https://login.microsoft.com",
      wamDefaultGuid: "{B16898C6-A148-4967-9171-64D755DA8520} (AzureAd)",
    },
    sso: {
      azureAdPrt: joined,
      prtUpdateTime: joined ? new Date(prtUpdateMs) : null,
      prtExpiryTime: joined ? new Date(prtUpdateMs + 14 * 24 * HOUR + prng.int(0, 120) * 1000) : null,
      prtAuthority: `https://login.microsoftonline.com/${names.tenantId}`,
      enterprisePrt: false,
      onPremTgt: hybrid,
      cloudTgt: joined,
      kerbTopLevelNames: joined ? ".windows.net,.windows.net:1433,.windows.net:3342,.azure.net,.azure.net:1433,.azure.net:3342" : null,
      diagnostics: null,
    },
    diagnostics: {
      aadRecoveryEnabled: false,
      executingAccountName: executing,
      keySignTest: "MUST Run elevated to test.",
      preJoin: null,
      postJoin: joined ? { displayNameUpdated: "YES", osVersionUpdated: "YES", hostNameUpdated: "YES", lastHostNameUpdate: "SUCCESS" } : null,
    },
    workAccounts: joined
      ? []
      : [
          {
            workplaceDeviceId: m.deviceId,
            workplaceThumbprint: m.thumbprint,
            certValidFrom: new Date(m.certFromMs),
            certValidTo: new Date(m.certToMs),
            keyContainerId: m.keyContainerId,
            keyProvider: m.tpm ? "Microsoft Platform Crypto Provider" : "Microsoft Software Key Storage Provider",
            tpmProtected: m.tpm,
            workplaceTenantId: names.tenantId,
            workplaceTenantName: names.tenantName,
            workplaceMdmUrl: "https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc",
            workplaceSettingsUrl: "",
            ngcSet: false,
          },
        ],
    winHttpAccessType: "DIRECT",
    ngcPrerequisite: joined
      ? {
          isDeviceJoined: true,
          isUserAzureAd: true,
          policyEnabled: true,
          postLogonEnabled: true,
          deviceEligible: true,
          sessionIsNotRemote: true,
          certEnrollment: "none",
          preReqResult: "WillProvision",
        }
      : null,
  };
}
