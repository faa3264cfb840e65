import type { Metadata } from "next";
import Link from "next/link";
import { reportSubjectKey } from "@/lib/rules/subject-key";
import { deviceHref } from "@/lib/queries/find-device-detail";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { db } from "@/lib/db/client";
import { findDeviceReport } from "@/lib/queries/find-device-report";
import { formatAbsoluteTime } from "@/lib/display/format-time";
import { joinTypeShort } from "@/lib/display/join-type";
import { limitRawTextForDisplay } from "@/lib/display/limit-report-display";
import { DataTable, TBody, Td, Th, THead } from "../../../_components/data-table";
import { FindingList } from "../../../_components/finding-card";
import { KeyFacts, ReportSections } from "../../../_components/parsed-report";
import { RelativeTime } from "../../../_components/relative-time";
import { VerdictBanner } from "../../../_components/verdict-banner";
import { getDashboardContext } from "../../_lib/dashboard-context";

type Params = Promise<{ id: string }>;

const ID = /^[0-9a-f-]{36}$/i;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { admin } = await getDashboardContext();
  const { id } = await params;
  const report = ID.test(id) ? await findDeviceReport(db, { id, tenantScope: admin.tenantScope }) : null;
  return { title: report ? `${report.hostname} report` : "Report not found" };
}

export default async function ReportPage({ params }: { params: Params }) {
  const { admin, now } = await getDashboardContext();
  const { id } = await params;
  // Another tenant's report, for a user whose access is limited (decision 027), is not found.
  const report = ID.test(id) ? await findDeviceReport(db, { id, tenantScope: admin.tenantScope }) : null;
  if (!report) notFound();

  return (
    <div className="space-y-6">
      <div>
        <nav aria-label="Breadcrumb" className="mb-2 text-xs text-slate-500 dark:text-slate-400">
          <Link href="/reports" className="hover:text-slate-900 hover:underline dark:hover:text-slate-100">
            Reports
          </Link>
          <span aria-hidden="true"> / </span>
          <span>{report.hostname}</span>
        </nav>
        <h1 className="text-xl font-semibold tracking-tight">{report.hostname}</h1>
        <dl className="mt-3 flex flex-wrap gap-x-8 gap-y-2 text-[13px]">
          <Meta label="Device">
            <Link href={deviceHref(reportSubjectKey(report.deviceId, report.hostname))} className="link" data-testid="report-device-link">
              {report.hostname}: findings, timeline and fix
            </Link>
          </Meta>
          <Meta label="Captured">
            <RelativeTime iso={report.capturedAt} now={now} /> <span className="text-slate-500 dark:text-slate-400">({formatAbsoluteTime(report.capturedAt)})</span>
          </Meta>
          <Meta label="Received">
            <RelativeTime iso={report.receivedAt} now={now} />
          </Meta>
          <Meta label="Join type">{joinTypeShort(report.joinType)}</Meta>
          <Meta label="Tenant">{report.tenantName}</Meta>
          <Meta label="Agent">
            {report.agentTokenName ? `${report.agentTokenName} (${report.agentTokenPrefix}…)` : report.source === "paste" ? "Pasted on the Diagnose page" : report.source}
            {report.agentVersion && report.source !== "paste" ? <span className="text-slate-500 dark:text-slate-400"> · v{report.agentVersion}</span> : null}
          </Meta>
          {report.osBuild ? <Meta label="OS build">{report.osBuild}</Meta> : null}
        </dl>
      </div>

      {report.matchedUpload ? (
        <p className="card border-l-4 border-l-sky-500 px-5 py-3 text-[13px]" data-testid="report-matched-upload">
          The upload <span className="font-mono text-xs">{report.matchedUpload.id}</span>, captured {formatAbsoluteTime(report.matchedUpload.capturedAt)},
          said the same as this stored report: its join state, PRT, device auth, certificate, errors, findings and events were unchanged, so it
          is kept as one of this report&apos;s {report.uploadCount} uploads, not as a copy.
        </p>
      ) : null}
      {report.uploadCount > 1 ? (
        <p className="text-[13px] text-slate-600 dark:text-slate-400" data-testid="report-run">
          Unchanged {report.uploadCount - 1} {report.uploadCount === 2 ? "time" : "times"} between {formatAbsoluteTime(report.firstCapturedAt)} and{" "}
          {formatAbsoluteTime(report.capturedAt)}: {report.uploadCount} uploads said the same, stored once. This page shows the latest of them (its
          capture time, PRT times and text).
        </p>
      ) : null}

      <VerdictBanner findings={report.findings} subject={report.hostname} />

      {report.findings.length > 0 ? (
        <section aria-labelledby="findings-heading">
          <h2 id="findings-heading" className="mb-1 text-sm font-semibold">
            Findings at upload <span className="font-normal text-slate-500 dark:text-slate-400">({report.findings.length})</span>
          </h2>
          <p className="mb-3 text-xs text-slate-500 dark:text-slate-400">What the report-only rules said when this report arrived.</p>
          <FindingList findings={report.findings} />
        </section>
      ) : null}

      <section aria-labelledby="directory-heading" className="card px-5 py-4">
        <h2 id="directory-heading" className="mb-3 text-sm font-semibold">
          On-premises Active Directory
        </h2>
        <dl className="grid gap-x-8 gap-y-3 sm:grid-cols-2">
          <div className="min-w-0">
            <dt className="text-xs font-medium text-slate-500 dark:text-slate-400">Computer distinguished name</dt>
            <dd className="mt-0.5 font-mono text-[13px] break-all">{report.computerDn ?? <span className="text-slate-400">not reported</span>}</dd>
          </div>
          <div className="min-w-0">
            <dt className="text-xs font-medium text-slate-500 dark:text-slate-400">objectGUID</dt>
            <dd className="mt-0.5 font-mono text-[13px] break-all">{report.objectGuid ?? <span className="text-slate-400">not reported</span>}</dd>
          </div>
        </dl>
      </section>

      {report.parsed ? <KeyFacts report={report.parsed} /> : null}
      {report.parsed ? (
        <ReportSections report={report.parsed} rawHref={`/reports/${report.id}/raw`} />
      ) : report.dsregcmdText === null ? (
        <p className="text-slate-500" data-testid="report-text-dropped">
          This is an older state change: its raw text is no longer kept (the tenant&apos;s retention keeps the texts of the latest changes of each device).
          Its join type, PRT, device auth and thumbprint are kept, and the device&apos;s timeline shows them.
        </p>
      ) : (
        <p className="text-slate-500">The stored parse of this report could not be read; the raw text is below.</p>
      )}

      <section aria-labelledby="events-heading">
        <h2 id="events-heading" className="mb-3 text-sm font-semibold">
          Events <span className="font-normal text-slate-500 dark:text-slate-400">({report.events.length})</span>
        </h2>
        {report.events.length === 0 ? (
          <p className="card px-5 py-4 text-slate-500 dark:text-slate-400">The agent sent no AAD or User Device Registration events with this report.</p>
        ) : (
          <DataTable caption="Events uploaded with this report">
            <THead>
              <Th>Time</Th>
              <Th>Event ID</Th>
              <Th>Level</Th>
              <Th>Log · task</Th>
              <Th>Message</Th>
            </THead>
            <TBody>
              {report.events.map((e) => (
                <tr key={e.id} className="align-top">
                  <Td className="font-mono text-xs whitespace-nowrap">{formatAbsoluteTime(e.time)}</Td>
                  <Td className="tabular-nums">{e.eventId}</Td>
                  <Td className={/error|critical/i.test(e.level) ? "font-medium text-red-700 dark:text-red-400" : ""}>{e.level}</Td>
                  <Td className="text-xs text-slate-600 dark:text-slate-400">{[e.log, e.task].filter(Boolean).join(" · ") || "—"}</Td>
                  <Td className="max-w-2xl text-xs break-words whitespace-pre-wrap">{e.message}</Td>
                </tr>
              ))}
            </TBody>
          </DataTable>
        )}
      </section>

      {report.dsregcmdText !== null ? <RawText title="Raw dsregcmd /status (user session)" text={report.dsregcmdText} href={`/reports/${report.id}/raw`} /> : null}
      {report.systemText ? <RawText title="Raw dsregcmd /status (SYSTEM or elevated)" text={report.systemText} href={`/reports/${report.id}/raw?capture=system`} /> : null}
    </div>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 font-medium">{children}</dd>
    </div>
  );
}

/** The start of a capture (lib/display/limit-report-display.ts), with a link to the whole text when it is longer. */
function RawText({ title, text, href }: { title: string; text: string; href: string }) {
  const shown = limitRawTextForDisplay(text);
  return (
    <details className="card group overflow-hidden">
      <summary className="cursor-pointer list-none px-5 py-3 text-sm font-semibold select-none hover:bg-slate-50 dark:hover:bg-slate-800/40">
        <span className="mr-2 inline-block transition-transform group-open:rotate-90" aria-hidden="true">
          ›
        </span>
        {title}
      </summary>
      <pre className="max-h-[32rem] overflow-auto border-t border-slate-200 bg-slate-50 px-5 py-4 font-mono text-xs leading-5 dark:border-slate-800 dark:bg-slate-950">{shown.text}</pre>
      <p className="border-t border-slate-200 px-5 py-2 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
        {shown.hiddenChars > 0 ? `${shown.hiddenChars.toLocaleString("en-US")} more characters not shown. ` : null}
        <a href={href} className="underline hover:text-slate-900 dark:hover:text-slate-100">
          Open the raw text
        </a>
      </p>
    </details>
  );
}
