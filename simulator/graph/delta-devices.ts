/**
 * `GET /devices/delta`: a first round of every object, then rounds of what changed since the round's `$deltatoken`,
 * paged with `$skiptoken` (https://learn.microsoft.com/graph/delta-query-overview). Strict by default (decision 010):
 * partial objects, removals as `@removed`, duplicates and replays within a round.
 */
import { randomUUID } from "node:crypto";
import type { DeltaRef, DeviceStore } from "../device-store";
import { graphError } from "../http/http-error";
import type { RequestContext } from "../http/request-context";
import type { DeltaSession, TenantRuntime } from "../tenant-directory";
import { authenticate } from "./authenticate";
import { projectDevice } from "./device-json";
import type { GraphServices } from "./graph-services";
import { decodeToken, encodeToken } from "./opaque-token";
import { READ_DEVICES } from "./permissions";
import { parseSelect, parseTop } from "./query-options";

interface DeltaSkipToken {
  k: "dskip";
  t: string;
  id: string;
  o: number;
  n: number;
  s: string[] | null;
}
interface DeltaToken {
  k: "delta";
  t: string;
  v: number;
  serial: number;
  iat: number;
  s: string[] | null;
  n: number;
}

/**
 * A delta round's entry as JSON, resolved when its page is served. Strict (the default), as
 * https://learn.microsoft.com/graph/delta-query-overview describes the response: an updated object carries its id
 * and the (selected) properties that changed since the round's token, a new one the properties that are set
 * ("properties that were never set are omitted"), a replay all of them; a removed one
 * `{"id","@removed":{"reason"}}`. Lenient: every selected property, null when unset (kinder than Graph; decision
 * 010).
 */
function resolveDeltaRef(store: DeviceStore, ref: DeltaRef, since: number, select: readonly string[] | null, lenientDelta: boolean): Record<string, unknown> {
  if (ref.kind === "removed") return { id: ref.id, "@removed": { reason: ref.reason } };
  const device = ref.kind === "state" ? ref.device : store.getDevice(ref.id);
  if (!device) return { id: ref.id, "@removed": { reason: store.removalOf(ref.id) ?? "deleted" } };
  if (lenientDelta) return projectDevice(device, select);
  const changed = ref.kind === "state" || ref.full ? "all" : store.changedPropertiesSince(since, ref.id);
  const out: Record<string, unknown> = { id: device.id };
  const keys = select ?? Object.keys(device);
  for (const key of keys) {
    if (key === "id") continue;
    const value = device[key];
    if (changed === "all") {
      // Unset properties are left out of a new object, not sent as null.
      if (value !== null && value !== undefined) out[key] = value;
    } else if (changed.includes(key)) {
      out[key] = value ?? null;
    }
  }
  return out;
}

/**
 * A strict round's entries for the objects changed since `since`: each object's history within the round where
 * it matters (a removal before a restore, a state before a removal), then its current state; some entries
 * repeated earlier in the round, and some unchanged objects replayed whole. Graph documents that "the same
 * object may be returned more than once" in a round and that changes may be replayed
 * (https://learn.microsoft.com/graph/delta-query-overview#resource-representation-in-the-delta-query-response);
 * a client must apply entries in order, the last one winning.
 */
function deltaRefs(tenant: TenantRuntime, since: number, lenientDelta: boolean): DeltaRef[] {
  const store = tenant.store;
  const ids = store.changedIdsSince(since);
  if (lenientDelta) return ids.map((id) => ({ kind: "current", id }));
  const refs: DeltaRef[] = [];
  for (const id of ids) refs.push(...store.historySince(since, id), { kind: "current", id });
  const prng = tenant.prng;
  // Duplicates: a copy of an entry earlier in the round (its current state then wins again at its own place).
  for (let i = refs.length - 1; i > 0; i--) {
    const ref = refs[i]!;
    if (ref.kind === "current" && prng.chance(0.05)) refs.splice(prng.int(0, i - 1), 0, { kind: "current", id: ref.id });
  }
  // Replays: a few objects that did not change, sent whole.
  const alive = store.snapshot().devices;
  const replays = alive.length === 0 || refs.length === 0 ? 0 : Math.min(alive.length, prng.chance(0.5) ? 1 + Math.floor(refs.length / 50) : 0);
  for (let i = 0; i < replays; i++) refs.splice(prng.int(0, refs.length), 0, { kind: "current", id: prng.pick(alive).id, full: true });
  return refs;
}

function rememberSession(tenant: TenantRuntime, id: string, session: DeltaSession): void {
  tenant.deltaSessions.set(id, session);
  while (tenant.deltaSessions.size > 64) tenant.deltaSessions.delete(tenant.deltaSessions.keys().next().value as string);
}

export function deltaDevices(graph: GraphServices, ctx: RequestContext, version: "v1.0" | "beta"): string {
  const { now } = graph;
  const { tenant, appId } = authenticate(graph, ctx, READ_DEVICES);
  graph.budget.charge(ctx, tenant.config.tenantId, appId);
  const q = ctx.url.searchParams;
  const store = tenant.store;
  const base = `${ctx.origin}/${version}`;
  const skip = q.get("$skiptoken");
  const delta = q.get("$deltatoken");
  const syncStateNotFound = () =>
    graphError(
      ctx,
      400,
      "syncStateNotFound",
      "The sync state generation is not found. The delta token is expired and data must be synchronized again.",
      {},
      now(),
    );

  let session: DeltaSession;
  let sessionId: string;
  let offset: number;
  let top: number;
  let select: string[] | null;

  if (skip) {
    const tok = decodeToken<DeltaSkipToken>(skip);
    if (!tok || tok.k !== "dskip" || tok.t !== store.epoch) throw syncStateNotFound();
    const found = tenant.deltaSessions.get(tok.id);
    // A round's state lives as long as its page tokens do (pageTokenLifetimeMs); then the round starts over.
    if (!found || now() - found.issuedAt > graph.pageTokenLifetimeMs) throw syncStateNotFound();
    session = found;
    sessionId = tok.id;
    offset = tok.o;
    top = tok.n;
    select = tok.s;
  } else if (delta === "latest") {
    // `$deltatoken=latest`: no objects, only a deltaLink for changes from now on
    // (https://learn.microsoft.com/graph/delta-query-overview#optional-query-parameters).
    select = parseSelect(ctx, q.get("$select"), now);
    top = parseTop(ctx, q.get("$top"), graph.deltaPageSize, now);
    session = { refs: [], since: store.version, targetVersion: store.version, issuedAt: now() };
    sessionId = randomUUID();
    offset = 0;
  } else if (delta) {
    const tok = decodeToken<DeltaToken>(delta);
    if (!tok || tok.k !== "delta" || tok.t !== store.epoch || tok.v > store.version) throw syncStateNotFound();
    if (tok.serial < tenant.resetBeforeSerial) {
      throw graphError(
        ctx,
        410,
        "resyncRequired",
        "Resync required. The sync state was reset by the service; discard the delta link and start a full synchronization.",
        {},
        now(),
      );
    }
    if (tok.serial < tenant.expiredBeforeSerial || now() - tok.iat > graph.deltaTokenLifetimeMs) throw syncStateNotFound();
    session = { refs: deltaRefs(tenant, tok.v, graph.lenientDelta), since: tok.v, targetVersion: store.version, issuedAt: now() };
    sessionId = randomUUID();
    offset = 0;
    top = tok.n;
    select = tok.s;
    rememberSession(tenant, sessionId, session);
  } else {
    select = parseSelect(ctx, q.get("$select"), now);
    const snap = store.snapshot();
    let devices = snap.devices;
    if (q.has("$filter")) {
      const ids = [...(q.get("$filter") ?? "").matchAll(/id\s+eq\s+'([^']+)'/gi)].map((m) => m[1]!.toLowerCase());
      if (ids.length === 0) throw graphError(ctx, 400, "Request_UnsupportedQuery", "The only supported $filter on delta is id eq '{value}'.", {}, now());
      devices = devices.filter((d) => ids.includes(d.id.toLowerCase()));
    }
    // The first round: every object, whole (-1: each was created "since" the round's start).
    session = { refs: devices.map((d) => ({ kind: "current", id: d.id, full: true })), since: -1, targetVersion: snap.version, issuedAt: now() };
    top = parseTop(ctx, q.get("$top"), graph.deltaPageSize, now);
    sessionId = randomUUID();
    offset = 0;
    rememberSession(tenant, sessionId, session);
  }

  const end = Math.min(offset + top, session.refs.length);
  // Cached per store version: a page re-read after the directory changed resolves its entries again.
  const cacheKey = `${store.epoch}|delta|${sessionId}|${store.version}|${select?.join(",") ?? "*"}|${offset}|${top}`;
  let value = graph.pageCache.get(cacheKey);
  if (value === undefined) {
    value = `[${session.refs
      .slice(offset, end)
      .map((r) => JSON.stringify(resolveDeltaRef(store, r, session.since, select, graph.lenientDelta)))
      .join(",")}]`;
    graph.pageCache.set(cacheKey, value);
  }
  let head = `{"@odata.context":${JSON.stringify(`${base}/$metadata#devices`)}`;
  if (end < session.refs.length) {
    const next: DeltaSkipToken = { k: "dskip", t: store.epoch, id: sessionId, o: end, n: top, s: select };
    head += `,"@odata.nextLink":${JSON.stringify(`${base}/devices/delta?$skiptoken=${encodeToken(next)}`)}`;
  } else {
    const tok: DeltaToken = { k: "delta", t: store.epoch, v: session.targetVersion, serial: tenant.nextDeltaSerial++, iat: now(), s: select, n: top };
    head += `,"@odata.deltaLink":${JSON.stringify(`${base}/devices/delta?$deltatoken=${encodeToken(tok)}`)}`;
  }
  return `${head},"value":${value}}`;
}
