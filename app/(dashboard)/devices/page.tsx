import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
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
} from "@/lib/ui/device-list-params";
import { JOIN_TYPE_SHORT, joinTypeShort } from "@/lib/ui/join-type";
import { SEVERITY_LABEL } from "@/lib/ui/severity";
import { DataTable, SortableTh, TBody, Td, Th, THead } from "../../_components/data-table";
import { EmptyState } from "../../_components/empty-state";
import { DevicesIcon } from "../../_components/icons";
import { PageHeader } from "../../_components/page-header";
import { Pagination } from "../../_components/pagination";
import { RelativeTime } from "../../_components/relative-time";
import { SeverityCell } from "../../_components/severity-badge";
import { NoTenantState } from "../../_components/no-tenant-state";
import { ChangeBoardExport, ExportMenu } from "../../_components/export-menu";
import { OutlookCause } from "../../_components/outlook-cause";
import { causeWords } from "@/lib/rules/cause-words";
import { CAUSE_RULES } from "@/lib/ui/cause-options";
import { getDashboardContext } from "../_lib/dashboard-context";
import { RULE_CATALOGUE } from "../findings/rule-catalogue";
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
    <>
      <PageHeader
        title="Devices"
        description={`Every device of ${tenant.name}: Entra ID objects from the directory sync (live and deleted) and hosts that only sent reports, with their open findings.`}
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <ExportMenu what="devices" query={deviceListHref(params)} tenant={tenant.id} />
            <ChangeBoardExport query={deviceListHref(params)} tenant={tenant.id} />
          </div>
        }
      />
      <Filters params={params} />

      {result.total === 0 && !filtered ? (
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
      ) : (
        <>
          <div className="mb-3 flex flex-wrap items-start justify-between gap-3">
            <p className="pt-1 text-[13px] text-slate-600 tabular-nums dark:text-slate-400" data-testid="device-total">
              {result.total.toLocaleString("en-US")} device{result.total === 1 ? "" : "s"}
              {filtered ? " match" : ""}
            </p>
            <ColumnChooser params={params} />
          </div>
          <SelectionActions />
          <DataTable
            caption={`Devices of ${tenant.name}`}
            footer={<Pagination page={result.page} pageSize={result.pageSize} total={result.total} hrefFor={pageHref} />}
          >
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
                />
              ))}
            </THead>
            <TBody>
              {result.rows.length === 0 ? (
                <tr>
                  <td colSpan={span} className="px-4 py-12 text-center text-slate-500 dark:text-slate-400">
                    No devices match these filters.{" "}
                    <Link href={deviceListHref(DEFAULT_DEVICE_LIST_PARAMS, { cols: params.cols })} className="link">
                      Clear filters
                    </Link>
                  </td>
                </tr>
              ) : (
                result.rows.map((d) => <Row key={d.rowKey} d={d} now={now} columns={columns} />)
              )}
            </TBody>
          </DataTable>
        </>
      )}
    </>
  );
}

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
      <Td className="font-medium whitespace-nowrap">
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
        <Td className="whitespace-nowrap" data-column={column}>
          <ShortId id={d.deviceId} />
        </Td>
      );
    case "objectId":
      return (
        <Td className="whitespace-nowrap" data-column={column}>
          <ShortId id={d.objectId} />
        </Td>
      );
    case "trust":
      return (
        <Td className="whitespace-nowrap" data-column={column}>
          {d.trustType ? trustTypeLabel(d.trustType) : none}
        </Td>
      );
    case "join":
      return (
        <Td className="whitespace-nowrap" data-column={column}>
          {d.joinType ? <span title="The latest report's join type">{joinTypeShort(d.joinType)}</span> : none}
        </Td>
      );
    case "os":
      return (
        <Td className="whitespace-nowrap" data-column={column}>
          {d.operatingSystem ?? none}
        </Td>
      );
    case "osVersion":
      return (
        <Td className="whitespace-nowrap tabular-nums" data-column={column}>
          {d.operatingSystemVersion ?? none}
        </Td>
      );
    case "sync":
      return (
        <Td className="whitespace-nowrap" data-column={column}>
          {d.onPremisesSyncEnabled === null ? none : d.onPremisesSyncEnabled ? "Yes" : "No"}
        </Td>
      );
    case "severity":
      return (
        <Td data-column={column}>
          <SeverityCell severity={d.worstSeverity} />
        </Td>
      );
    case "open":
      return (
        <Td className="text-right tabular-nums" data-column={column}>
          {d.openFindings > 0 ? d.openFindings : <span className="text-slate-400 dark:text-slate-500">0</span>}
        </Td>
      );
    case "cause":
      return (
        <Td className="max-w-72" data-column={column}>
          {d.outlook && d.cause ? <OutlookCause subjectKey={d.subjectKey} outlook={d.outlook} cause={d.cause} /> : none}
        </Td>
      );
    case "primaryRule":
      return (
        <Td className="whitespace-nowrap" data-column={column}>
          {d.primaryRule ? <code className="text-xs">{d.primaryRule}</code> : none}
        </Td>
      );
    case "lastReport":
      return (
        <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400" data-column={column}>
          <RelativeTime iso={d.lastReportAt} now={now} />
        </Td>
      );
    case "lastSignIn":
      return (
        <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400" data-column={column}>
          <RelativeTime iso={d.approximateLastSignInDateTime} now={now} />
        </Td>
      );
    case "pendingSince":
      return (
        <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400" data-column={column}>
          {d.state === "pending" ? <RelativeTime iso={d.pendingSince} now={now} /> : none}
        </Td>
      );
    case "state":
      return (
        <Td data-column={column}>
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
        <HiddenState params={params} keep={[...FILTER_FIELDS, "sort", "dir"]} />
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

/** A plain GET form: works without JavaScript and writes the filters into the URL. */
function Filters({ params }: { params: DeviceListParams }) {
  const changed = isDeviceListFiltered(params);
  const knownRule = params.rule === null || RULE_CATALOGUE.some((r) => r.id === params.rule);
  const knownCause = params.cause === null || CAUSE_RULES.includes(params.cause);
  return (
    <form method="get" action="/devices" role="search" aria-label="Filter devices" className="mb-4 flex flex-wrap items-end gap-3">
      <div className="w-full sm:w-72">
        <label htmlFor="q" className="label text-xs">
          Search
        </label>
        <input id="q" name="q" type="search" defaultValue={params.q} placeholder="Hostname, DeviceId or objectId" className="input py-1.5" />
      </div>
      <Select id="outlook" label="Conditional Access" value={params.outlook ?? ""}>
        <option value="">Any device</option>
        {DEVICE_OUTLOOK_FILTERS.map((o) => (
          <option key={o} value={o}>
            {DEVICE_OUTLOOK_LABEL[o]}
          </option>
        ))}
      </Select>
      <Select id="cause" label="Cause" value={params.cause ?? ""}>
        <option value="">Any cause</option>
        {knownCause ? null : <option value={params.cause!}>{params.cause}</option>}
        {CAUSE_RULES.map((r) => (
          <option key={r} value={r}>
            {causeWords(r).cause}
          </option>
        ))}
      </Select>
      <Select id="rule" label="Open finding" value={params.rule ?? ""}>
        <option value="">Any rule</option>
        {knownRule ? null : <option value={params.rule!}>{params.rule}</option>}
        {RULE_CATALOGUE.map((r) => (
          <option key={r.id} value={r.id}>
            {r.id}
          </option>
        ))}
      </Select>
      <Select id="severity" label="Worst open severity" value={params.severity ?? ""}>
        <option value="">Any severity</option>
        {DEVICE_SEVERITY_FILTERS.map((s) => (
          <option key={s} value={s}>
            {s === "none" ? "No open finding" : SEVERITY_LABEL[s]}
          </option>
        ))}
      </Select>
      <Select id="trust" label="Trust type" value={params.trust ?? ""}>
        <option value="">All trust types</option>
        {DEVICE_TRUST_TYPES.map((t) => (
          <option key={t} value={t}>
            {DEVICE_TRUST_LABEL[t]}
          </option>
        ))}
      </Select>
      <Select id="join" label="Join type (report)" value={params.join ?? ""}>
        <option value="">All join types</option>
        {DEVICE_JOIN_TYPES.map((j) => (
          <option key={j} value={j}>
            {JOIN_LABEL[j]}
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
      <Select id="sync" label="Sync" value={params.sync ?? ""}>
        <option value="">Any</option>
        {DEVICE_SYNC_FILTERS.map((s) => (
          <option key={s} value={s}>
            {SYNC_LABEL[s]}
          </option>
        ))}
      </Select>
      <Text id="os" label="OS" value={params.os ?? ""} placeholder="Windows" width="w-28" />
      <Text id="osVersion" label="OS version starts with" value={params.osVersion ?? ""} placeholder="10.0.22631" width="w-36" />
      <Days id="pendingDays" label="Pending longer than" value={params.pendingDays} />
      <Days id="silentDays" label="No report in" value={params.silentDays} />
      <label className="flex items-center gap-2 pb-2 text-[13px] text-slate-700 dark:text-slate-300">
        <input type="checkbox" name="stale" value="1" defaultChecked={params.stale} className="size-4 rounded border-slate-300 accent-blue-600" />
        Stale (last sign-in older than the tenant&apos;s threshold)
      </label>
      <label className="flex items-center gap-2 pb-2 text-[13px] text-slate-700 dark:text-slate-300">
        <input type="checkbox" name="problems" value="1" defaultChecked={params.problems} className="size-4 rounded border-slate-300 accent-blue-600" />
        With problems (critical or high)
      </label>
      <HiddenState params={params} keep={["sort", "dir", "cols"]} />
      <div className="flex gap-2 pb-px">
        <button type="submit" className="btn-primary py-1.5">
          Apply
        </button>
        {changed ? (
          <Link href={deviceListHref(DEFAULT_DEVICE_LIST_PARAMS, { sort: params.sort, dir: params.dir, cols: params.cols })} className="btn-ghost py-1.5">
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

function Text({ id, label, value, placeholder, width }: { id: string; label: string; value: string; placeholder: string; width: string }) {
  return (
    <div className={width}>
      <label htmlFor={id} className="label text-xs">
        {label}
      </label>
      <input id={id} name={id} type="text" defaultValue={value} placeholder={placeholder} className="input py-1.5" />
    </div>
  );
}

function Days({ id, label, value }: { id: string; label: string; value: number | null }) {
  return (
    <div className="w-44">
      <label htmlFor={id} className="label text-xs">
        {label} (days)
      </label>
      <input id={id} name={id} type="number" min={1} max={3650} step={1} inputMode="numeric" defaultValue={value ?? ""} className="input py-1.5" />
    </div>
  );
}
