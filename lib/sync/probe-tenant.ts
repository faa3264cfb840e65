import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { createGraphClient, type GraphClient } from "@/lib/graph/graph-client";
import { BITLOCKER_KEYS_REQUEST, DELTA_LATEST_REQUEST, DEVICE_SELECT, devicesFirstPageRequest, LAPS_CREDENTIALS_REQUEST } from "@/lib/graph/sync-requests";
import { loadTenantApp, type LoadTenantAppResult } from "./load-tenant-app";

/** What one probe request got back: its status and the body's shape, never its values. */
export interface ProbeResult {
  name: string;
  /** The request as sent, page and delta tokens replaced by "…". */
  request: string;
  /** What JoinScope's simulator assumes Graph answers (the reason the probe sends it). */
  expected: string;
  status: number | null;
  errorCode: string | null;
  /** The JSON body's shape: property names and value types, arrays as their element shapes. */
  shape: unknown;
  /** For collections: entries on the pages read, and per property how many entries carried it. */
  entries?: { count: number; removed: number; removedReasons: string[]; propertyCounts: Record<string, number> };
  pages?: number;
}

export type ProbeOutcome = { ok: true; results: ProbeResult[] } | { ok: false; error: Extract<LoadTenantAppResult, { ok: false }>["error"] };

const AnyBody = z.unknown();
const redact = (url: string) => url.replace(/(\$(?:skip|delta)token=)[^&]+/gi, "$1…").replace(/^https:\/\/[^/]+\/v1\.0/, "");

/** The JSON's shape: objects by key, arrays by the merged shape of their elements, scalars by type. */
export function describeShape(value: unknown): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) {
    const shapes = new Map<string, unknown>();
    for (const v of value) {
      const s = describeShape(v);
      shapes.set(JSON.stringify(s), s);
    }
    return [...shapes.values()];
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      // Link annotations are URLs with tokens: their presence matters, not their value.
      out[key] =
        key.startsWith("@odata.") && typeof (value as Record<string, unknown>)[key] === "string"
          ? "string (link)"
          : describeShape((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return typeof value;
}

/**
 * `joinscope tenant probe`: runs, read-only, the Graph requests whose real behaviour the simulator assumes, and
 * reports what came back as shapes and counts, never values: the sync's delta link request; a delta round (the
 * stored delta link's changes when there is one, else the first page of a first round), to see whether updated
 * objects arrive partial and which @removed reasons occur; the sync's /devices page; the BitLocker and LAPS lists
 * as key presence sends them; and the two refusals the simulator assumes ($top on the BitLocker list,
 * $select of createdDateTime on devices). Nothing is stored, the stored delta link included.
 */
export async function probeTenant(db: Db, options: { tenantRef: string; graph?: GraphClient; deltaPages?: number }): Promise<ProbeOutcome> {
  const loaded = await loadTenantApp(db, options.tenantRef);
  if (!loaded.ok) return { ok: false, error: loaded.error };
  const graph = options.graph ?? createGraphClient(loaded.app, { maxRetries: 2 });
  const results: ProbeResult[] = [];

  const send = async (name: string, request: string, expected: string, pages = 1): Promise<ProbeResult> => {
    const result: ProbeResult = { name, request: redact(request), expected, status: null, errorCode: null, shape: null };
    const entries = { count: 0, removed: 0, removedReasons: new Set<string>(), propertyCounts: {} as Record<string, number> };
    let link: string | undefined = request;
    let read = 0;
    const bodies: unknown[] = [];
    while (link && read < pages) {
      const r = await graph.get(link, AnyBody);
      read++;
      if (!r.ok) {
        result.status = "status" in r.error ? r.error.status : null;
        result.errorCode = "code" in r.error ? r.error.code : r.error.kind;
        result.shape = r.error.kind === "auth" ? null : { error: { code: "string", message: "string" } };
        return result;
      }
      result.status = 200;
      const body = r.data as { value?: unknown[]; "@odata.nextLink"?: string };
      bodies.push(body);
      for (const entry of Array.isArray(body.value) ? body.value : []) {
        entries.count++;
        const e = entry as Record<string, unknown>;
        const removed = e["@removed"] as { reason?: unknown } | undefined;
        if (removed) {
          entries.removed++;
          entries.removedReasons.add(String(removed.reason));
          continue;
        }
        for (const key of Object.keys(e)) entries.propertyCounts[key] = (entries.propertyCounts[key] ?? 0) + 1;
      }
      link = body["@odata.nextLink"];
    }
    result.shape = describeShape(bodies.length === 1 ? bodies[0] : bodies);
    result.pages = read;
    result.entries = {
      count: entries.count,
      removed: entries.removed,
      removedReasons: [...entries.removedReasons].sort(),
      propertyCounts: entries.propertyCounts,
    };
    return result;
  };

  results.push(await send("Delta link (the full sync's first request)", DELTA_LATEST_REQUEST, "200: no entries and an @odata.deltaLink"));
  const deltaPages = options.deltaPages ?? 3;
  if (loaded.tenant.deltaLink) {
    results.push(
      await send(
        "Delta round from the stored delta link (the delta sync's request)",
        loaded.tenant.deltaLink,
        "200: updated objects carry their id and changed properties only; removals as {id, @removed: {reason: changed|deleted}}",
        deltaPages,
      ),
    );
  } else {
    results.push(
      await send(
        "First page of a delta round",
        `/devices/delta?$select=${DEVICE_SELECT}`,
        "200: new objects with the properties that are set (unset ones left out)",
        1,
      ),
    );
  }
  results.push(await send("Devices (the full sync's page request, 5 devices)", devicesFirstPageRequest(5), "200: every selected property, null when unset"));
  results.push(await send("BitLocker recovery keys (key presence's request)", BITLOCKER_KEYS_REQUEST, "200 (403 without BitlockerKey.ReadBasic.All)"));
  results.push(await send("BitLocker recovery keys with $top=1", `${BITLOCKER_KEYS_REQUEST}?$top=1`, "400: the list does not support $top"));
  results.push(await send("LAPS credentials (key presence's request)", LAPS_CREDENTIALS_REQUEST, "200 (403 without DeviceLocalCredential.ReadBasic.All)"));
  results.push(
    await send(
      "Devices with $select=createdDateTime",
      "/devices?$select=id,createdDateTime&$top=1",
      "400: createdDateTime is not a documented v1.0 device property",
    ),
  );
  return { ok: true, results };
}
