import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { db } from "@/lib/db/client";
import { findFindingCauses, type FindingCause } from "@/lib/queries/find-finding-causes";
import { findingHref } from "@/lib/url-params/finding-anchor";
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
} from "@/lib/url-params/finding-list-params";
import { RULE_OPTIONS, ruleTitle } from "@/lib/display/rule-names";
import { SEVERITIES, SEVERITY_LABEL } from "@/lib/display/severity";
import { PAGE_SIZES } from "@/lib/url-params/page-size";
import { DataTable, SortableTh, TBody, Td, Th, THead } from "../../_components/data-table";
import { FilterForm, FilterSelect, FilterText } from "../../_components/filter-form";
import { ListPage, ListTable, NoMatchRow } from "../../_components/list-page";
import { EmptyState } from "../../_components/empty-state";
import { FindingsIcon } from "../../_components/icons";
import { RelativeTime } from "../../_components/relative-time";
import { SeverityBadge } from "../../_components/severity-badge";
import { NoTenantState } from "../../_components/no-tenant-state";
import { ExportMenu } from "../../_components/export-menu";
import { getDashboardContext } from "../_lib/dashboard-context";
import { FindingStatusBadge, PrimaryCauseMark, ShortId } from "./finding-status-badge";
import { BULK_ACKNOWLEDGE_FORM_ID, BulkAcknowledgeForm } from "./bulk-acknowledge-form";

export const metadata: Metadata = { title: "Findings" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function FindingsPage({ searchParams }: { searchParams: SearchParams }) {
  const { tenant, now } = await getDashboardContext();
  const params = parseFindingListParams(await searchParams);
  if (!tenant) return <NoTenantState title="Findings" items="Findings" />;
  const exportQuery = findingFilterQuery(params);
  exportQuery.set("tenant", tenant.id);
  const page = {
    title: "Findings",
    description: `Every rule verdict for ${tenant.name}'s devices, from their reports and the synced directory. Select a device for its evidence, fix and history.`,
    exportMenu: <ExportMenu what="findings" query={exportQuery} />,
    above: <ViewToggle params={params} />,
    filters: <Filters params={params} />,
  };
  // Acknowledging applies to open findings: the form shows where the list can hold some.
  const canAcknowledge = params.status !== "resolved";
  const bulkForm = (what: "groups" | "rows") =>
    canAcknowledge ? <BulkAcknowledgeForm tenantRef={tenant.id} filters={findingFilterQuery(params).toString()} what={what} /> : null;

  if (params.view === "causes") {
    const grouped = await findFindingCauses(db, { tenantRef: tenant.id, params });
    return (
      <ListPage
        {...page}
        empty={
          grouped.total === 0 ? (
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
          ) : null
        }
        toolbar={bulkForm("groups")}
      >
        <CausesTable causes={grouped.causes} params={params} caption={`Findings for ${tenant.name} by rule, causes first`} canAcknowledge={canAcknowledge} />
      </ListPage>
    );
  }

  const result = await findFindings(db, { tenantRef: tenant.id, params });
  const dir = (sort: FindingSort) => (params.sort === sort ? params.dir : null);

  return (
    <ListPage
      {...page}
      empty={
        result.total === 0 && !isFindingListFiltered(params) ? (
          <EmptyState title="No open findings" icon={<FindingsIcon width={22} height={22} />}>
            Nothing is wrong with the devices JoinScope knows of, or no agent has reported and no sync has run yet.
          </EmptyState>
        ) : null
      }
      toolbar={bulkForm("rows")}
    >
      <ListTable
        caption={`Findings for ${tenant.name}`}
        paging={{
          page: result.page,
          pageSize: result.pageSize,
          total: result.total,
          hrefFor: (n) => findingListHref(params, { page: n }),
          sizes: PAGE_SIZES,
          sizeHref: (size) => findingListHref(params, { size, page: 1 }),
        }}
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
          <SortableTh label="First seen" href={findingSortHref(params, "firstSeen")} direction={dir("firstSeen")} priority="low" />
          <SortableTh label="Last seen" href={findingSortHref(params, "lastSeen")} direction={dir("lastSeen")} />
        </THead>
        <TBody>
          {result.rows.length === 0 ? (
            <NoMatchRow colSpan={canAcknowledge ? 7 : 6} what="findings" clearHref={findingListHref(DEFAULT_FINDING_LIST_PARAMS, { size: params.size })} />
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
                <RuleCell rule={f.rule} title={f.title} mark={<PrimaryCauseMark primary={f.primary} explainedBy={f.explainedBy} />} />
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
                <Td className="pt-3 text-slate-600 dark:text-slate-400" priority="low">
                  <RelativeTime iso={f.firstSeenAt} now={now} />
                </Td>
                <Td className="pt-3 text-slate-600 dark:text-slate-400">
                  <RelativeTime iso={f.lastSeenAt} now={now} />
                </Td>
              </tr>
            ))
          )}
        </TBody>
      </ListTable>
    </ListPage>
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
            <RuleCell rule={c.rule} title={ruleTitle(c.rule)}>
              {c.explainedBy.length ? (
                <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400" data-testid="cause-follows">
                  Follows from{" "}
                  {c.explainedBy.map((e, i) => (
                    <span key={e.rule}>
                      {i > 0 ? ", " : ""}
                      <span title={e.rule}>{ruleTitle(e.rule)}</span> on {e.devices.toLocaleString("en")}
                    </span>
                  ))}
                </p>
              ) : null}
            </RuleCell>
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

/** The Findings filters (FilterForm: a GET form, so the view is in the URL). */
function Filters({ params }: { params: FindingListParams }) {
  const keep = (name: "view" | "sort" | "dir" | "size") => (params[name] !== DEFAULT_FINDING_LIST_PARAMS[name] ? String(params[name]) : null);
  return (
    <FilterForm
      action="/findings"
      label="Filter findings"
      resetHref={isFindingListFiltered(params) ? "/findings" : null}
      hidden={{ view: keep("view"), sort: keep("sort"), dir: keep("dir"), size: keep("size") }}
    >
      <FilterText id="q" label="Search" value={params.q} placeholder="Hostname or DeviceId" width="w-full sm:w-60" search />
      <FilterSelect
        id="status"
        label="Status"
        value={params.status === DEFAULT_FINDING_LIST_PARAMS.status ? "" : params.status}
        any="Open"
        options={[
          ["resolved", "Resolved"],
          ["all", "All"],
        ]}
      />
      <FilterSelect
        id="severity"
        label="Severity"
        value={params.severity ?? ""}
        any="All severities"
        options={SEVERITIES.map((s) => [s, SEVERITY_LABEL[s]] as const)}
      />
      <FilterSelect id="rule" label="Rule" value={params.rule ?? ""} any="All rules" options={RULE_OPTIONS} />
      <FilterSelect
        id="ack"
        label="Acknowledged"
        value={params.ack ?? ""}
        any="Either"
        options={[
          ["yes", "Yes"],
          ["no", "No"],
        ]}
      />
      {/* Without the findings a device's primary cause explains: one row per thing to fix. */}
      <FilterSelect id="primary" label="Show" value={params.primary ?? ""} any="All findings" options={[["only", "Primary causes only"]]} />
    </FilterForm>
  );
}

/** A finding's or a rule's cell: its title, under the rule id and a mark (primary cause, or what it follows from). */
function RuleCell({ rule, title, mark, children }: { rule: string; title: string; mark?: ReactNode; children?: ReactNode }) {
  return (
    <Td className="max-w-xl">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <code className="text-xs text-slate-500 dark:text-slate-400">{rule}</code>
        {mark}
      </div>
      <p className="mt-0.5 leading-snug text-slate-900 dark:text-slate-100">{title}</p>
      {children}
    </Td>
  );
}
