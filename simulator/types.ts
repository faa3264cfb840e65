/**
 * Shapes the simulator speaks. `GraphDevice` is a Microsoft Graph v1.0 `device` exactly as
 * `GET /v1.0/devices` returns it (https://learn.microsoft.com/graph/api/resources/device), so the
 * sync code can be tested against the same JSON it will meet in a real tenant.
 */

export interface GraphAlternativeSecurityId {
  type: number;
  identityProvider: string | null;
  /** Base64 of UTF-16LE `X509:<SHA1-TP-PUBKEY>` + 40-hex thumbprint + base64 SHA-256 of the public key. */
  key: string;
}

export type TrustType = "AzureAd" | "ServerAd" | "Workplace";

export interface GraphDevice {
  id: string;
  deletedDateTime: string | null;
  accountEnabled: boolean;
  alternativeSecurityIds: GraphAlternativeSecurityId[];
  approximateLastSignInDateTime: string | null;
  complianceExpirationDateTime: string | null;
  createdDateTime: string | null;
  deviceCategory: string | null;
  deviceId: string;
  deviceMetadata: string | null;
  deviceOwnership: string | null;
  deviceVersion: number | null;
  displayName: string;
  enrollmentProfileName: string | null;
  enrollmentType: string | null;
  extensionAttributes: Record<string, string | null>;
  externalSourceName: string | null;
  isCompliant: boolean | null;
  isManaged: boolean | null;
  isRooted: boolean | null;
  managementType: string | null;
  manufacturer: string | null;
  mdmAppId: string | null;
  model: string | null;
  onPremisesLastSyncDateTime: string | null;
  onPremisesSecurityIdentifier: string | null;
  onPremisesSyncEnabled: boolean | null;
  operatingSystem: string | null;
  operatingSystemVersion: string | null;
  physicalIds: string[];
  profileType: string | null;
  registrationDateTime: string | null;
  sourceType: string | null;
  systemLabels: string[];
  trustType: TrustType | null;
  /** Admin exports may carry properties the simulator does not model; they are served as-is. */
  [extra: string]: unknown;
}

/** `GET /v1.0/informationProtection/bitlocker/recoveryKeys` item: metadata only, never the key. */
export interface BitlockerRecoveryKeyInfo {
  id: string;
  createdDateTime: string;
  volumeType: "operatingSystemVolume" | "fixedDataVolume" | "removableDataVolume" | "unknownFutureValue";
  deviceId: string;
}

/** `GET /v1.0/directory/deviceLocalCredentials` item (Windows LAPS); `id` is the deviceId. */
export interface DeviceLocalCredentialInfo {
  id: string;
  deviceName: string;
  lastBackupDateTime: string;
  refreshDateTime: string;
}

/** One event as the JoinScope agent uploads it (same shape as `AgentEvent` in lib/reports/types.ts). */
export interface SimulatedEvent {
  id: number;
  time: string;
  level: "Error" | "Warning" | "Information";
  task: string | null;
  message: string;
  log: string;
}

export const SCENARIOS = [
  "healthy-hybrid",
  "healthy-entra",
  "healthy-registered",
  "pending-hybrid",
  "alt-security-ids-missing",
  "object-disabled",
  "object-deleted",
  "duplicate-device",
  "stale-device",
  "thumbprint-mismatch",
  "cert-validity-vs-registered",
  "out-of-sync-scope",
  "prt-expired",
  "prt-wrong-password",
  "run-as-system",
  "tpm-not-protected",
] as const;

export type Scenario = (typeof SCENARIOS)[number];

/** What the JoinScope Windows agent would upload for one machine. */
export interface SimulatedReport {
  hostname: string;
  /** ISO 8601 UTC. */
  capturedAt: string;
  agentVersion: string;
  /** Full `dsregcmd /status` output, CRLF line endings. */
  dsregcmd: string;
  /** The computer's AD distinguished name (hybrid and domain-joined machines), else null. */
  computerDn: string | null;
  events: SimulatedEvent[];
  scenario: Scenario;
  /** Ground truth for tests: the registration id printed by dsregcmd, and the Graph object it belongs to (null when gone). */
  deviceId: string | null;
  objectId: string | null;
}

/** Entra Connect scope for the simulated forest: DNs are in scope when their longest matching suffix is an include. */
export interface SimulatedSyncScope {
  forest: string;
  includeDns: string[];
  excludeDns: string[];
}

/**
 * One machine as the sign-in generator needs it (simulator/sign-ins/generate-sign-ins.ts): its user, the device it
 * presents, and its scenario, which decides whether it can present it.
 */
export interface SimulatedMachine {
  hostname: string;
  scenario: Scenario;
  /** A Windows PC (false: a phone or Mac registered by its user). */
  windows: boolean;
  userPrincipalName: string;
  userDisplayName: string;
  /** The device object's deviceId (the registration dsregcmd prints), also for an object since deleted. */
  deviceId: string;
  trustType: TrustType;
  operatingSystem: string;
  isCompliant: boolean | null;
  isManaged: boolean | null;
  /** duplicate-device: the Workplace registration left from before the hybrid join, which browsers present. */
  leftoverDeviceId: string | null;
}

export interface GeneratedTenant {
  tenantId: string;
  tenantName: string;
  devices: GraphDevice[];
  /** Soft-deleted devices as `/beta/directory/deletedItems/microsoft.graph.device` lists them. */
  deletedDevices: GraphDevice[];
  reports: SimulatedReport[];
  bitlockerKeys: BitlockerRecoveryKeyInfo[];
  lapsCredentials: DeviceLocalCredentialInfo[];
  syncScope: SimulatedSyncScope;
  /** Every machine, in generation order (also those without a report). */
  machines: SimulatedMachine[];
}
