/**
 * Sign-in events consistent with the generated tenant's device scenarios (simulator/generate-tenant.ts), so the pull,
 * the join and the rules meet the whole story: a machine without a PRT makes blocked browser sign-ins with no device,
 * a disabled object is presented and refused, the duplicate-device machine's browser presents its leftover
 * registration, a user on Chrome without the Microsoft Single Sign On extension is blocked on a healthy PC, and so on.
 *
 * The tenant has one device policy, as Microsoft's template "Require compliant or hybrid joined device" builds it
 * (https://learn.microsoft.com/entra/identity/conditional-access/howto-conditional-access-policy-compliant-device):
 * grant with RequireCompliantDevice or RequireDomainJoinedDevice. A device passes when the client presents it and it is
 * hybrid joined, or compliant; otherwise the sign-in fails with 53000. Which clients present the device on Windows
 * follows https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-conditions.
 *
 * Seeded and deterministic: the same tenant and options give the same events, newest first.
 */
import { createPrng, hashSeed, type Prng } from "../prng";
import type { GeneratedTenant, SimulatedMachine, TrustType } from "../types";
import type { SimSignIn, SimSignInPolicy } from "./sim-sign-in";

export interface GenerateSignInsOptions {
  seed: number;
  /** The tenant's "now" (generateTenant's): events fall in the `days` before it. Default 2025-03-10T12:00:00Z. */
  now?: Date | string;
  days?: number;
  /** Sign-ins per Windows machine per day, on average (default 4). Ignored when `count` is given. */
  perMachinePerDay?: number;
  /** Exactly this many events (the bench), drawn machine after machine. */
  count?: number;
  /** Only sign-ins Conditional Access blocked (the bench's million are all pulled). */
  blockedOnly?: boolean;
}

const DAY = 86_400_000;
const DEFAULT_NOW = "2025-03-10T12:00:00Z";

const APPS = {
  officeHome: { id: "4765445b-32c6-49b0-83e6-1d93765276ca", name: "OfficeHome" },
  teams: { id: "1fec8e78-bce4-4aaf-ab1b-5451cc387264", name: "Microsoft Teams" },
  office: { id: "d3590ed6-52b3-4102-aeff-aad2292ab01c", name: "Microsoft Office" },
  outlookMobile: { id: "27922004-5251-4030-b22d-91ecd9a37ea4", name: "Outlook Mobile" },
} as const;
const RESOURCES = [
  { id: "00000002-0000-0ff1-ce00-000000000000", name: "Office 365 Exchange Online" },
  { id: "00000003-0000-0ff1-ce00-000000000000", name: "Office 365 SharePoint Online" },
  { id: "00000003-0000-0000-c000-000000000000", name: "Microsoft Graph" },
] as const;

const DEVICE_POLICY = {
  id: "2b6f4c1e-8d3a-4e5b-9c7d-1a2f3e4d5c6b",
  displayName: "Require compliant or hybrid joined device",
  enforcedGrantControls: ["RequireCompliantDevice", "RequireDomainJoinedDevice"],
  enforcedSessionControls: [],
};
const MFA_ADMINS = {
  id: "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  displayName: "Require MFA for admins",
  enforcedGrantControls: ["Mfa"],
  enforcedSessionControls: [],
};
/** Shared by reference: a million events hold two policy lists. */
const POLICIES_SUCCESS: SimSignInPolicy[] = [
  { ...DEVICE_POLICY, result: "success" },
  { ...MFA_ADMINS, result: "notApplied" },
];
const POLICIES_FAILURE: SimSignInPolicy[] = [
  { ...DEVICE_POLICY, result: "failure" },
  { ...MFA_ADMINS, result: "notApplied" },
];

const FAILURE_53000 = {
  errorCode: 53000,
  failureReason:
    "Device is not in required device state: {state}. Conditional Access policy requires a compliant device, and the device is not compliant. The user must enroll their device with an approved MDM provider like Intune.",
  additionalDetails: "Your device is required to be managed to access this resource.",
};
const SUCCESS = { errorCode: 0, failureReason: "Other.", additionalDetails: null };

const LOCATIONS = [
  { city: "Redmond", state: "Washington", countryOrRegion: "US", geoCoordinates: { altitude: null, latitude: 47.6805, longitude: -122.1209 } },
  { city: "Munich", state: "Bayern", countryOrRegion: "DE", geoCoordinates: { altitude: null, latitude: 48.1371, longitude: 11.5754 } },
  { city: "Lisbon", state: "Lisboa", countryOrRegion: "PT", geoCoordinates: { altitude: null, latitude: 38.7223, longitude: -9.1393 } },
  { city: "New York", state: "New York", countryOrRegion: "US", geoCoordinates: { altitude: null, latitude: 40.7128, longitude: -74.006 } },
] as const;

const TRUST_NAMES: Record<TrustType, string> = { ServerAd: "Hybrid Azure AD joined", AzureAd: "Azure AD joined", Workplace: "Azure AD registered" };

/** What a machine can present, from its scenario (simulator/generate-tenant.ts). */
type MachineState = "usable" | "no-prt" | "disabled" | "not-joined" | "leftover" | "retired";

function machineState(machine: SimulatedMachine, liveDeviceIds: Set<string>): MachineState {
  switch (machine.scenario) {
    case "prt-expired":
    case "prt-wrong-password":
    case "alt-security-ids-missing":
    case "thumbprint-mismatch":
    case "object-deleted":
      return "no-prt";
    case "out-of-sync-scope":
      return liveDeviceIds.has(machine.deviceId) ? "usable" : "no-prt";
    case "object-disabled":
      return "disabled";
    case "pending-hybrid":
      return "not-joined";
    case "duplicate-device":
      return "leftover";
    case "stale-device":
      return "retired";
    default:
      return "usable";
  }
}

/** The user's habits, fixed per machine. */
interface Profile {
  browser: "edge" | "chrome" | "chrome-extension" | "firefox" | "firefox-sso";
  /** A desktop app that signs in without the Windows broker. */
  oldApp: boolean;
  phone: boolean;
  userId: string;
  ip: string;
  location: (typeof LOCATIONS)[number];
}

function profileFor(machine: SimulatedMachine, seed: number): Profile {
  const p = createPrng(hashSeed(`signin-profile:${seed}:${machine.hostname}:${machine.userPrincipalName}`));
  const r = p.next();
  const browser = r < 0.62 ? "edge" : r < 0.74 ? "chrome" : r < 0.88 ? "chrome-extension" : r < 0.94 ? "firefox" : "firefox-sso";
  return {
    browser,
    oldApp: p.chance(0.06),
    phone: p.chance(0.3),
    userId: createPrng(hashSeed(`user:${machine.userPrincipalName}`)).guid(),
    ip: `${p.pick(["203.0.113", "198.51.100", "192.0.2"])}.${p.int(2, 254)}`,
    location: p.pick(LOCATIONS),
  };
}

const BROWSER_TEXT = {
  edge: "Edge 122.0.2365",
  chrome: "Chrome 122.0.0",
  "chrome-extension": "Chrome 122.0.0",
  firefox: "Firefox 123.0",
  "firefox-sso": "Firefox 123.0",
} as const;

function graphTime(ms: number, prng: Prng): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(prng.int(0, 9999)).padStart(4, "0")}Z`;
}

export function generateSignIns(tenant: GeneratedTenant, options: GenerateSignInsOptions): SimSignIn[] {
  const prng = createPrng(hashSeed(`signins:${options.seed}:${tenant.tenantId}`));
  const nowMs = new Date(options.now ?? DEFAULT_NOW).getTime();
  const days = options.days ?? 7;
  const live = new Set(tenant.devices.map((d) => d.deviceId));
  const machines = tenant.machines.filter((m) => machineState(m, live) !== "retired");
  if (machines.length === 0) return [];
  const profiles = machines.map((m) => profileFor(m, options.seed));
  const out: SimSignIn[] = [];

  const one = (index: number): SimSignIn | null => {
    const machine = machines[index]!;
    const profile = profiles[index]!;
    const state = machineState(machine, live);
    const atMs = nowMs - Math.floor(prng.next() * days * DAY);
    const r = prng.next();
    const base = {
      userDisplayName: machine.userDisplayName,
      userPrincipalName: machine.userPrincipalName,
      userId: profile.userId,
      ipAddress: profile.ip,
      isInteractive: true,
      riskDetail: "none",
      riskLevelAggregated: "none",
      riskLevelDuringSignIn: "none",
      riskState: "none",
      riskEventTypes: [],
      riskEventTypes_v2: [],
      location: profile.location,
    };
    const resource = prng.pick(RESOURCES);
    let client: {
      app: { id: string; name: string };
      clientAppUsed: string;
      browser: string;
      os: string;
      presents: boolean;
      deviceId?: string;
      trust?: TrustType;
    };
    if (!machine.windows) {
      // A registered phone or Mac signs in from itself, through its broker or browser.
      client = {
        app: APPS.outlookMobile,
        clientAppUsed: "Mobile Apps and Desktop clients",
        browser: "Mobile Safari 17.4",
        os: machine.operatingSystem === "Android" ? "Android 14" : machine.operatingSystem === "MacMDM" ? "MacOs" : "Ios 17.4",
        presents: true,
      };
    } else if (profile.phone && r >= 0.95) {
      client = { app: APPS.officeHome, clientAppUsed: "Browser", browser: "Mobile Safari 17.4", os: "Ios 17.4", presents: false };
    } else if (r < 0.55) {
      const presents = profile.browser === "edge" || profile.browser === "chrome-extension" || profile.browser === "firefox-sso";
      client = { app: APPS.officeHome, clientAppUsed: "Browser", browser: BROWSER_TEXT[profile.browser], os: "Windows10", presents };
    } else {
      const app = prng.chance(0.5) ? APPS.teams : APPS.office;
      client = {
        app,
        clientAppUsed: "Mobile Apps and Desktop clients",
        browser: `Rich Client ${profile.oldApp ? "3.19.8.16603" : "4.61.0.0"}`,
        os: "Windows10",
        presents: !profile.oldApp,
      };
    }
    // What the machine can put behind the client's presentation.
    let presented: { deviceId: string; trust: TrustType; isCompliant: boolean | null; isManaged: boolean | null; enabled: boolean } | null = null;
    if (client.presents && machine.windows) {
      if (state === "usable")
        presented = { deviceId: machine.deviceId, trust: machine.trustType, isCompliant: machine.isCompliant, isManaged: machine.isManaged, enabled: true };
      else if (state === "disabled")
        presented = { deviceId: machine.deviceId, trust: machine.trustType, isCompliant: machine.isCompliant, isManaged: machine.isManaged, enabled: false };
      else if (state === "leftover" && machine.leftoverDeviceId) {
        presented =
          client.clientAppUsed === "Browser"
            ? { deviceId: machine.leftoverDeviceId, trust: "Workplace", isCompliant: false, isManaged: false, enabled: true }
            : { deviceId: machine.deviceId, trust: machine.trustType, isCompliant: machine.isCompliant, isManaged: machine.isManaged, enabled: true };
      }
    } else if (client.presents && !machine.windows) {
      presented = { deviceId: machine.deviceId, trust: machine.trustType, isCompliant: machine.isCompliant, isManaged: machine.isManaged, enabled: true };
    }
    const passes = presented !== null && presented.enabled && (presented.trust === "ServerAd" || presented.isCompliant === true);
    if (options.blockedOnly && passes) return null;
    return {
      id: prng.guid(),
      createdDateTime: graphTime(atMs, prng),
      ...base,
      appId: client.app.id,
      appDisplayName: client.app.name,
      clientAppUsed: client.clientAppUsed,
      correlationId: prng.guid(),
      conditionalAccessStatus: passes ? "success" : "failure",
      resourceDisplayName: resource.name,
      resourceId: resource.id,
      status: passes ? SUCCESS : FAILURE_53000,
      deviceDetail: presented
        ? {
            deviceId: presented.deviceId,
            displayName: machine.hostname,
            operatingSystem: client.os,
            browser: client.browser,
            isCompliant: presented.isCompliant ?? false,
            isManaged: presented.isManaged ?? false,
            trustType: TRUST_NAMES[presented.trust],
          }
        : { deviceId: "", displayName: "", operatingSystem: client.os, browser: client.browser, isCompliant: false, isManaged: false, trustType: "" },
      appliedConditionalAccessPolicies: passes ? POLICIES_SUCCESS : POLICIES_FAILURE,
    };
  };

  if (options.count !== undefined) {
    const order = machines.map((_, i) => i);
    let attempts = 0;
    while (out.length < options.count) {
      if (++attempts > options.count * 50) throw new Error("generateSignIns: the machines make too few blocked sign-ins for the count asked");
      const s = one(order[attempts % order.length]!);
      if (s) out.push(s);
    }
  } else {
    const perDay = options.perMachinePerDay ?? 4;
    machines.forEach((_, index) => {
      const n = Math.round(days * perDay * (0.5 + prng.next()));
      for (let k = 0; k < n; k++) {
        const s = one(index);
        if (s) out.push(s);
      }
    });
  }
  out.sort((a, b) => (a.createdDateTime < b.createdDateTime ? 1 : a.createdDateTime > b.createdDateTime ? -1 : a.id < b.id ? -1 : 1));
  return out;
}
