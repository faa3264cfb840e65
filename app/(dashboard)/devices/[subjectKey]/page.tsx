import type { Metadata } from "next";
import { ruleTitle } from "@/lib/display/rule-names";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { db } from "@/lib/db/client";
import { getDeviceTimeline } from "@/lib/queries/get-device-timeline";
import { findDeviceDetail, type DeviceDetail, type DirectoryObjectSummary, type StoredFinding } from "@/lib/queries/find-device-detail";
import { describeConditionalAccessOutlook } from "@/lib/display/conditional-access-outlook";
import { findingAnchor } from "@/lib/url-params/finding-anchor";
import { formatAbsoluteTime } from "@/lib/display/format-time";
import { groupDeviceFindings } from "@/lib/display/sort-device-findings";
import { joinTypeShort } from "@/lib/display/join-type";
import { FindingCard } from "../../../_components/finding-card";
import { OpenFragment } from "../../../_components/open-fragment";
import { RelativeTime } from "../../../_components/relative-time";
import { getDashboardContext } from "../../_lib/dashboard-context";
import { FindingStatusBadge, PrimaryCauseMark } from "../../findings/finding-status-badge";
import { DirectoryStateBadge, trustTypeLabel } from "../directory-state-badge";
import { AcknowledgeForm } from "./acknowledge-form";
import { OutlookBanner } from "./outlook-banner";
import { DeviceSignIns } from "./device-sign-ins";
import { DeviceTimeline } from "./device-timeline";

type Params = Promise<{ subjectKey: string }>;

async function load(params: Params): Promise<DeviceDetail | null> {
  const { tenant } = await getDashboardContext();
  if (!tenant) return null;
  const { subjectKey } = await params;
  let key: string;
  try {
    key = decodeURIComponent(subjectKey);
  } catch {
    return null;
  }
  return findDeviceDetail(db, { tenantRef: tenant.id, subjectKey: key });
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const device = await load(params);
  return { title: device ? device.name : "Device not found" };
}

export default async function DevicePage({ params }: { params: Params }) {
  const { tenant, now } = await getDashboardContext();
  const device = await load(params);
  if (!tenant || !device) notFound();
  const timeline = await getDeviceTimeline(db, { tenantRef: tenant.id, subject: device.subject, deviceId: device.deviceId, objects: device.objects });
  const live = device.objects.find((o) => !o.deletedAt) ?? device.objects[0] ?? null;
  const reportTp = device.latestReport?.thumbprint ?? null;
  const directoryTp = live?.thumbprint ?? null;
  const tpMismatch = !!reportTp && !!directoryTp && reportTp.toUpperCase() !== directoryTp.toUpperCase();
  const grouped = groupDeviceFindings(device.open);

  return (
    <div className="space-y-6">
      <div>
        <nav aria-label="Breadcrumb" className="mb-2 text-xs text-slate-500 dark:text-slate-400">
          <Link href="/devices" className="hover:text-slate-900 hover:underline dark:hover:text-slate-100">
            Devices
          </Link>
          <span aria-hidden="true"> / </span>
          <span>{device.name}</span>
        </nav>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold tracking-tight">{device.name}</h1>
          {live ? <DirectoryStateBadge state={stateOf(live)} deletedReason={live.deletedReason} /> : <DirectoryStateBadge state="report-only" />}
        </div>
      </div>

      <section aria-labelledby="identity-heading" className="card px-5 py-4">
        <h2 id="identity-heading" className="sr-only">
          Identity
        </h2>
        <dl className="grid gap-x-8 gap-y-3 text-[13px] sm:grid-cols-2 lg:grid-cols-[minmax(0,1.35fr)_minmax(0,1.35fr)_minmax(0,1fr)_minmax(0,1fr)]">
          <Fact label="DeviceId" mono>
            {device.deviceId}
          </Fact>
          <Fact label="objectId" mono>
            {live?.objectId}
          </Fact>
          <Fact label="displayName">{live?.displayName}</Fact>
          <Fact label="trustType · join type">
            {live ? `${trustTypeLabel(live.trustType)}${live.trustType ? ` (${live.trustType})` : ""}` : "No directory object"}
            {device.latestReport ? <span className="text-slate-500 dark:text-slate-400"> · report: {joinTypeShort(device.latestReport.joinType)}</span> : null}
          </Fact>
          <Fact label="Registered">{live?.registrationDateTime ? <TimeFact iso={live.registrationDateTime} now={now} /> : null}</Fact>
          <Fact label="Last sign-in (approximate)">
            {live?.approximateLastSignInDateTime ? <TimeFact iso={live.approximateLastSignInDateTime} now={now} /> : null}
          </Fact>
          <Fact label="Last report">
            {device.latestReport ? (
              <Link href={`/reports/${device.latestReport.id}`} className="link font-normal">
                <RelativeTime iso={device.latestReport.capturedAt} now={now} />
              </Link>
            ) : null}
            {device.latestReport && device.latestReport.hostname.toLowerCase() !== device.name.toLowerCase() ? (
              <span className="text-slate-500 dark:text-slate-400"> as {device.latestReport.hostname}</span>
            ) : null}
            {device.reportCount > 1 ? <span className="text-slate-500 dark:text-slate-400"> · {device.reportCount} reports</span> : null}
          </Fact>
          <Fact label="OS">{live?.operatingSystem ? `${live.operatingSystem} ${live.operatingSystemVersion ?? ""}` : null}</Fact>
          <div className="min-w-0 sm:col-span-2" data-testid="thumbprints" data-mismatch={tpMismatch ? "true" : "false"}>
            <dt className="text-xs text-slate-500 dark:text-slate-400">Certificate thumbprint</dt>
            <dd
              className={`mt-0.5 rounded-md font-mono text-xs ${tpMismatch ? "border border-red-300 bg-red-50 px-2 py-1.5 text-red-900 dark:border-red-500/40 dark:bg-red-500/10 dark:text-red-100" : ""}`}
            >
              <span className="block break-all">
                <span className="font-sans text-slate-500 dark:text-slate-400">Directory: </span>
                {directoryTp ?? <span className="text-slate-400">none (no X509 key)</span>}
              </span>
              <span className="block break-all">
                <span className="font-sans text-slate-500 dark:text-slate-400">Report: </span>
                {reportTp ?? <span className="text-slate-400">not reported</span>}
              </span>
              {tpMismatch ? (
                <span className="mt-1 block font-sans font-semibold">Mismatch: the device signs with a certificate Entra ID does not know.</span>
              ) : null}
            </dd>
          </div>
          <Fact label="BitLocker recovery keys">{live ? presence(live.hasBitlockerKeys) : null}</Fact>
          <Fact label="LAPS password">{live ? presence(live.hasLapsPassword) : null}</Fact>
        </dl>
        {device.objects.length > 1 ? (
          <p className="mt-3 border-t border-slate-100 pt-3 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
            {device.objects.length} directory objects carry this DeviceId: {device.objects.map((o) => `${o.objectId.slice(0, 8)}… (${stateOf(o)})`).join(", ")}
          </p>
        ) : null}
      </section>

      <OpenFragment />
      <OutlookBanner outlook={describeConditionalAccessOutlook(device.open, !!live && stateOf(live) === "live")} name={device.name} />

      {grouped.primary ? (
        <section aria-labelledby="cause-heading" data-testid="primary-cause-section">
          <h2 id="cause-heading" className="mb-3 text-sm font-semibold">
            Primary cause <span className="font-normal text-slate-500 dark:text-slate-400">· fix this first</span>
          </h2>
          <OpenFinding finding={grouped.primary} subjectKey={device.subject.key} now={now} mark={<PrimaryCauseMark primary explainedBy={null} />} />
          {grouped.explained.length > 0 ? (
            <details className="card group mt-3 overflow-hidden" data-testid="explained-findings">
              <summary className="cursor-pointer list-none px-5 py-3 text-[13px] select-none hover:bg-slate-50 dark:hover:bg-slate-800/40">
                <span className="mr-2 inline-block transition-transform group-open:rotate-90" aria-hidden="true">
                  ›
                </span>
                <span className="font-semibold">
                  {grouped.explained.length} symptom{grouped.explained.length === 1 ? "" : "s"} explained by {ruleInWords(grouped.primary.rule)}
                </span>
                <span className="text-slate-500 dark:text-slate-400">
                  {" "}
                  · {grouped.explained.map((f) => ruleTitle(f.rule)).join(", ")} · nothing to fix on their own
                </span>
              </summary>
              <div className="space-y-4 border-t border-slate-200 bg-slate-50/60 p-4 dark:border-slate-800 dark:bg-slate-950/30">
                {grouped.explained.map((f) => (
                  <OpenFinding
                    key={f.id}
                    finding={f}
                    subjectKey={device.subject.key}
                    now={now}
                    mark={
                      <span className="text-xs text-slate-600 dark:text-slate-400" data-testid="explained-by">
                        explained by: {ruleInWords(f.explainedBy ?? grouped.primary!.rule)}
                      </span>
                    }
                  />
                ))}
              </div>
            </details>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="open-heading">
        <h2 id="open-heading" className="mb-3 text-sm font-semibold">
          {grouped.primary ? "Other open findings" : "Open findings"}{" "}
          <span className="font-normal text-slate-500 dark:text-slate-400">({grouped.others.length})</span>
        </h2>
        {grouped.others.length === 0 ? (
          <p className="card px-5 py-4 text-slate-500 dark:text-slate-400">
            {grouped.primary ? "None: everything open follows from the primary cause." : "No open findings."}
          </p>
        ) : (
          <div className="space-y-4">
            {grouped.others.map((f) => (
              <OpenFinding key={f.id} finding={f} subjectKey={device.subject.key} now={now} />
            ))}
          </div>
        )}
      </section>

      {device.resolved.length > 0 ? (
        <details className="card group overflow-hidden">
          <summary className="cursor-pointer list-none px-5 py-3 text-sm font-semibold select-none hover:bg-slate-50 dark:hover:bg-slate-800/40">
            <span className="mr-2 inline-block transition-transform group-open:rotate-90" aria-hidden="true">
              ›
            </span>
            Resolved findings <span className="font-normal text-slate-500 dark:text-slate-400">({device.resolved.length})</span>
          </summary>
          <ul className="divide-y divide-slate-100 border-t border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {device.resolved.map((f) => (
              <li key={f.id} id={findingAnchor(f.rule)} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-5 py-2.5 text-[13px]">
                <FindingStatusBadge status="resolved" acknowledged={false} />
                <code className="text-xs text-slate-500 dark:text-slate-400">{f.rule}</code>
                <span className="min-w-0 flex-1">{f.title}</span>
                <span className="text-xs text-slate-500 dark:text-slate-400">
                  resolved <RelativeTime iso={f.resolvedAt} now={now} />
                </span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      <DeviceSignIns tenantRef={tenant.id} deviceId={device.deviceId} now={now} />

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading" className="mb-1 text-sm font-semibold">
          Timeline <span className="font-normal text-slate-500 dark:text-slate-400">({timeline.length})</span>
        </h2>
        <p className="mb-3 text-xs text-slate-500 dark:text-slate-400">
          Directory changes, reports, agent events (latest 100) and findings history, newest first. Select an entry for details.
        </p>
        <DeviceTimeline entries={timeline} now={now} />
      </section>
    </div>
  );
}

function OpenFinding({ finding, subjectKey, now, mark }: { finding: StoredFinding; subjectKey: string; now: string; mark?: ReactNode }) {
  return (
    <div data-testid="open-finding" data-rule={finding.rule} data-primary={finding.primary ? "true" : "false"}>
      <FindingCard finding={finding} id={findingAnchor(finding.rule)} mark={mark} />
      <FindingFooter finding={finding} subjectKey={subjectKey} now={now} />
    </div>
  );
}

/** "object-disabled" → "object disabled": how the fold names the cause. */
function ruleInWords(rule: string): string {
  return rule.replaceAll("-", " ");
}

function FindingFooter({ finding, subjectKey, now }: { finding: StoredFinding; subjectKey: string; now: string }) {
  return (
    <div className="mx-2 -mt-px rounded-b-lg border border-t-0 border-slate-200 bg-white shadow-xs dark:border-slate-800 dark:bg-slate-900">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 px-5 pt-3 pb-2 text-xs text-slate-500 dark:text-slate-400">
        <FindingStatusBadge status={finding.status} acknowledged={!!finding.acknowledgedAt} />
        <span>
          First seen <RelativeTime iso={finding.firstSeenAt} now={now} />
        </span>
        <span>
          Last seen <RelativeTime iso={finding.lastSeenAt} now={now} />
        </span>
      </div>
      {finding.acknowledgedAt ? (
        <p className="px-5 pb-3 text-[13px] text-slate-700 dark:text-slate-300" data-testid="acknowledgement">
          Acknowledged by <span className="font-medium">{finding.acknowledgedBy}</span> <RelativeTime iso={finding.acknowledgedAt} now={now} />: “
          {finding.ackComment}”
        </p>
      ) : (
        <AcknowledgeForm findingId={finding.id} subjectKey={subjectKey} rule={finding.rule} />
      )}
    </div>
  );
}

function stateOf(o: DirectoryObjectSummary) {
  if (o.deletedAt) return "deleted" as const;
  if (o.isPending) return "pending" as const;
  if (o.accountEnabled === false) return "disabled" as const;
  return "live" as const;
}

function presence(value: boolean | null): ReactNode {
  if (value === null) return <span className="font-normal text-slate-500 dark:text-slate-400">unknown (permission missing)</span>;
  return value ? (
    <span className="text-emerald-700 dark:text-emerald-400">Stored in Entra ID</span>
  ) : (
    <span className="text-amber-700 dark:text-amber-400">None stored</span>
  );
}

function TimeFact({ iso, now }: { iso: string; now: string }) {
  return (
    <>
      <RelativeTime iso={iso} now={now} /> <span className="font-normal text-slate-500 dark:text-slate-400">({formatAbsoluteTime(iso)})</span>
    </>
  );
}

function Fact({ label, children, mono }: { label: string; children: ReactNode; mono?: boolean }) {
  const empty = children === null || children === undefined || children === "";
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className={`mt-0.5 font-medium ${mono ? "font-mono text-xs break-all" : ""}`}>
        {empty ? <span className="font-normal text-slate-500 dark:text-slate-400">—</span> : children}
      </dd>
    </div>
  );
}
