import type { RequestWindow } from "../faults/request-window";
import type { ThrottlingBudget } from "../faults/throttling-budget";
import type { AccessTokens } from "../login/access-tokens";
import type { TenantDirectory } from "../tenant-directory";
import type { PageCache } from "./page-cache";

/** What the Graph routes read: tenants, the token verifier, the throttling budget, the page cache, paging settings. */
export interface GraphServices {
  directory: TenantDirectory;
  accessTokens: AccessTokens;
  budget: ThrottlingBudget;
  pageCache: PageCache;
  now: () => number;
  /** Page size of /devices and the plain lists when the caller sends no $top. */
  pageSize: number;
  /** Page size of a delta round when the caller sends no $top. */
  deltaPageSize: number;
  /** $skiptoken of /devices and of a delta round older than this answers 400. */
  pageTokenLifetimeMs: number;
  /** $deltatoken older than this answers 400 syncStateNotFound. */
  deltaTokenLifetimeMs: number;
  /** Whole objects with nulls in delta instead of Graph's partial ones (StartSimulatorOptions.lenientDelta). */
  lenientDelta: boolean;
  /** Requests per window per app and tenant on the identity and access reports (`/auditLogs/signIns`). */
  reportsThrottle: RequestWindow;
  /** Added to every `/auditLogs/signIns` answer: the sign-in log is a slow API. */
  signInLatencyMs: number;
}
