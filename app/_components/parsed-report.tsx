import type { ParsedDsregcmd } from "@/lib/reports/types";
import { limitSectionsForDisplay } from "@/lib/display/limit-report-display";
import { formatAbsoluteTime } from "@/lib/display/format-time";
import { JOIN_TYPE_LABEL } from "@/lib/display/join-type";
import type { ReactNode } from "react";

function yesNo(value: boolean | null): ReactNode {
  if (value === null) return <Muted>not reported</Muted>;
  return value ? "YES" : "NO";
}

function Muted({ children }: { children: ReactNode }) {
  return <span className="text-slate-400 dark:text-slate-500">{children}</span>;
}

function Fact({ label, children, mono = false, wide = false }: { label: string; children: ReactNode; mono?: boolean; wide?: boolean }) {
  return (
    <div className={`min-w-0 ${wide ? "sm:col-span-2" : ""}`}>
      <dt className="text-xs font-medium text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className={`mt-0.5 [overflow-wrap:anywhere] text-slate-900 dark:text-slate-100 ${mono ? "font-mono text-[13px]" : ""}`}>{children}</dd>
    </div>
  );
}

/** The derived fields an admin checks first, above the raw sections. */
export function KeyFacts({ report }: { report: ParsedDsregcmd }) {
  const validity =
    report.certValidFrom || report.certValidTo ? (
      <>
        <span className="block">from {report.certValidFrom ? formatAbsoluteTime(report.certValidFrom) : "?"}</span>
        <span className="block">to {report.certValidTo ? formatAbsoluteTime(report.certValidTo) : "?"}</span>
      </>
    ) : (
      <Muted>no device certificate</Muted>
    );
  const prt =
    report.azureAdPrt === null ? (
      <Muted>not reported</Muted>
    ) : report.azureAdPrt ? (
      <>
        YES
        {report.prtUpdateTime ? <span className="text-slate-500 dark:text-slate-400"> · updated {formatAbsoluteTime(report.prtUpdateTime)}</span> : null}
      </>
    ) : (
      <>
        NO
        {report.aadsts || report.prtServerErrorCode ? (
          <span className="text-slate-500 dark:text-slate-400"> · {[report.prtServerErrorCode, report.aadsts].filter(Boolean).join(" · ")}</span>
        ) : null}
      </>
    );
  return (
    <section aria-labelledby="key-facts" className="card px-5 py-4">
      <h2 id="key-facts" className="mb-3 text-sm font-semibold text-slate-900 dark:text-slate-100">
        Key facts
      </h2>
      <dl className="grid gap-x-8 gap-y-3 sm:grid-cols-2 xl:grid-cols-3">
        <Fact label="Join type">{JOIN_TYPE_LABEL[report.joinType] ?? report.joinType}</Fact>
        <Fact label="DeviceId" mono>
          {report.deviceId ?? <Muted>none</Muted>}
        </Fact>
        <Fact label="Tenant">
          {report.tenantName || report.tenantId ? (
            <>
              {report.tenantName ? <span className="block">{report.tenantName}</span> : null}
              {report.tenantId ? <span className="block font-mono text-[13px] text-slate-500 dark:text-slate-400">{report.tenantId}</span> : null}
            </>
          ) : (
            <Muted>none</Muted>
          )}
        </Fact>
        <Fact label="Thumbprint" mono>
          {report.thumbprint ?? <Muted>none</Muted>}
        </Fact>
        <Fact label="DeviceCertificateValidity">{validity}</Fact>
        <Fact label="AzureAdPrt">{prt}</Fact>
        <Fact label="DeviceAuthStatus">{report.deviceAuthStatus ?? <Muted>not reported (before 21H1, or not joined)</Muted>}</Fact>
        <Fact label="TpmProtected">{yesNo(report.tpmProtected)}</Fact>
        <Fact label="Executing account">{report.executingAccount ?? <Muted>not reported</Muted>}</Fact>
      </dl>
    </section>
  );
}

/**
 * Every section as dsregcmd printed it, in order, unknown sections included, up to the page's limits
 * (lib/display/limit-report-display.ts); beyond them, a note and `rawHref`, where the whole capture is.
 */
export function ReportSections({ report, rawHref }: { report: ParsedDsregcmd; rawHref?: string }) {
  const shown = limitSectionsForDisplay(report.sections);
  const rawLink = rawHref ? (
    <a href={rawHref} className="underline hover:text-slate-900 dark:hover:text-slate-100">
      the raw text
    </a>
  ) : (
    "the raw text"
  );
  return (
    <section aria-labelledby="parsed-sections">
      <h2 id="parsed-sections" className="mb-3 text-sm font-semibold text-slate-900 dark:text-slate-100">
        dsregcmd /status, section by section
      </h2>
      <div className="grid items-start gap-4 xl:grid-cols-2">
        {shown.sections.map((section, i) => (
          <section key={`${section.name}-${i}`} aria-label={section.name} className="card min-w-0 overflow-hidden">
            <h3 className="border-b border-slate-100 bg-slate-50 px-4 py-2 text-[13px] font-semibold text-slate-800 dark:border-slate-800 dark:bg-slate-800/40 dark:text-slate-200">
              {section.name}
            </h3>
            {section.fields.length === 0 ? (
              <p className="px-4 py-3 text-slate-500 dark:text-slate-400">No fields.</p>
            ) : (
              <dl className="divide-y divide-slate-100 dark:divide-slate-800/80">
                {section.fields.map((field, j) => (
                  <div key={`${field.key}-${j}`} className="grid grid-cols-[12.5rem_1fr] gap-3 px-4 py-1.5">
                    <dt className="truncate text-[13px] text-slate-500 dark:text-slate-400" title={field.key}>
                      {field.key}
                    </dt>
                    <dd className="min-w-0 font-mono text-xs leading-5 [overflow-wrap:anywhere] text-slate-900 dark:text-slate-100">
                      {field.value || <Muted>(empty)</Muted>}
                    </dd>
                  </div>
                ))}
              </dl>
            )}
            {section.hiddenFields > 0 ? (
              <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
                {section.hiddenFields.toLocaleString("en-US")} more fields not shown; see {rawLink}.
              </p>
            ) : null}
          </section>
        ))}
      </div>
      {shown.truncated ? (
        <p role="note" className="mt-3 text-xs text-slate-500 dark:text-slate-400">
          This report is larger than a dsregcmd /status capture
          {shown.hiddenSections > 0 ? ` (${shown.hiddenSections.toLocaleString("en-US")} more sections not shown)` : ""}; only its start is shown here. The
          whole capture is in {rawLink}.
        </p>
      ) : null}
    </section>
  );
}
