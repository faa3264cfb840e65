import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { db } from "@/lib/db/client";
import { findingHref } from "@/lib/ui/finding-anchor";
import { findFindings } from "@/lib/queries/find-findings";
import {
  DEFAULT_FINDING_LIST_PARAMS,
  findingFilterQuery,
  findingListHref,
  findingSortHref,
  isFindingListFiltered,
  parseFindingListParams,
  type FindingListParams,
  type FindingSort,
} from "@/lib/ui/finding-list-params";
import { SEVERITIES, SEVERITY_LABEL } from "@/lib/ui/severity";
import { DataTable, SortableTh, TBody, Td, Th, THead } from "../../_components/data-table";
import { EmptyState } from "../../_components/empty-state";
import { FindingsIcon } from "../../_components/icons";
import { PageHeader } from "../../_components/page-header";
import { Pagination } from "../../_components/pagination";
import { RelativeTime } from "../../_components/relative-time";
import { SeverityBadge } from "../../_components/severity-badge";
import { NoTenantState } from "../../_components/no-tenant-state";
import { getDashboardContext } from "../_lib/dashboard-context";
import { FindingStatusBadge, PrimaryCauseMark, ShortId } from "./finding-status-badge";
import { RULE_CATALOGUE } from "./rule-catalogue";

export const metadata: Metadata = { title: "Findings" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function FindingsPage({ searchParams }: { searchParams: SearchParams }) {
  const { tenant, now } = await getDashboardContext();
  const params = parseFindingListParams(await searchParams);
  if (!tenant) return <NoTenantState title="Findings" items="Findings" />;
  const result = await findFindings(db, { tenantRef: tenant.id, params });
  const exportQuery = findingFilterQuery(params);
  exportQuery.set("tenant", tenant.id);
  const dir = (sort: FindingSort) => (params.sort === sort ? params.dir : null);

  return (
    <>
      <PageHeader
        title="Findings"
        description={`Every rule verdict for ${tenant.name}'s devices, from their reports and the synced directory. Select a device for its evidence, fix and history.`}
        actions={
          <a href={`/api/v1/findings/export?${exportQuery.toString()}`} className="btn-secondary py-1.5" download>
            Export CSV
          </a>
        }
      />
      <Filters params={params} />

      {result.total === 0 && !isFindingListFiltered(params) ? (
        <EmptyState title="No open findings" icon={<FindingsIcon width={22} height={22} />}>
          Nothing is wrong with the devices JoinScope knows of, or no agent has reported and no sync has run yet.
        </EmptyState>
      ) : (
        <DataTable
          caption={`Findings for ${tenant.name}`}
          footer={<Pagination page={result.page} pageSize={result.pageSize} total={result.total} hrefFor={(page) => findingListHref(params, { page })} />}
        >
          <THead>
            <SortableTh label="Severity" href={findingSortHref(params, "severity")} direction={dir("severity")} />
            <SortableTh label="Rule · finding" href={findingSortHref(params, "rule")} direction={dir("rule")} />
            <SortableTh label="Device" href={findingSortHref(params, "device")} direction={dir("device")} />
            <Th>Status</Th>
            <SortableTh label="First seen" href={findingSortHref(params, "firstSeen")} direction={dir("firstSeen")} />
            <SortableTh label="Last seen" href={findingSortHref(params, "lastSeen")} direction={dir("lastSeen")} />
          </THead>
          <TBody>
            {result.rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="px-4 py-12 text-center text-slate-500 dark:text-slate-400">
                  No findings match these filters.{" "}
                  <Link href="/findings" className="link">
                    Clear filters
                  </Link>
                </td>
              </tr>
            ) : (
              result.rows.map((f) => (
                <tr
                  key={f.id}
                  className="relative align-top hover:bg-slate-50 dark:hover:bg-slate-800/40"
                  data-testid="finding-row"
                  data-rule={f.rule}
                  data-primary={f.primary ? "true" : undefined}
                >
                  <Td className="pt-3">
                    <SeverityBadge severity={f.severity} />
                  </Td>
                  <Td className="max-w-xl">
                    <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                      <code className="text-xs text-slate-500 dark:text-slate-400">{f.rule}</code>
                      <PrimaryCauseMark primary={f.primary} explainedBy={f.explainedBy} />
                    </div>
                    <p className="mt-0.5 leading-snug text-slate-900 dark:text-slate-100">{f.title}</p>
                  </Td>
                  <Td className="whitespace-nowrap">
                    <Link
                      href={findingHref(f.subjectKey, f.rule)}
                      className="font-medium text-slate-900 after:absolute after:inset-0 after:content-[''] hover:text-blue-700 dark:text-slate-100 dark:hover:text-blue-300"
                    >
                      {f.hostname ?? f.deviceId ?? f.objectId ?? f.subjectKey}
                    </Link>
                    <div className="mt-0.5">
                      <ShortId id={f.deviceId ?? f.objectId} />
                    </div>
                  </Td>
                  <Td className="pt-3">
                    <FindingStatusBadge status={f.status} acknowledged={f.acknowledged} />
                  </Td>
                  <Td className="pt-3 text-slate-600 dark:text-slate-400">
                    <RelativeTime iso={f.firstSeenAt} now={now} />
                  </Td>
                  <Td className="pt-3 text-slate-600 dark:text-slate-400">
                    <RelativeTime iso={f.lastSeenAt} now={now} />
                  </Td>
                </tr>
              ))
            )}
          </TBody>
        </DataTable>
      )}
    </>
  );
}

/** A plain GET form: works without JavaScript and writes the filters into the URL. */
function Filters({ params }: { params: FindingListParams }) {
  return (
    <form method="get" action="/findings" role="search" aria-label="Filter findings" className="mb-4 flex flex-wrap items-end gap-3">
      <div className="w-full sm:w-60">
        <label htmlFor="q" className="label text-xs">
          Search
        </label>
        <input id="q" name="q" type="search" defaultValue={params.q} placeholder="Hostname or DeviceId" className="input py-1.5" />
      </div>
      <Select id="status" label="Status" value={params.status === DEFAULT_FINDING_LIST_PARAMS.status ? "" : params.status}>
        <option value="">Open</option>
        <option value="resolved">Resolved</option>
        <option value="all">All</option>
      </Select>
      <Select id="severity" label="Severity" value={params.severity ?? ""}>
        <option value="">All severities</option>
        {SEVERITIES.map((s) => (
          <option key={s} value={s}>
            {SEVERITY_LABEL[s]}
          </option>
        ))}
      </Select>
      <Select id="rule" label="Rule" value={params.rule ?? ""}>
        <option value="">All rules</option>
        {RULE_CATALOGUE.map((r) => (
          <option key={r.id} value={r.id} title={r.title}>
            {r.id}
          </option>
        ))}
      </Select>
      <Select id="ack" label="Acknowledged" value={params.ack ?? ""}>
        <option value="">Either</option>
        <option value="yes">Yes</option>
        <option value="no">No</option>
      </Select>
      {/* Without the findings a device's primary cause explains: one row per thing to fix. */}
      <Select id="primary" label="Show" value={params.primary ?? ""}>
        <option value="">All findings</option>
        <option value="only">Primary causes only</option>
      </Select>
      {params.sort !== DEFAULT_FINDING_LIST_PARAMS.sort ? <input type="hidden" name="sort" value={params.sort} /> : null}
      {params.dir !== DEFAULT_FINDING_LIST_PARAMS.dir ? <input type="hidden" name="dir" value={params.dir} /> : null}
      <div className="flex gap-2 pb-px">
        <button type="submit" className="btn-primary py-1.5">
          Apply
        </button>
        {isFindingListFiltered(params) ? (
          <Link href="/findings" className="btn-ghost py-1.5">
            Reset
          </Link>
        ) : null}
      </div>
    </form>
  );
}

function Select({ id, label, value, children }: { id: string; label: string; value: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="label text-xs">
        {label}
      </label>
      <select id={id} name={id} defaultValue={value} className="input w-auto py-1.5 pr-8">
        {children}
      </select>
    </div>
  );
}
