/**
 * Which DeviceSummary index each page's query reads (decision 034): the Devices list in every sort (both directions,
 * unfiltered and filtered as a large tenant reads a filter that matches many devices), bench:ui's Devices pages, the
 * Overview, the header search, the findings list's broken-device filter. Every statement the page's code issues is
 * recorded and explained (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN), and the DeviceSummary indexes and sorts in
 * its plan are printed, one line per page, then one line per index with the pages that read it.
 *
 *   DATABASE_URL=file:./data/bench/ui-sqlite-v2-100000.db node --conditions=react-server --import tsx bench/lib/print-summary-plans.ts
 */
import { createDirectDb, type DirectDb } from "@/lib/db/direct";
import { countBrokenDevices } from "@/lib/queries/count-broken-devices";
import { findDevices } from "@/lib/queries/find-devices";
import { getOverviewStats } from "@/lib/queries/get-overview-stats";
import { searchDevicesAndUsers } from "@/lib/queries/search-devices-and-users";
import { DEVICE_SORTS, parseDeviceListParams } from "@/lib/url-params/device-list-params";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL");
const inner = createDirectDb(url);
const reads: { sql: string; params: readonly unknown[] }[] = [];
const recording: DirectDb = {
  dialect: inner.dialect,
  query: (sql, params) => {
    reads.push({ sql, params: params ?? [] });
    return inner.query(sql, params);
  },
  queryArrays: (sql, params) => {
    reads.push({ sql, params: params ?? [] });
    return inner.queryArrays(sql, params);
  },
  batch: (statements) => inner.batch(statements),
  close: () => inner.close(),
};

const [tenant] = await inner.query<{ tenantRef: string }>(`SELECT "tenantRef" FROM "DeviceSummary" GROUP BY "tenantRef" ORDER BY COUNT(*) DESC LIMIT 1`);
if (!tenant) throw new Error("no summaries");
const tenantRef = tenant.tenantRef;
const now = new Date();
const rules = await inner.query<{ rule: string }>(
  `SELECT "rule" FROM "Finding" WHERE "tenantRef" = ? AND "status" = 'open' GROUP BY "rule" ORDER BY COUNT(*) DESC, "rule"`,
  [tenantRef],
);
const [someName] = await inner.query<{ nameKey: string }>(`SELECT "nameKey" FROM "DeviceSummary" WHERE "tenantRef" = ? AND "worstRank" <= 1 LIMIT 1`, [
  tenantRef,
]);
const term = someName!.nameKey.slice(0, 8);

/** A Devices list URL's query, read as the page reads it: the first page, then the page after its first row. */
async function devices(query: string): Promise<void> {
  const params = parseDeviceListParams(Object.fromEntries(new URLSearchParams(query)));
  const first = await findDevices(recording, { tenantRef, params, now });
  if (first.rows.length > 1 && first.total > first.pageSize)
    await findDevices(recording, { tenantRef, params: { ...params, page: 2, after: first.rows[first.rows.length - 1]!.rowKey }, now });
}

const pages: [string, () => Promise<unknown>][] = [
  ["Overview", () => Promise.all([getOverviewStats(recording, { tenantRef, now }), countBrokenDevices(recording, tenantRef)])],
  ["Search (header)", () => searchDevicesAndUsers(recording, { tenantRef, q: term })],
  ["Devices: deleted, by name", () => devices("state=deleted&sort=name")],
  ["Devices: problems, hybrid joined", () => devices("problems=1&trust=ServerAd")],
  [`Devices: search`, () => devices(`q=${encodeURIComponent(term)}`)],
  [`Devices: rule ${rules[0]!.rule}`, () => devices(`rule=${rules[0]!.rule}`)],
  [`Devices: rule ${rules[rules.length - 1]!.rule}, by name`, () => devices(`rule=${rules[rules.length - 1]!.rule}&sort=name`)],
  ["Devices: severity medium, by name", () => devices("severity=medium&sort=name")],
  ["Devices: Entra joined, last sign-in", () => devices("join=entra&sort=lastSignIn&dir=desc")],
  ["Devices: Windows 10.0*, by version", () => devices("os=Windows&osVersion=10.0&sort=osVersion&dir=desc")],
  ["Devices: synced from AD, by OS", () => devices("sync=yes&sort=os")],
  ["Devices: Pending over 7 days", () => devices("pendingDays=7&sort=pendingSince")],
  ["Devices: no report in 7 days, by state", () => devices("silentDays=7&sort=state")],
  ["Devices: stale, last sign-in oldest", () => devices("stale=1&sort=lastSignIn")],
  ["Devices: broken, by cause", () => devices("outlook=broken&sort=cause")],
  ...DEVICE_SORTS.flatMap((sort) =>
    (["asc", "desc"] as const).flatMap((dir): [string, () => Promise<unknown>][] => [
      [`Devices: sort ${sort} ${dir}`, () => devices(`sort=${sort}&dir=${dir}`)],
      [`Devices: live, sort ${sort} ${dir}`, () => devices(`state=live&sort=${sort}&dir=${dir}`)],
    ]),
  ),
];

const byIndex = new Map<string, Set<string>>();
for (const [label, run] of pages) {
  reads.length = 0;
  await run();
  const seen: string[] = [];
  for (const r of reads) {
    if (!/"DeviceSummary"/.test(r.sql)) continue;
    const lines =
      inner.dialect === "sqlite"
        ? (await inner.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${r.sql}`, r.params)).map((p) => p.detail)
        : (await inner.query<{ "QUERY PLAN": string }>(`EXPLAIN ${r.sql}`, r.params)).map((p) => p["QUERY PLAN"]);
    for (const line of lines) {
      const index = /(sqlite_autoindex_DeviceSummary_1|DeviceSummary_pkey|"?DeviceSummary_[A-Za-z_]+"?)/.exec(line)?.[1]?.replaceAll('"', "");
      if (index && !/Tally/.test(index)) {
        if (!seen.includes(index)) seen.push(index);
        if (!byIndex.has(index)) byIndex.set(index, new Set());
        byIndex.get(index)!.add(label);
      } else if (/^(SCAN|Seq Scan on) "?DeviceSummary"?/.test(line.trim())) seen.push("TABLE SCAN");
      if (/TEMP B-TREE FOR (RIGHT PART OF )?ORDER BY|^\s*->\s*(Incremental )?Sort|^Sort/.test(line) && !seen.includes(`sort: ${line.trim()}`))
        seen.push(`sort: ${line.trim()}`);
    }
  }
  console.log(`${label}: ${seen.join(" · ") || "(no DeviceSummary read)"}`);
}
console.log("");
for (const [index, labels] of [...byIndex].sort()) console.log(`${index}: ${labels.size} pages — ${[...labels].join("; ")}`);
await inner.close();
