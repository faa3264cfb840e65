import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { hasRole } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { formatAbsoluteTime } from "@/lib/display/format-time";
import { findProxyDiagnosis } from "@/lib/queries/find-proxy-diagnosis";
import { FindingList } from "../../../../_components/finding-card";
import { RelativeTime } from "../../../../_components/relative-time";
import { getDashboardContext } from "../../../_lib/dashboard-context";
import { DownloadDiagnosisButton } from "../../download-diagnosis-button";
import { ProxyFilesTable } from "../../proxy-files-table";
import { DeleteDiagnosisButton } from "./delete-diagnosis-button";

type Params = Promise<{ id: string }>;

/** The saved diagnosis of the tenant selected in the header; another tenant's id (or an unknown one) is a 404. */
async function load(params: Params) {
  const context = await getDashboardContext();
  const { id } = await params;
  const diagnosis = context.tenant ? await findProxyDiagnosis(db, { tenantRef: context.tenant.id, id }) : null;
  return { ...context, diagnosis };
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { diagnosis } = await load(params);
  return { title: diagnosis ? `${diagnosis.title} · Proxy diagnosis` : "Diagnosis not found" };
}

export default async function SavedProxyDiagnosisPage({ params }: { params: Params }) {
  const { admin, tenant, now, diagnosis } = await load(params);
  if (!diagnosis || !tenant) notFound();
  const fileName = `proxy-diagnosis-${diagnosis.savedAt.slice(0, 10)}-${diagnosis.id.slice(0, 8)}.json`;
  return (
    <div className="space-y-6">
      <div>
        <nav aria-label="Breadcrumb" className="mb-2 text-xs text-slate-500 dark:text-slate-400">
          <Link href="/proxy" className="hover:text-slate-900 hover:underline dark:hover:text-slate-100">
            Proxy diagnostics
          </Link>
          <span aria-hidden="true"> / </span>
          <span>Saved diagnosis</span>
        </nav>
        <div className="flex flex-wrap items-start justify-between gap-4">
          <h1 className="min-w-0 text-xl font-semibold tracking-tight break-words text-slate-900 dark:text-slate-50">{diagnosis.title}</h1>
          <div className="flex shrink-0 flex-wrap items-center gap-2">
            <DownloadDiagnosisButton diagnosis={{ files: diagnosis.files, findings: diagnosis.findings }} fileName={fileName} />
            {hasRole(admin.role, "Operator") ? <DeleteDiagnosisButton id={diagnosis.id} title={diagnosis.title} /> : null}
          </div>
        </div>
        <dl className="mt-3 flex flex-wrap gap-x-8 gap-y-2 text-[13px]">
          <Meta label="Saved by">{diagnosis.savedBy}</Meta>
          <Meta label="Saved">
            <RelativeTime iso={diagnosis.savedAt} now={now} />{" "}
            <span className="text-slate-500 dark:text-slate-400">({formatAbsoluteTime(diagnosis.savedAt)})</span>
          </Meta>
          <Meta label="Tenant">{tenant.name}</Meta>
        </dl>
      </div>
      <section aria-labelledby="saved-files-heading" className="space-y-3">
        <h2 id="saved-files-heading" className="text-base font-semibold text-slate-900 dark:text-slate-100">
          Files
        </h2>
        <ProxyFilesTable files={diagnosis.files} />
      </section>
      <section aria-labelledby="saved-findings-heading" className="space-y-3">
        <h2 id="saved-findings-heading" className="text-base font-semibold text-slate-900 dark:text-slate-100">
          Findings
        </h2>
        <FindingList findings={diagnosis.findings} />
      </section>
    </div>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 text-slate-900 dark:text-slate-100">{children}</dd>
    </div>
  );
}
