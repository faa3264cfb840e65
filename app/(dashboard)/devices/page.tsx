import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { directDb } from "@/lib/db/direct";
import { ensureDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { deviceHref } from "@/lib/queries/find-device-detail";
import { findDevices, type DeviceRow } from "@/lib/queries/find-devices";
import {
  DEFAULT_DEVICE_LIST_PARAMS,
  DEVICE_STATE_LABEL,
  DEVICE_STATES,
  DEVICE_TRUST_LABEL,
  DEVICE_TRUST_TYPES,
  deviceListHref,
  deviceSortHref,
  parseDeviceListParams,
  type DeviceListParams,
  type DeviceSort,
} from "@/lib/ui/device-list-params";
import { joinTypeShort } from "@/lib/ui/join-type";
import { DataTable, SortableTh, TBody, Td, Th, THead } from "../../_components/data-table";
import { EmptyState } from "../../_components/empty-state";
import { DevicesIcon } from "../../_components/icons";
import { PageHeader } from "../../_components/page-header";
import { Pagination } from "../../_components/pagination";
import { RelativeTime } from "../../_components/relative-time";
import { SeverityCell } from "../../_components/severity-badge";
import { NoTenantState } from "../../_components/no-tenant-state";
import { ExportMenu } from "../../_components/export-menu";
import { getDashboardContext } from "../_lib/dashboard-context";
import { ShortId } from "../findings/finding-status-badge";
import { DirectoryStateBadge, trustTypeLabel } from "./directory-state-badge";

export const metadata: Metadata = { title: "Devices" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function DevicesPage({ searchParams }: { searchParams: SearchParams }) {
  const { tenant, now } = await getDashboardContext();
  const params = parseDeviceListParams(await searchParams);
  if (!tenant) return <NoTenantState title="Devices" items="Devices" />;
  await ensureDeviceSummaries(tenant.id);
  const result = await findDevices(directDb(), { tenantRef: tenant.id, params });
  // Previous and Next continue from the page's first and last rows (keyset), so a deep page costs what the first does.
  const first = result.rows[0]?.rowKey ?? null;
  const last = result.rows[result.rows.length - 1]?.rowKey ?? null;
  const pageHref = (page: number) =>
    deviceListHref(params, page === result.page + 1 ? { page, after: last } : page === result.page - 1 && page > 1 ? { page, before: first } : { page });
  const filtered = params.q !== "" || params.problems || params.trust !== null || params.state !== null;
  const dir = (sort: DeviceSort) => (params.sort === sort ? params.dir : null);

  return (
    <>
      <PageHeader
        title="Devices"
        description={`Every device of ${tenant.name}: Entra ID objects from the directory sync (live and deleted) and hosts that only sent reports, with their open findings.`}
        actions={<ExportMenu what="devices" query={deviceListHref(params)} tenant={tenant.id} />}
      />
      <Filters params={params} />

      {result.total === 0 && !filtered ? (
        <EmptyState title="No devices yet" icon={<DevicesIcon width={22} height={22} />} actions={<Link href="/agents" className="btn-primary">Create an agent token</Link>}>
          Devices appear after the first directory sync or the first agent report.
        </EmptyState>
      ) : (
        <DataTable
          caption={`Devices of ${tenant.name}`}
          footer={<Pagination page={result.page} pageSize={result.pageSize} total={result.total} hrefFor={pageHref} />}
        >
          <THead>
            <SortableTh label="Device" href={deviceSortHref(params, "name")} direction={dir("name")} />
            <Th>DeviceId</Th>
            <Th>Trust type · join type</Th>
            <SortableTh label="Worst open finding" href={deviceSortHref(params, "severity")} direction={dir("severity")} />
            <SortableTh label="Open" href={deviceSortHref(params, "open")} direction={dir("open")} />
            <SortableTh label="Last report" href={deviceSortHref(params, "lastReport")} direction={dir("lastReport")} />
            <Th>Directory state</Th>
          </THead>
          <TBody>
            {result.rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="px-4 py-12 text-center text-slate-500 dark:text-slate-400">
                  No devices match these filters.{" "}
                  <Link href="/devices" className="link">
                    Clear filters
                  </Link>
                </td>
              </tr>
            ) : (
              result.rows.map((d) => <Row key={d.rowKey} d={d} now={now} />)
            )}
          </TBody>
        </DataTable>
      )}
    </>
  );
}

function Row({ d, now }: { d: DeviceRow; now: string }) {
  return (
    <tr className="relative hover:bg-slate-50 dark:hover:bg-slate-800/40" data-testid="device-row">
      <Td className="font-medium whitespace-nowrap">
        <Link href={deviceHref(d.subjectKey)} className="text-slate-900 after:absolute after:inset-0 after:content-[''] hover:text-blue-700 dark:text-slate-100 dark:hover:text-blue-300">
          {d.name}
        </Link>
      </Td>
      <Td className="whitespace-nowrap">
        <ShortId id={d.deviceId} />
      </Td>
      <Td className="whitespace-nowrap">
        <TrustCell trustType={d.trustType} joinType={d.joinType} />
      </Td>
      <Td>
        <SeverityCell severity={d.worstSeverity} />
      </Td>
      <Td className="text-right tabular-nums">{d.openFindings > 0 ? d.openFindings : <span className="text-slate-400 dark:text-slate-500">0</span>}</Td>
      <Td className="text-slate-600 dark:text-slate-400">
        <RelativeTime iso={d.lastReportAt} now={now} />
      </Td>
      <Td>
        <DirectoryStateBadge state={d.state} deletedReason={d.deletedReason} />
      </Td>
    </tr>
  );
}

/** The directory's trustType; the latest report's join type only when it says something else (or there is no object). */
function TrustCell({ trustType, joinType }: { trustType: string | null; joinType: string | null }) {
  const trust = trustType ? trustTypeLabel(trustType) : null;
  const reported = joinType ? joinTypeShort(joinType) : null;
  if (!trust) return reported ? <span title="From the latest report">{reported}</span> : <span className="text-slate-400 dark:text-slate-500">—</span>;
  if (!reported || reported === trust) return <span>{trust}</span>;
  return (
    <span>
      {trust}
      <span className="text-slate-500 dark:text-slate-400" title="The latest report's join type"> · report: {reported}</span>
    </span>
  );
}

/** A plain GET form: works without JavaScript and writes the filters into the URL. */
function Filters({ params }: { params: DeviceListParams }) {
  const changed = params.q !== "" || params.problems || params.trust !== null || params.state !== null;
  return (
    <form method="get" action="/devices" role="search" aria-label="Filter devices" className="mb-4 flex flex-wrap items-end gap-3">
      <div className="w-full sm:w-72">
        <label htmlFor="q" className="label text-xs">
          Search
        </label>
        <input id="q" name="q" type="search" defaultValue={params.q} placeholder="Hostname, DeviceId or objectId" className="input py-1.5" />
      </div>
      <Select id="trust" label="Trust type" value={params.trust ?? ""}>
        <option value="">All trust types</option>
        {DEVICE_TRUST_TYPES.map((t) => (
          <option key={t} value={t}>
            {DEVICE_TRUST_LABEL[t]}
          </option>
        ))}
      </Select>
      <Select id="state" label="Directory state" value={params.state ?? ""}>
        <option value="">All states</option>
        {DEVICE_STATES.map((s) => (
          <option key={s} value={s}>
            {DEVICE_STATE_LABEL[s]}
          </option>
        ))}
      </Select>
      <label className="flex items-center gap-2 pb-2 text-[13px] text-slate-700 dark:text-slate-300">
        <input type="checkbox" name="problems" value="1" defaultChecked={params.problems} className="size-4 rounded border-slate-300 accent-blue-600" />
        With problems (critical or high)
      </label>
      {params.sort !== DEFAULT_DEVICE_LIST_PARAMS.sort ? <input type="hidden" name="sort" value={params.sort} /> : null}
      {params.dir !== DEFAULT_DEVICE_LIST_PARAMS.dir ? <input type="hidden" name="dir" value={params.dir} /> : null}
      <div className="flex gap-2 pb-px">
        <button type="submit" className="btn-primary py-1.5">
          Apply
        </button>
        {changed ? (
          <Link href="/devices" className="btn-ghost py-1.5">
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
