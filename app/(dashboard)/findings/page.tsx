import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { db } from "@/lib/db/client";
import { findFindingCauses, type FindingCause } from "@/lib/queries/find-finding-causes";
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
import { ExportMenu } from "../../_components/export-menu";
import { hasRole } from "@/lib/auth/roles";
import { getDashboardContext } from "../_lib/dashboard-context";
import { FindingStatusBadge, PrimaryCauseMark, ShortId } from "./finding-status-badge";
import { BULK_ACKNOWLEDGE_FORM_ID, BulkAcknowledgeForm } from "./bulk-acknowledge-form";
import { RULE_CATALOGUE } from "./rule-catalogue";

const RULE_TITLE = new Map(RULE_CATALOGUE.map((r) => [r.id, r.title]));

export const metadata: Metadata = { title: "Findings" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function FindingsPage({ searchParams }: { searchParams: SearchParams }) {
  const { admin, tenant, now } = await getDashboardContext();
  const params = parseFindingListParams(await searchParams);
  if (!tenant) return <NoTenantState title="Findings" items="Findings" />;
  const exportQuery = findingFilterQuery(params);
  exportQuery.set("tenant", tenant.id);
  const header = (
    <>
      <PageHeader
        title="Findings"
        description={`Every rule verdict for ${tenant.name}'s devices, from their reports and the synced directory. Select a device for its evidence, fix and history.`}
        actions={<ExportMenu what="findings" query={exportQuery} />}
      />
      <ViewToggle params={params} />
      <Filters params={params} />
    </>
  );
  // Acknowledging applies to open findings: the form shows where the list can hold some.
  // Acknowledging is an Operator's (decision 022): a Reader sees the list without the selection and the form.
  const canAcknowledge = params.status !== "resolved" && hasRole(admin.role, "Operator");
  const bulkForm = (what: "groups" | "rows") =>
    canAcknowledge ? <BulkAcknowledgeForm tenantRef={tenant.id} filters={findingFilterQuery(params).toString()} what={what} /> : null;

  if (params.view === "causes") {
    const grouped = await findFindingCauses(db, { tenantRef: tenant.id, params });
    return (
      <>
        {header}
        {grouped.total === 0 ? (
          <EmptyState
            title={isFindingListFiltered(params) ? "No findings match these filters" : "No open findings"}
            icon={<FindingsIcon width={22} height={22} />}
          >
            {isFindingListFiltered(params) ? (
              <Link href={findingListHref(DEFAULT_FINDING_LIST_PARAMS, { view: "causes" })} className="link">
                Clear filters
              </Link>
            ) : (
              "Nothing is wrong with the devices JoinScope knows of, or no agent has reported and no sync has run yet."
            )}
          </EmptyState>
        ) : (
          <>
            {bulkForm("groups")}
            <CausesTable
              causes={grouped.causes}
              params={params}
              caption={`Findings for ${tenant.name} by rule, causes first`}
              canAcknowledge={canAcknowledge}
            />
          </>
        )}
      </>
    );
  }

  const result = await findFindings(db, { tenantRef: tenant.id, params });
  const dir = (sort: FindingSort) => (params.sort === sort ? params.dir : null);

  return (
    <>
      {header}

      {result.total === 0 && !isFindingListFiltered(params) ? (
        <EmptyState title="No open findings" icon={<FindingsIcon width={22} height={22} />}>
          Nothing is wrong with the devices JoinScope knows of, or no agent has reported and no sync has run yet.
        </EmptyState>
      ) : (
        <>
          {bulkForm("rows")}
          <DataTable
            caption={`Findings for ${tenant.name}`}
            footer={<Pagination page={result.page} pageSize={result.pageSize} total={result.total} hrefFor={(page) => findingListHref(params, { page })} />}
          >
            <THead>
              {canAcknowledge ? (
                <Th className="w-8">
                  <span className="sr-only">Select</span>
                </Th>
              ) : null}
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
                  <td colSpan={canAcknowledge ? 7 : 6} className="px-4 py-12 text-center text-slate-500 dark:text-slate-400">
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
                    {canAcknowledge ? (
                      <Td className="relative z-10 pt-3">
                        {f.status === "open" && !f.acknowledged ? (
                          <input
                            type="checkbox"
                            name="findingId"
                            value={f.id}
                            form={BULK_ACKNOWLEDGE_FORM_ID}
                            aria-label={`Select ${f.rule} on ${f.hostname ?? f.deviceId ?? f.objectId ?? f.subjectKey}`}
                            className="size-4 accent-blue-600"
                          />
                        ) : null}
                      </Td>
                    ) : null}
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
        </>
      )}
    </>
  );
}

/** All findings, or one row per rule (kept in the URL as view=causes, with the filters). */
function ViewToggle({ params }: { params: FindingListParams }) {
  const views = [
    { view: "list", label: "All findings" },
    { view: "causes", label: "By cause" },
  ] as const;
  return (
    <nav aria-label="Findings view" className="mb-3 inline-flex rounded-lg border border-slate-200 p-0.5 text-[13px] dark:border-slate-700">
      {views.map(({ view, label }) => (
        <Link
          key={view}
          href={findingListHref(params, { view, page: 1 })}
          aria-current={params.view === view ? "page" : undefined}
          className={`rounded-md px-3 py-1 font-medium ${
            params.view === view
              ? "bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900"
              : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"
          }`}
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}

/**
 * One row per rule, in the order to work through them: the rules that are a device's own cause first (most devices
 * first), then those that only follow from another finding. Each opens to its findings (the list filtered by the
 * rule, primary causes first) and to its devices (the Devices list filtered by the rule).
 */
function CausesTable({
  causes,
  params,
  caption,
  canAcknowledge,
}: {
  causes: FindingCause[];
  params: FindingListParams;
  caption: string;
  canAcknowledge: boolean;
}) {
  return (
    <DataTable caption={caption}>
      <THead>
        {canAcknowledge ? (
          <Th className="w-8">
            <span className="sr-only">Select</span>
          </Th>
        ) : null}
        <Th>Severity</Th>
        <Th>Rule</Th>
        <Th className="text-right">Devices</Th>
        <Th className="text-right">Cause on</Th>
        <Th className="text-right">Acknowledged</Th>
        <Th>
          <span className="sr-only">Open</span>
        </Th>
      </THead>
      <TBody>
        {causes.map((c) => (
          <tr key={c.rule} className="align-top hover:bg-slate-50 dark:hover:bg-slate-800/40" data-testid="cause-row" data-rule={c.rule}>
            {canAcknowledge ? (
              <Td className="pt-3">
                {c.devices > c.acknowledged ? (
                  <input
                    type="checkbox"
                    name="rule"
                    value={c.rule}
                    form={BULK_ACKNOWLEDGE_FORM_ID}
                    aria-label={`Select ${c.rule}`}
                    className="size-4 accent-blue-600"
                  />
                ) : null}
              </Td>
            ) : null}
            <Td className="pt-3">
              <SeverityBadge severity={c.severity} />
            </Td>
            <Td className="max-w-xl">
              <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                <code className="text-xs text-slate-500 dark:text-slate-400">{c.rule}</code>
              </div>
              <p className="mt-0.5 leading-snug text-slate-900 dark:text-slate-100">{RULE_TITLE.get(c.rule) ?? c.rule}</p>
              {c.explainedBy.length ? (
                <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400" data-testid="cause-follows">
                  Follows from{" "}
                  {c.explainedBy.map((e, i) => (
                    <span key={e.rule}>
                      {i > 0 ? ", " : ""}
                      <code>{e.rule}</code> on {e.devices.toLocaleString("en")}
                    </span>
                  ))}
                </p>
              ) : null}
            </Td>
            <Td className="pt-3 text-right font-medium tabular-nums" data-testid="cause-devices">
              {c.devices.toLocaleString("en")}
            </Td>
            <Td className="pt-3 text-right tabular-nums" data-testid="cause-causes">
              {c.causes.toLocaleString("en")}
            </Td>
            <Td className="pt-3 text-right text-slate-600 tabular-nums dark:text-slate-400" data-testid="cause-acknowledged">
              {c.acknowledged.toLocaleString("en")}
            </Td>
            <Td className="pt-2.5 text-right whitespace-nowrap">
              <Link
                href={findingListHref(params, { rule: c.rule, view: "list", sort: "severity", dir: "asc", page: 1 })}
                className="link text-xs"
                aria-label={`Findings of ${c.rule}`}
              >
                Findings
              </Link>
              <span className="mx-1.5 text-slate-300 dark:text-slate-600" aria-hidden="true">
                ·
              </span>
              <Link href={`/devices?rule=${encodeURIComponent(c.rule)}`} className="link text-xs" aria-label={`Devices with ${c.rule}`}>
                Devices
              </Link>
            </Td>
          </tr>
        ))}
      </TBody>
    </DataTable>
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
      {params.view !== DEFAULT_FINDING_LIST_PARAMS.view ? <input type="hidden" name="view" value={params.view} /> : null}
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
