import type { Metadata } from "next";
import { AUDIT_CATEGORIES, AUDIT_CATEGORY_KEYS, auditCategoryOf } from "@/lib/audit/audit-categories";
import { db } from "@/lib/db/client";
import { EXPORT_FORMATS } from "@/lib/export/export-format";
import { findAuditEntries, type AuditEntryRow } from "@/lib/queries/find-audit-entries";
import { auditFilterQuery, auditListHref, DEFAULT_AUDIT_LIST_PARAMS, parseAuditListParams, type AuditListParams } from "@/lib/url-params/audit-list-params";
import { TBody, Td, Th, THead } from "../../_components/data-table";
import { EmptyState } from "../../_components/empty-state";
import { FilterForm, FilterSelect, FilterText } from "../../_components/filter-form";
import { AuditIcon } from "../../_components/icons";
import { ListPage, ListTable, NoMatchRow } from "../../_components/list-page";
import { RelativeTime } from "../../_components/relative-time";
import { getDashboardContextFor } from "../_lib/dashboard-context";

export const metadata: Metadata = { title: "Audit" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const FORMAT_LABEL = { csv: "CSV", xlsx: "XLSX", jsonl: "JSON Lines" } as const;

/**
 * Who did what (issue 20 item 6, decision 027): sign-ins and failed ones, acknowledgements, agent tokens and devices,
 * credentials, settings, users and access, exports. Admins only; an Admin limited to some tenants sees those tenants'
 * entries only. Filters and paging in the URL, exported through /api/v1/audit/export with the same filters.
 */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const { admin, tenants, now } = await getDashboardContextFor("Admin");
  const params = parseAuditListParams(await searchParams);
  const result = await findAuditEntries(db, { params, tenantScope: admin.tenantScope });
  const filtered = auditFilterQuery(params).toString() !== "";
  const exportQuery = auditFilterQuery(params);

  return (
    <ListPage
      title="Audit"
      description={
        admin.tenantScope === null
          ? "Who did what in JoinScope, newest first: sign-ins, acknowledgements, tokens, credentials, settings, access and exports."
          : "Who did what in the tenants you may see, newest first. Entries of no tenant (sign-ins, users) are shown to Admins without a tenant limit."
      }
      exportMenu={
        <div role="group" aria-label="Export the audit log" className="flex items-center gap-1">
          <span className="mr-1 text-sm text-slate-600 dark:text-slate-400">Export</span>
          {EXPORT_FORMATS.map((format) => {
            const qs = new URLSearchParams(exportQuery);
            qs.set("format", format);
            return (
              <a
                key={format}
                href={`/api/v1/audit/export?${qs.toString()}`}
                className="btn-secondary py-1.5"
                download
                aria-label={`Export ${FORMAT_LABEL[format]}`}
              >
                {FORMAT_LABEL[format]}
              </a>
            );
          })}
        </div>
      }
      filters={<Filters params={params} tenants={tenants} />}
      empty={
        result.total === 0 && !filtered ? (
          <EmptyState title="Nothing recorded yet" icon={<AuditIcon width={22} height={22} />}>
            Sign-ins, acknowledgements, token and settings changes and exports appear here as they happen.
          </EmptyState>
        ) : null
      }
    >
      <ListTable
        caption="Audit log"
        paging={{ ...result, hrefFor: (page) => auditListHref(params, { page }), sizeHref: (size) => auditListHref(params, { size, page: 1 }) }}
      >
        <THead>
          <Th>When</Th>
          <Th>Who</Th>
          <Th>What</Th>
          <Th>Tenant</Th>
          <Th priority="low">Detail</Th>
        </THead>
        <TBody>
          {result.rows.length === 0 ? (
            <NoMatchRow colSpan={5} what="entries" clearHref={auditListHref(DEFAULT_AUDIT_LIST_PARAMS, { size: params.size })} />
          ) : (
            result.rows.map((r) => <AuditRow key={r.id} row={r} now={now} />)
          )}
        </TBody>
      </ListTable>
    </ListPage>
  );
}

function AuditRow({ row, now }: { row: AuditEntryRow; now: string }) {
  const category = auditCategoryOf(row.action);
  return (
    <tr data-testid="audit-row" data-action={row.action}>
      <Td className="whitespace-nowrap text-slate-600 dark:text-slate-400">
        <span title={row.at}>
          <RelativeTime iso={row.at} now={now} />
        </span>
      </Td>
      <Td className="max-w-64 truncate" title={row.actor}>
        {row.actor}
      </Td>
      <Td className="whitespace-nowrap">
        <span className="font-mono text-xs">{row.action}</span>
        {category ? <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">{AUDIT_CATEGORIES[category].label}</span> : null}
      </Td>
      <Td>{row.tenantName ?? <span className="text-slate-400 dark:text-slate-500">—</span>}</Td>
      <Td priority="low" className="max-w-md truncate font-mono text-xs text-slate-600 dark:text-slate-400" title={describe(row)}>
        {describe(row)}
      </Td>
    </tr>
  );
}

/** The target and the detail, as one line of text (the export has them in columns of their own). */
function describe(row: AuditEntryRow): string {
  const detail = row.detail === null || row.detail === undefined ? "" : JSON.stringify(row.detail);
  return [row.target, detail].filter(Boolean).join(" ");
}

function Filters({ params, tenants }: { params: AuditListParams; tenants: { id: string; name: string }[] }) {
  const changed = auditFilterQuery(params).toString() !== "";
  return (
    <FilterForm
      action="/audit"
      label="Filter the audit log"
      resetHref={changed ? "/audit" : null}
      hidden={{ size: params.size !== DEFAULT_AUDIT_LIST_PARAMS.size ? String(params.size) : null }}
    >
      <FilterText id="who" label="Who" value={params.who} placeholder="Start of an email" width="w-full sm:w-60" search />
      <FilterSelect
        id="what"
        label="What"
        value={params.what ?? ""}
        any="Everything"
        options={AUDIT_CATEGORY_KEYS.map((k) => [k, AUDIT_CATEGORIES[k].label] as const)}
      />
      <FilterSelect id="tenant" label="Tenant" value={params.tenant ?? ""} any="All tenants" options={tenants.map((t) => [t.id, t.name] as const)} />
      <DayField id="from" label="From" value={params.from} />
      <DayField id="to" label="To" value={params.to} />
    </FilterForm>
  );
}

function DayField({ id, label, value }: { id: string; label: string; value: string | null }) {
  return (
    <div className="w-40">
      <label htmlFor={id} className="label text-xs">
        {label} (UTC day)
      </label>
      <input id={id} name={id} type="date" defaultValue={value ?? ""} className="input py-1.5" />
    </div>
  );
}
