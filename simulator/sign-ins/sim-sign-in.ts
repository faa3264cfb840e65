/**
 * A Microsoft Graph v1.0 `signIn` exactly as `GET /v1.0/auditLogs/signIns` returns it
 * (https://learn.microsoft.com/graph/api/resources/signin), so the pull and the rules meet the JSON a real tenant gives.
 * Objects of a log share their repeated parts (the app, the policies, the location) by reference: a bench log holds a
 * million of them.
 */
export interface SimSignInPolicy {
  id: string;
  displayName: string;
  enforcedGrantControls: string[];
  enforcedSessionControls: string[];
  result: "success" | "failure" | "notApplied" | "notEnabled" | "reportOnlySuccess" | "reportOnlyFailure";
}

export interface SimSignIn {
  id: string;
  /** `2025-03-09T14:12:31.4438204Z`: Graph's seven fractional digits. */
  createdDateTime: string;
  userDisplayName: string;
  userPrincipalName: string;
  userId: string;
  appId: string;
  appDisplayName: string;
  ipAddress: string;
  clientAppUsed: string;
  correlationId: string;
  conditionalAccessStatus: "success" | "failure" | "notApplied";
  isInteractive: boolean;
  riskDetail: string;
  riskLevelAggregated: string;
  riskLevelDuringSignIn: string;
  riskState: string;
  riskEventTypes: string[];
  riskEventTypes_v2: string[];
  resourceDisplayName: string;
  resourceId: string;
  status: { errorCode: number; failureReason: string | null; additionalDetails: string | null };
  deviceDetail: {
    deviceId: string;
    displayName: string;
    operatingSystem: string;
    browser: string;
    isCompliant: boolean | null;
    isManaged: boolean | null;
    trustType: string;
  };
  location: {
    city: string;
    state: string;
    countryOrRegion: string;
    geoCoordinates: { altitude: number | null; latitude: number; longitude: number };
  };
  appliedConditionalAccessPolicies: SimSignInPolicy[];
}
