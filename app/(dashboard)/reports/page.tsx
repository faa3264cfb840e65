import type { Metadata } from "next";
import Link from "next/link";
import { reportSubjectKey } from "@/lib/rules/subject-key";
import { deviceHref } from "@/lib/queries/find-device-detail";
import { db } from "@/lib/db/client";
import { ensureDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { findDeviceReports } from "@/lib/queries/find-device-reports";
import { JOIN_TYPE_SHORT, JOIN_TYPES, joinTypeShort } from "@/lib/display/join-type";
import { PAGE_SIZES } from "@/lib/url-params/page-size";
import { DEFAULT_REPORT_LIST_PARAMS, parseReportListParams, reportListHref, sortHref, type ReportListParams, type ReportSort } from "@/lib/url-params/report-list-params";
import { SortableTh, TBody, Td, Th, THead } from "../../_components/data-table";
import { FilterCheckbox, FilterForm, FilterSelect, FilterText } from "../../_components/filter-form";
import { ListPage, ListTable, NoMatchRow } from "../../_components/list-page";
import { EmptyState } from "../../_components/empty-state";
import { ReportsIcon } from "../../_components/icons";
import { RelativeTime } from "../../_components/relative-time";
import { SeverityCell } from "../../_components/severity-badge";
import { NoTenantState } from "../../_components/no-tenant-state";
import { getDashboardContext } from "../_lib/dashboard-context";

export const metadata: Metadata = { title: "Reports" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ReportsPage({ searchParams }: { searchParams: SearchParams }) {
  const { tenant, now } = await getDashboardContext();
  const params = parseReportListParams(await searchParams);
  if (!tenant) return <NoTenantState title="Reports" items="Reports" />;
  await ensureDeviceSummaries(tenant.id);
  const result = await findDeviceReports(db, { tenantRef: tenant.id, params });
  const filtered = params.q !== "" || params.join !== null || params.problems;
  const dir = (sort: ReportSort) => (params.sort === sort ? params.dir : null);

  return (
    <ListPage
      title="Reports"
      description={`dsregcmd /status reports uploaded by agents for ${tenant.name}. Select a row for the full report.`}
      filters={<Filters params={params} />}
      empty={
        result.total === 0 && !filtered ? (
          <EmptyState
            title="No reports uploaded yet"
            icon={<ReportsIcon width={22} height={22} />}
            actions={
              <Link href="/agents" className="btn-primary">
                Create an agent token
              </Link>
            }
          >
            Agents upload a report each time they run. Create a token for the upload script on the Agents page.
          </EmptyState>
        ) : null
      }
    >
        <ListTable
          caption={`Device reports for ${tenant.name}`}
          paging={{
            page: result.page,
            pageSize: result.pageSize,
            total: result.total,
            hrefFor: (page) => reportListHref(params, { page }),
            sizes: PAGE_SIZES,
            sizeHref: (size) => reportListHref(params, { size, page: 1 }),
          }}
        >
          <THead>
            <SortableTh label="Hostname" href={sortHref(params, "hostname")} direction={dir("hostname")} />
            <Th priority="low">DeviceId</Th>
            <SortableTh label="Join type" href={sortHref(params, "join")} direction={dir("join")} />
            <Th>PRT</Th>
            <Th>DeviceAuthStatus</Th>
            <Th>Worst finding</Th>
            <SortableTh label="Captured" href={sortHref(params, "captured")} direction={dir("captured")} />
            <SortableTh label="Received" href={sortHref(params, "received")} direction={dir("received")} priority="low" />
            <Th priority="low">Agent token</Th>
          </THead>
          <TBody>
            {result.rows.length === 0 ? (
              <NoMatchRow colSpan={9} what="reports" clearHref={reportListHref(DEFAULT_REPORT_LIST_PARAMS, { size: params.size })} />
            ) : (
              result.rows.map((r) => (
                <tr key={r.id} className="relative hover:bg-slate-50 dark:hover:bg-slate-800/40" data-testid="report-row">
                  <Td className="font-medium whitespace-nowrap">
                    <Link href={`/reports/${r.id}`} className="text-slate-900 after:absolute after:inset-0 after:content-[''] hover:text-blue-700 dark:text-slate-100 dark:hover:text-blue-300">
                      {r.hostname}
                    </Link>
                  </Td>
                  <Td className="font-mono text-xs whitespace-nowrap text-slate-600 dark:text-slate-400" priority="low">
                    <Link href={deviceHref(reportSubjectKey(r.deviceId, r.hostname))} className="link relative z-10" aria-label={r.deviceId ? `Device ${r.deviceId}` : "Device page"} data-testid="report-device-link">
                      {r.deviceId ? (
                        <span title={r.deviceId}>
                          {r.deviceId.slice(0, 8)}
                          <span aria-hidden="true">…</span>
                        </span>
                      ) : (
                        <span className="font-sans">Device</span>
                      )}
                    </Link>
                  </Td>
                  <Td className="whitespace-nowrap">{joinTypeShort(r.joinType)}</Td>
                  <Td>
                    <YesNo value={r.azureAdPrt} />
                  </Td>
                  <Td>
                    <AuthStatus value={r.deviceAuthStatus} />
                  </Td>
                  <Td>
                    <SeverityCell severity={r.worstSeverity} />
                  </Td>
                  <Td className="text-slate-600 dark:text-slate-400">
                    <RelativeTime iso={r.capturedAt} now={now} />
                  </Td>
                  <Td className="text-slate-600 dark:text-slate-400" priority="low">
                    <RelativeTime iso={r.receivedAt} now={now} />
                  </Td>
                  <Td priority="low" className="max-w-44 truncate text-slate-600 dark:text-slate-400" title={r.agentTokenName ?? undefined}>{r.agentTokenName ?? "—"}</Td>
                </tr>
              ))
            )}
          </TBody>
        </ListTable>
    </ListPage>
  );
}

/** The Reports filters (FilterForm: a GET form, so the view is in the URL). */
function Filters({ params }: { params: ReportListParams }) {
  const changed = params.q !== "" || params.join !== null || params.problems;
  const keep = (name: "sort" | "dir" | "size") => (params[name] !== DEFAULT_REPORT_LIST_PARAMS[name] ? String(params[name]) : null);
  return (
    <FilterForm action="/reports" label="Filter reports" resetHref={changed ? "/reports" : null} hidden={{ sort: keep("sort"), dir: keep("dir"), size: keep("size") }}>
      <FilterText id="q" label="Search" value={params.q} placeholder="Hostname or DeviceId" width="w-full sm:w-72" search />
      <FilterSelect id="join" label="Join type" value={params.join ?? ""} any="All join types" options={JOIN_TYPES.map((t) => [t, JOIN_TYPE_SHORT[t]] as const)} />
      <FilterCheckbox name="problems" checked={params.problems}>
        Critical or high findings only
      </FilterCheckbox>
    </FilterForm>
  );
}

function YesNo({ value }: { value: boolean | null }) {
  if (value === null) return <span className="text-slate-400 dark:text-slate-500">—</span>;
  return value ? (
    <span className="font-medium text-emerald-700 dark:text-emerald-400">Yes</span>
  ) : (
    <span className="font-medium text-red-700 dark:text-red-400">No</span>
  );
}

function AuthStatus({ value }: { value: string | null }) {
  if (!value) return <span className="text-slate-400 dark:text-slate-500">—</span>;
  return <span className={value === "SUCCESS" ? "text-emerald-700 dark:text-emerald-400" : "font-medium text-red-700 dark:text-red-400"}>{value}</span>;
}
