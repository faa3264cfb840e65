import type { Metadata } from "next";
import Link from "next/link";
import { directDb } from "@/lib/db/direct";
import { ensureDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { deviceHref } from "@/lib/queries/find-device-detail";
import { findDevices, type DeviceRow } from "@/lib/queries/find-devices";
import {
  DEFAULT_DEVICE_LIST_PARAMS,
  DEVICE_COLUMN_LABEL,
  DEVICE_COLUMN_SORT,
  DEVICE_COLUMNS,
  DEVICE_JOIN_TYPES,
  DEVICE_OUTLOOK_FILTERS,
  DEVICE_OUTLOOK_LABEL,
  DEVICE_SEVERITY_FILTERS,
  DEVICE_STATE_LABEL,
  DEVICE_STATES,
  DEVICE_SYNC_FILTERS,
  DEVICE_TRUST_LABEL,
  DEVICE_TRUST_TYPES,
  deviceListHref,
  deviceListQuery,
  deviceSortHref,
  isDeviceListFiltered,
  parseDeviceListParams,
  type DeviceColumn,
  type DeviceListParams,
} from "@/lib/url-params/device-list-params";
import { JOIN_TYPE_SHORT, joinTypeShort } from "@/lib/display/join-type";
import { RULE_CATALOGUE, RULE_OPTIONS, ruleTitle } from "@/lib/display/rule-names";
import { SEVERITY_LABEL } from "@/lib/display/severity";
import { SortableTh, TBody, Td, Th, THead, type ColumnPriority } from "../../_components/data-table";
import { EmptyState } from "../../_components/empty-state";
import { DevicesIcon } from "../../_components/icons";
import { FilterCheckbox, FilterDays, FilterForm, FilterSelect, FilterText } from "../../_components/filter-form";
import { ListPage, ListTable, NoMatchRow } from "../../_components/list-page";
import { RelativeTime } from "../../_components/relative-time";
import { SeverityCell } from "../../_components/severity-badge";
import { NoTenantState } from "../../_components/no-tenant-state";
import { ChangeBoardExport, ExportMenu } from "../../_components/export-menu";
import { OutlookCause } from "../../_components/outlook-cause";
import { causeWords } from "@/lib/rules/cause-words";
import { CAUSE_RULES } from "@/lib/display/cause-options";
import { getDashboardContext } from "../_lib/dashboard-context";
import { ShortId } from "../findings/finding-status-badge";
import { SELECTION_FORM, SelectAllOnPage, SelectionActions } from "./device-selection";
import { DirectoryStateBadge, trustTypeLabel } from "./directory-state-badge";

export const metadata: Metadata = { title: "Devices" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const SYNC_LABEL: Record<(typeof DEVICE_SYNC_FILTERS)[number], string> = { yes: "Synced from AD", no: "No longer synced", unknown: "Cloud only / no object" };
const JOIN_LABEL: Record<(typeof DEVICE_JOIN_TYPES)[number], string> = { ...JOIN_TYPE_SHORT, unknown: "Never reported" };

export default async function DevicesPage({ searchParams }: { searchParams: SearchParams }) {
  const { tenant, now } = await getDashboardContext();
  const params = parseDeviceListParams(await searchParams);
  if (!tenant) return <NoTenantState title="Devices" items="Devices" />;
  await ensureDeviceSummaries(tenant.id);
  const result = await findDevices(directDb(), { tenantRef: tenant.id, params, now: new Date(now) });
  // Previous and Next continue from the page's first and last rows (keyset), so a deep page costs what the first does.
  const first = result.rows[0]?.rowKey ?? null;
  const last = result.rows[result.rows.length - 1]?.rowKey ?? null;
  const pageHref = (page: number) =>
    deviceListHref(params, page === result.page + 1 ? { page, after: last } : page === result.page - 1 && page > 1 ? { page, before: first } : { page });
  const filtered = isDeviceListFiltered(params);
  const columns = params.cols;
  const span = columns.length + 2;

  return (
    <ListPage
      title="Devices"
      description={`Every device of ${tenant.name}: Entra ID objects from the directory sync (live and deleted) and hosts that only sent reports, with their open findings.`}
      exportMenu={
        <div className="flex flex-wrap items-center gap-3">
          <ExportMenu what="devices" query={deviceListHref(params)} tenant={tenant.id} />
          <ChangeBoardExport query={deviceListHref(params)} tenant={tenant.id} />
        </div>
      }
      filters={<Filters params={params} />}
      empty={
        result.total === 0 && !filtered ? (
          <EmptyState
            title="No devices yet"
            icon={<DevicesIcon width={22} height={22} />}
            actions={
              <Link href="/agents" className="btn-primary">
                Create an agent token
              </Link>
            }
          >
            Devices appear after the first directory sync or the first agent report.
          </EmptyState>
        ) : null
      }
      toolbar={
        <>
          <div className="mb-3 flex flex-wrap items-start justify-between gap-3">
            <p className="pt-1 text-[13px] text-slate-600 tabular-nums dark:text-slate-400" data-testid="device-total">
              {result.total.toLocaleString("en-US")} device{result.total === 1 ? "" : "s"}
              {filtered ? " match" : ""}
            </p>
            <ColumnChooser params={params} />
          </div>
          <SelectionActions />
        </>
      }
    >
      <ListTable caption={`Devices of ${tenant.name}`} paging={{ ...result, hrefFor: pageHref, sizeHref: (size) => deviceListHref(params, { size, page: 1 }) }}>
        <THead>
          <Th className="w-8 pr-0">
            <SelectAllOnPage />
          </Th>
          <SortableTh label="Device" href={deviceSortHref(params, "name")} direction={params.sort === "name" ? params.dir : null} />
          {columns.map((c) => (
            <SortableTh
              key={c}
              label={DEVICE_COLUMN_LABEL[c]}
              href={deviceSortHref(params, DEVICE_COLUMN_SORT[c])}
              direction={params.sort === DEVICE_COLUMN_SORT[c] ? params.dir : null}
              priority={COLUMN_PRIORITY[c]}
            />
          ))}
        </THead>
        <TBody>
          {result.rows.length === 0 ? (
            <NoMatchRow colSpan={span} what="devices" clearHref={deviceListHref(DEFAULT_DEVICE_LIST_PARAMS, { cols: params.cols, size: params.size })} />
          ) : (
            result.rows.map((d) => <Row key={d.rowKey} d={d} now={now} columns={columns} />)
          )}
        </TBody>
      </ListTable>
    </ListPage>
  );
}

/**
 * The columns that collapse first on a narrow window (at 1,024 px, beside the sidebar): the ids, the OS and how the
 * device is joined, which its page shows, and the worst severity; the name, the cause, the count, the last report and
 * the directory state stay.
 */
const COLUMN_PRIORITY: Partial<Record<DeviceColumn, ColumnPriority>> = {
  // The cause says more than the worst severity (issue 23: cause first); the device page and the sort keep the severity.
  severity: "low",
  deviceId: "low",
  objectId: "low",
  os: "low",
  osVersion: "low",
  trust: "low",
  join: "low",
  sync: "low",
  lastSignIn: "low",
  pendingSince: "low",
};

function Row({ d, now, columns }: { d: DeviceRow; now: string; columns: readonly DeviceColumn[] }) {
  return (
    <tr className="hover:bg-slate-50 dark:hover:bg-slate-800/40" data-testid="device-row" data-subject={d.subjectKey}>
      <Td className="w-8 pr-0">
        <input
          type="checkbox"
          name="subject"
          value={d.subjectKey}
          form={SELECTION_FORM}
          aria-label={`Select ${d.name}`}
          className="size-4 rounded border-slate-300 accent-blue-600"
        />
      </Td>
      {/* Below 1,280 px a name with spaces wraps ("Lee's MacBookPro18,3", an Entra registered Mac): on one line it widened the
          table past its box at 1,024 px. Windows host names have no spaces and stay on one line. */}
      <Td className="font-medium whitespace-nowrap max-xl:whitespace-normal">
        <Link href={deviceHref(d.subjectKey)} className="text-slate-900 hover:text-blue-700 dark:text-slate-100 dark:hover:text-blue-300">
          {d.name}
        </Link>
      </Td>
      {columns.map((c) => (
        <Cell key={c} column={c} d={d} now={now} />
      ))}
    </tr>
  );
}

const none = <span className="text-slate-400 dark:text-slate-500">—</span>;

function Cell({ column, d, now }: { column: DeviceColumn; d: DeviceRow; now: string }) {
  switch (column) {
    case "deviceId":
      return (
        <Td className="whitespace-nowrap" data-column={column} priority={COLUMN_PRIORITY[column]}>
          <ShortId id={d.deviceId} />
        </Td>
      );
    case "objectId":
      return (
        <Td className="whitespace-nowrap" data-column={column} priority={COLUMN_PRIORITY[column]}>
          <ShortId id={d.objectId} />
        </Td>
      );
    case "trust":
      return (
        <Td className="whitespace-nowrap" data-column={column} priority={COLUMN_PRIORITY[column]}>
          {d.trustType ? trustTypeLabel(d.trustType) : none}
        </Td>
      );
    case "join":
      return (
        <Td className="whitespace-nowrap" data-column={column} priority={COLUMN_PRIORITY[column]}>
          {d.joinType ? <span title="The latest report's join type">{joinTypeShort(d.joinType)}</span> : none}
        </Td>
      );
    case "os":
      return (
        <Td className="whitespace-nowrap" data-column={column} priority={COLUMN_PRIORITY[column]}>
          {d.operatingSystem ?? none}
        </Td>
      );
    case "osVersion":
      return (
        <Td className="whitespace-nowrap tabular-nums" data-column={column} priority={COLUMN_PRIORITY[column]}>
          {d.operatingSystemVersion ?? none}
        </Td>
      );
    case "sync":
      return (
        <Td className="whitespace-nowrap" data-column={column} priority={COLUMN_PRIORITY[column]}>
          {d.onPremisesSyncEnabled === null ? none : d.onPremisesSyncEnabled ? "Yes" : "No"}
        </Td>
      );
    case "severity":
      return (
        <Td data-column={column} priority={COLUMN_PRIORITY[column]}>
          <SeverityCell severity={d.worstSeverity} />
        </Td>
      );
    case "open":
      return (
        <Td className="text-right tabular-nums" data-column={column} priority={COLUMN_PRIORITY[column]}>
          {d.openFindings > 0 ? d.openFindings : <span className="text-slate-400 dark:text-slate-500">0</span>}
        </Td>
      );
    case "cause":
      return (
        <Td className="max-w-72" data-column={column} priority={COLUMN_PRIORITY[column]}>
          {d.outlook && d.cause ? <OutlookCause subjectKey={d.subjectKey} outlook={d.outlook} cause={d.cause} /> : none}
        </Td>
      );
    case "primaryRule":
      return (
        <Td className="whitespace-nowrap" data-column={column} priority={COLUMN_PRIORITY[column]}>
          {d.primaryRule ? <span title={d.primaryRule}>{ruleTitle(d.primaryRule)}</span> : none}
        </Td>
      );
    case "lastReport":
      return (
        <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400" data-column={column} priority={COLUMN_PRIORITY[column]}>
          <RelativeTime iso={d.lastReportAt} now={now} />
        </Td>
      );
    case "lastSignIn":
      return (
        <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400" data-column={column} priority={COLUMN_PRIORITY[column]}>
          <RelativeTime iso={d.approximateLastSignInDateTime} now={now} />
        </Td>
      );
    case "pendingSince":
      return (
        <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400" data-column={column} priority={COLUMN_PRIORITY[column]}>
          {d.state === "pending" ? <RelativeTime iso={d.pendingSince} now={now} /> : none}
        </Td>
      );
    case "state":
      return (
        <Td data-column={column} priority={COLUMN_PRIORITY[column]}>
          <DirectoryStateBadge state={d.state} deletedReason={d.deletedReason} />
        </Td>
      );
  }
}

/** The list's other state (sort, columns) as hidden fields, so a GET form that changes one part keeps the rest. */
function HiddenState({ params, keep }: { params: DeviceListParams; keep: readonly string[] }) {
  const fields = [...deviceListQuery({ ...params, page: 1, after: null, before: null }).entries()].filter(([name]) => keep.includes(name));
  return (
    <>
      {fields.map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

const FILTER_FIELDS = [
  "q",
  "problems",
  "trust",
  "state",
  "rule",
  "severity",
  "outlook",
  "cause",
  "join",
  "os",
  "osVersion",
  "sync",
  "pendingDays",
  "silentDays",
  "stale",
];

/**
 * Which columns show: a GET form of checkboxes (`cols` in the URL, so a shared link shows the same table), in a
 * disclosure that the keyboard opens (Enter or Space on its summary) and Tab walks through.
 */
function ColumnChooser({ params }: { params: DeviceListParams }) {
  return (
    <details className="relative" data-testid="column-chooser">
      <summary className="btn-ghost cursor-pointer py-1.5 text-[13px] select-none">Columns</summary>
      <form method="get" action="/devices" aria-label="Choose columns" className="card absolute right-0 z-10 mt-1 w-64 p-3 shadow-lg">
        <HiddenState params={params} keep={[...FILTER_FIELDS, "sort", "dir", "size"]} />
        {/* Sent with the boxes: with none checked, `cols=-` shows the name alone instead of the default columns. */}
        <input type="hidden" name="cols" value="-" />
        <fieldset>
          <legend className="mb-2 text-xs font-medium text-slate-600 dark:text-slate-400">Show columns</legend>
          {DEVICE_COLUMNS.map((c) => (
            <label key={c} className="flex items-center gap-2 py-0.5 text-[13px] text-slate-700 dark:text-slate-300">
              <input
                type="checkbox"
                name="cols"
                value={c}
                defaultChecked={params.cols.includes(c)}
                className="size-4 rounded border-slate-300 accent-blue-600"
              />
              {DEVICE_COLUMN_LABEL[c]}
            </label>
          ))}
        </fieldset>
        <div className="mt-3 flex gap-2">
          <button type="submit" className="btn-primary py-1.5 text-[13px]">
            Show
          </button>
          <Link href={deviceListHref(params, { cols: DEFAULT_DEVICE_LIST_PARAMS.cols, page: 1 })} className="btn-ghost py-1.5 text-[13px]">
            Default columns
          </Link>
        </div>
      </form>
    </details>
  );
}

/** The Devices filters (FilterForm: a GET form, so the whole view is in the URL). */
function Filters({ params }: { params: DeviceListParams }) {
  const knownRule = params.rule === null || RULE_CATALOGUE.some((r) => r.id === params.rule);
  return (
    <FilterForm
      action="/devices"
      label="Filter devices"
      resetHref={
        isDeviceListFiltered(params)
          ? deviceListHref(DEFAULT_DEVICE_LIST_PARAMS, { sort: params.sort, dir: params.dir, cols: params.cols, size: params.size })
          : null
      }
    >
      <FilterText id="q" label="Search" value={params.q} placeholder="Hostname, DeviceId or objectId" width="w-full sm:w-72" search />
      <FilterSelect
        id="outlook"
        label="Conditional Access"
        value={params.outlook ?? ""}
        any="Any device"
        options={DEVICE_OUTLOOK_FILTERS.map((o) => [o, DEVICE_OUTLOOK_LABEL[o]] as const)}
      />
      <FilterSelect
        id="cause"
        label="Cause"
        value={params.cause ?? ""}
        any="Any cause"
        options={[...(params.cause && !CAUSE_RULES.includes(params.cause) ? [params.cause] : []), ...CAUSE_RULES].map((r) => [r, causeWords(r).cause] as const)}
      />
      <FilterSelect id="rule" label="Open finding" value={params.rule ?? ""} any="Any rule" options={RULE_OPTIONS}>
        {knownRule ? null : <option value={params.rule!}>{params.rule}</option>}
      </FilterSelect>
      <FilterSelect
        id="severity"
        label="Worst open severity"
        value={params.severity ?? ""}
        any="Any severity"
        options={DEVICE_SEVERITY_FILTERS.map((s) => [s, s === "none" ? "No open finding" : SEVERITY_LABEL[s]] as const)}
      />
      <FilterSelect
        id="trust"
        label="Trust type"
        value={params.trust ?? ""}
        any="All trust types"
        options={DEVICE_TRUST_TYPES.map((t) => [t, DEVICE_TRUST_LABEL[t]] as const)}
      />
      <FilterSelect
        id="join"
        label="Join type (report)"
        value={params.join ?? ""}
        any="All join types"
        options={DEVICE_JOIN_TYPES.map((j) => [j, JOIN_LABEL[j]] as const)}
      />
      <FilterSelect
        id="state"
        label="Directory state"
        value={params.state ?? ""}
        any="All states"
        options={DEVICE_STATES.map((s) => [s, DEVICE_STATE_LABEL[s]] as const)}
      />
      <FilterSelect id="sync" label="Sync" value={params.sync ?? ""} any="Any" options={DEVICE_SYNC_FILTERS.map((s) => [s, SYNC_LABEL[s]] as const)} />
      <FilterText id="os" label="OS" value={params.os ?? ""} placeholder="Windows" width="w-28" />
      <FilterText id="osVersion" label="OS version starts with" value={params.osVersion ?? ""} placeholder="10.0.22631" />
      <FilterDays id="pendingDays" label="Pending longer than" value={params.pendingDays} />
      <FilterDays id="silentDays" label="No report in" value={params.silentDays} />
      <FilterCheckbox name="stale" checked={params.stale}>
        Stale (last sign-in older than the tenant&apos;s threshold)
      </FilterCheckbox>
      <FilterCheckbox name="problems" checked={params.problems}>
        With problems (critical or high)
      </FilterCheckbox>
      <HiddenState params={params} keep={["sort", "dir", "cols", "size"]} />
    </FilterForm>
  );
}
