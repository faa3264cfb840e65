/**
 * The simulated tenants as the login and Graph routes see them: each tenant's app registrations (secrets,
 * certificates, granted permissions), verified domains, directory store and delta bookkeeping.
 */
import { X509Certificate } from "node:crypto";
import { DeviceStore, type DeltaRef } from "./device-store";
import { createPrng, type Prng } from "./prng";
import { SignInLog } from "./sign-ins/sign-in-log";
import type { SimSignIn } from "./sign-ins/sim-sign-in";
import type { SimConnectorGroup } from "./application-proxy-types";
import type { BitlockerRecoveryKeyInfo, DeviceLocalCredentialInfo, GraphDevice } from "./types";

export interface SimApp {
  clientId: string;
  /** Client secret value; omit for certificate-only apps. */
  clientSecret?: string;
  /** Application permissions granted with admin consent, e.g. "Device.Read.All". They become the token's `roles`. */
  permissions: string[];
  /** PEM certificates registered on the app, for the client-assertion flow. */
  certificates?: string[];
  displayName?: string;
  /**
   * Web redirect URIs: the app signs users in (authorization code + PKCE, login/authorize.ts) and may only be sent
   * back to these, exactly as registered.
   */
  redirectUris?: string[];
}

/**
 * A user who can sign in on the authorize endpoint's form. `appRoles`: the app role values assigned to the user on
 * each app (by client id), which become the ID token's `roles`; `groups`: group object ids for the `groups` claim.
 */
export interface SimUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  appRoles?: Record<string, string[]>;
  groups?: string[];
}

export interface SimTenant {
  tenantId: string;
  tenantName: string;
  /** The primary app registration (the one JoinScope is configured with). */
  clientId: string;
  clientSecret?: string;
  permissions: string[];
  clientCertificates?: string[];
  /** More app registrations in the same tenant, e.g. one without Device.Read.All. */
  extraApps?: SimApp[];
  /** Users who can sign in interactively (the authorize endpoint's form lists them). */
  users?: readonly SimUser[];
  /** Verified domains; `<label>.onmicrosoft.com` is added automatically. */
  domains?: string[];
  devices: readonly GraphDevice[];
  deletedDevices?: readonly GraphDevice[];
  bitlockerKeys?: readonly BitlockerRecoveryKeyInfo[];
  lapsCredentials?: readonly DeviceLocalCredentialInfo[];
  /** The sign-in log `/auditLogs/signIns` serves, any order (simulator/sign-ins/generate-sign-ins.ts makes one). */
  signIns?: readonly SimSignIn[];
  /**
   * The tenant holds Microsoft Entra ID P1 or P2, which the sign-in log's API requires
   * (https://learn.microsoft.com/graph/api/resources/signin). Default true; false answers 403 as Graph does.
   */
  premium?: boolean;
  /** Application Proxy's connector groups with their connectors and apps (simulator/graph/application-proxy.ts); none by default. */
  applicationProxy?: readonly SimConnectorGroup[];
}

/** A registered certificate with the thumbprints a client assertion's `x5t` / `x5t#S256` header names. */
export interface RegisteredCertificate {
  sha1: string;
  sha256: string;
  cert: X509Certificate;
}

export interface RegisteredApp extends SimApp {
  certs: RegisteredCertificate[];
  secretExpired?: boolean;
}

export interface DeltaSession {
  refs: readonly DeltaRef[];
  /** The store version the round's token was issued at (-1: the first round). */
  since: number;
  targetVersion: number;
  issuedAt: number;
}

export interface TenantRuntime {
  config: SimTenant;
  store: DeviceStore;
  apps: Map<string, RegisteredApp>;
  domains: Set<string>;
  /** Delta bookkeeping. */
  nextDeltaSerial: number;
  expiredBeforeSerial: number;
  resetBeforeSerial: number;
  deltaSessions: Map<string, DeltaSession>;
  /** Seeded choices of the strict delta (duplicates, replays), so a test run is reproducible. */
  prng: Prng;
  filteredSnapshots: Map<string, readonly GraphDevice[]>;
  signInLog: SignInLog;
  premium: boolean;
}

function buildTenantRuntime(t: SimTenant, seed: number): TenantRuntime {
  const primary: SimApp = {
    clientId: t.clientId,
    ...(t.clientSecret !== undefined ? { clientSecret: t.clientSecret } : {}),
    permissions: t.permissions,
    certificates: t.clientCertificates ?? [],
    displayName: "JoinScope",
  };
  const apps = new Map<string, RegisteredApp>();
  for (const app of [primary, ...(t.extraApps ?? [])]) {
    const certs = (app.certificates ?? []).map((pem) => {
      const cert = new X509Certificate(pem);
      return { sha1: cert.fingerprint.replaceAll(":", "").toUpperCase(), sha256: cert.fingerprint256.replaceAll(":", "").toUpperCase(), cert };
    });
    apps.set(app.clientId.toLowerCase(), { ...app, certs });
  }
  const label = t.tenantName.toLowerCase().replace(/[^a-z0-9]/g, "") || "tenant";
  const domains = new Set([`${label}.onmicrosoft.com`, ...(t.domains ?? []).map((d) => d.toLowerCase())]);
  return {
    config: t,
    store: new DeviceStore({
      tenantId: t.tenantId,
      tenantName: t.tenantName,
      devices: t.devices,
      ...(t.deletedDevices ? { deletedDevices: t.deletedDevices } : {}),
      ...(t.bitlockerKeys ? { bitlockerKeys: t.bitlockerKeys } : {}),
      ...(t.lapsCredentials ? { lapsCredentials: t.lapsCredentials } : {}),
    }),
    apps,
    domains,
    nextDeltaSerial: 1,
    expiredBeforeSerial: 0,
    resetBeforeSerial: 0,
    deltaSessions: new Map(),
    prng: createPrng(seed),
    filteredSnapshots: new Map(),
    signInLog: new SignInLog(t.signIns ?? []),
    premium: t.premium ?? true,
  };
}

export interface TenantDirectory {
  /** By tenant id, in any case (an access token's `tid`). */
  get(tenantId: string): TenantRuntime | undefined;
  /** By tenant id or verified domain, as the login host's first path segment names it. */
  find(segment: string): TenantRuntime | undefined;
  /** Every tenant, in the order the simulator was given them. */
  all(): TenantRuntime[];
}

export function createTenantDirectory(tenants: readonly SimTenant[], seed: number): TenantDirectory {
  const byId = new Map<string, TenantRuntime>();
  for (const t of tenants) byId.set(t.tenantId.toLowerCase(), buildTenantRuntime(t, seed));
  return {
    get: (tenantId) => byId.get(tenantId.toLowerCase()),
    find: (segment) => {
      const s = segment.toLowerCase();
      const found = byId.get(s);
      if (found) return found;
      for (const t of byId.values()) if (t.domains.has(s)) return t;
      return undefined;
    },
    all: () => [...byId.values()],
  };
}
