/**
 * `GET /auditLogs/directoryAudits` (https://learn.microsoft.com/graph/api/directoryaudit-list): the tenant's directory
 * audit log, newest first, `$filter` on activityDateTime (eq, ge, gt, le, lt), category and activityDisplayName (eq)
 * joined by `and`, `$top` up to 1,000 (default 1,000), an opaque `$skiptoken` in `@odata.nextLink`. Application
 * permissions AuditLog.Read.All and Directory.Read.All (both, as the API page lists them). Throttled with the sign-in log
 * (identity and access reports: five requests per 10 seconds per app and tenant).
 *
 * The entries follow the device scenarios: every disabled device has a "Disable device" by an administrator, every
 * deleted one a "Delete device", each at a time fixed per object before the first request (so the answers are stable).
 */
import { createHash } from "node:crypto";
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";
import type { TenantRuntime } from "../tenant-directory";
import type { GraphDevice } from "../types";
import { authenticate } from "./authenticate";
import type { GraphServices } from "./graph-services";
import { decodeToken, encodeToken } from "./opaque-token";
import { READ_AUDIT_LOG, READ_DIRECTORY } from "./permissions";
import { refuseQueryOption } from "./request-checks";

export const DIRECTORY_AUDIT_PAGE = 1000;

export interface SimDirectoryAudit {
  id: string;
  category: string;
  correlationId: string;
  result: "success";
  resultReason: string;
  activityDisplayName: string;
  activityDateTime: string;
  loggedByService: string;
  operationType: string;
  initiatedBy: { user: { id: string; displayName: null; userPrincipalName: string; ipAddress: string } | null; app: null };
  targetResources: {
    id: string;
    displayName: string;
    type: "Device";
    modifiedProperties: { displayName: string; oldValue: string | null; newValue: string | null }[];
  }[];
  additionalDetails: { key: string; value: string }[];
}

interface AuditToken {
  k: "audits";
  t: string;
  o: number;
  n: number;
  f: string | null;
}

const HOUR = 3_600_000;
/** When each tenant's log was anchored (its first request): entries sit a fixed, seeded time before it. */
const anchors = new WeakMap<TenantRuntime, number>();

function hash(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function guid(text: string): string {
  const h = hash(text).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const ADMINS = ["helpdesk.admin", "it.ops", "lena.fischer"];

/** The audit entries the tenant's devices imply right now, newest first. */
export function directoryAuditsOf(tenant: TenantRuntime, anchor: number): SimDirectoryAudit[] {
  const domain = [...tenant.domains][0] ?? "contoso.onmicrosoft.com";
  const entry = (d: GraphDevice, activity: "Disable device" | "Delete device"): SimDirectoryAudit => {
    const h = hash(`${d.id}|${activity}`);
    const at = anchor - (1 + (h.readUInt32BE(0) % (14 * 24))) * HOUR - (h.readUInt16BE(4) % 3600) * 1000;
    const admin = `${ADMINS[h[6]! % ADMINS.length]}@${domain}`;
    return {
      id: `Directory_${guid(`${d.id}|${activity}|id`)}`,
      category: "Device",
      correlationId: guid(`${d.id}|${activity}|correlation`),
      result: "success",
      resultReason: "",
      activityDisplayName: activity,
      activityDateTime: new Date(at).toISOString(),
      loggedByService: "Core Directory",
      operationType: activity === "Delete device" ? "Delete" : "Update",
      initiatedBy: { user: { id: guid(admin), displayName: null, userPrincipalName: admin, ipAddress: "203.0.113.24" }, app: null },
      targetResources: [
        {
          id: d.id,
          displayName: String(d.displayName ?? ""),
          type: "Device",
          modifiedProperties: activity === "Disable device" ? [{ displayName: "AccountEnabled", oldValue: "[true]", newValue: "[false]" }] : [],
        },
      ],
      additionalDetails: [{ key: "DeviceId", value: String(d.deviceId ?? "") }],
    };
  };
  const out: SimDirectoryAudit[] = [];
  for (const d of tenant.store.listDevices()) if (d.accountEnabled === false) out.push(entry(d, "Disable device"));
  for (const d of tenant.store.listDeletedDevices()) out.push(entry(d, "Delete device"));
  return out.sort((a, b) => b.activityDateTime.localeCompare(a.activityDateTime) || a.id.localeCompare(b.id));
}

type Test = (a: SimDirectoryAudit) => boolean;

/** `x op value` clauses joined by `and`; anything else is refused as Graph refuses a filter it does not support. */
export function compileDirectoryAuditFilter(raw: string): Test {
  const clauses = raw.split(/\s+and\s+/i).map((c) => c.trim());
  const tests: Test[] = clauses.map((clause) => {
    const m = /^(activityDateTime|category|activityDisplayName)\s+(eq|ge|gt|le|lt)\s+(.+)$/.exec(clause);
    if (!m) throw new Error(`Invalid filter clause: '${clause}'`);
    const [, prop, op, value] = m as unknown as [string, string, string, string];
    if (prop === "activityDateTime") {
      const ms = Date.parse(value);
      if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw new Error(`Invalid DateTimeOffset literal: '${value}'`);
      const cmp = { eq: (x: number) => x === ms, ge: (x: number) => x >= ms, gt: (x: number) => x > ms, le: (x: number) => x <= ms, lt: (x: number) => x < ms }[
        op
      ]!;
      return (a) => cmp(Date.parse(a.activityDateTime));
    }
    const s = /^'((?:[^']|'')*)'$/.exec(value);
    if (op !== "eq" || !s) throw new Error(`Operator '${op}' is not supported on ${prop}`);
    const text = s[1]!.replaceAll("''", "'");
    return prop === "category" ? (a) => a.category === text : (a) => a.activityDisplayName === text;
  });
  return (a) => tests.every((t) => t(a));
}

export function listDirectoryAudits(graph: GraphServices, ctx: RequestContext, version: "v1.0" | "beta"): string {
  const { now } = graph;
  const { tenant, appId, roles } = authenticate(graph, ctx, READ_AUDIT_LOG);
  // Directory.Read.All as well (the API page names both): a token with only AuditLog.Read.All is refused.
  if (!READ_DIRECTORY.some((p) => roles.includes(p))) {
    throw graphError(ctx, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", {}, now());
  }
  graph.reportsThrottle.take(ctx, tenant.config.tenantId, appId);
  refuseQueryOption(ctx, "$expand", "Expand", now);
  const q = ctx.url.searchParams;
  const skip = q.get("$skiptoken");
  let tok: AuditToken;
  if (skip) {
    const decoded = decodeToken<AuditToken>(skip);
    if (!decoded || decoded.k !== "audits" || decoded.t !== tenant.store.epoch) {
      throw graphError(ctx, 400, "BadRequest", "Invalid value specified for query parameter '$skiptoken'.", {}, now());
    }
    tok = decoded;
  } else {
    const top = q.get("$top");
    const n = top === null ? DIRECTORY_AUDIT_PAGE : Number(top);
    if (!Number.isInteger(n) || n < 1 || n > DIRECTORY_AUDIT_PAGE) {
      throw graphError(ctx, 400, "BadRequest", `Invalid page size specified: '${top}'. Must be between 1 and ${DIRECTORY_AUDIT_PAGE} inclusive.`, {}, now());
    }
    tok = { k: "audits", t: tenant.store.epoch, o: 0, n, f: q.get("$filter") };
  }
  let test: Test = () => true;
  if (tok.f) {
    try {
      test = compileDirectoryAuditFilter(tok.f);
    } catch (error) {
      throw graphError(ctx, 400, "BadRequest", (error as Error).message, {}, now());
    }
  }
  if (!anchors.has(tenant)) anchors.set(tenant, now());
  const selected = directoryAuditsOf(tenant, anchors.get(tenant)!).filter(test);
  const end = Math.min(tok.o + tok.n, selected.length);
  const base = `${ctx.origin}/${version}`;
  let head = `{"@odata.context":${JSON.stringify(`${base}/$metadata#auditLogs/directoryAudits`)}`;
  if (end < selected.length) {
    const params = new URLSearchParams();
    params.set("$top", String(tok.n));
    if (tok.f) params.set("$filter", tok.f);
    params.set("$skiptoken", encodeToken({ ...tok, o: end } satisfies AuditToken));
    head += `,"@odata.nextLink":${JSON.stringify(`${base}/auditLogs/directoryAudits?${params.toString().replaceAll("%24", "$")}`)}`;
  }
  return `${head},"value":[${selected
    .slice(tok.o, end)
    .map((a) => JSON.stringify(a))
    .join(",")}]}`;
}
