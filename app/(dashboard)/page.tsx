import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db/client";
import { writeDailySnapshot } from "@/lib/daily-snapshots/write-daily-snapshot";
import { directDb } from "@/lib/db/direct";
import { ensureDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { summarizeChanges, type ChangeSummary } from "@/lib/queries/summarize-changes";
import { reportSubjectKey } from "@/lib/rules/subject-key";
import { deviceHref } from "@/lib/queries/find-device-detail";
import { findDailySnapshots, type DailySnapshotPoint } from "@/lib/queries/find-daily-snapshots";
import { getOnboardingStatus } from "@/lib/queries/get-onboarding-status";
import { getOverviewStats } from "@/lib/queries/get-overview-stats";
import { countBrokenDevices, type BrokenDeviceCounts } from "@/lib/queries/count-broken-devices";
import { causeWords } from "@/lib/rules/cause-words";
import { JOIN_TYPE_SHORT, JOIN_TYPES } from "@/lib/display/join-type";
import { ruleTitle } from "@/lib/display/rule-names";
import { SEVERITIES, SEVERITY_LABEL } from "@/lib/display/severity";
import { EmptyState } from "../_components/empty-state";
import { AgentsIcon, ChevronIcon, ReportsIcon } from "../_components/icons";
import { OnboardingChecklist } from "./_components/onboarding-checklist";
import { PageHeader } from "../_components/page-header";
import { RelativeTime } from "../_components/relative-time";
import { SeverityBadge } from "../_components/severity-badge";
import { getDashboardContext } from "./_lib/dashboard-context";
import { TrendCharts, type ReportsPoint, type TrendPoint } from "./_components/trend-charts";
import { FindingChangeList } from "./_components/finding-change-list";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const { admin, tenant, now } = await getDashboardContext();
  if (!tenant && admin.tenantScope !== null) {
    // A user an Admin limited to tenants none of which exists (decision 027): nothing to register, someone to ask.
    return (
      <>
        <PageHeader title="Overview" />
        <EmptyState title="No tenant is open to you" icon={<AgentsIcon width={22} height={22} />}>
          A JoinScope admin limited your access to some tenants, and none of them is available. Ask them to add a tenant to your access (Settings → Users).
        </EmptyState>
      </>
    );
  }
  if (!tenant) {
    return (
      <>
        <PageHeader title="Overview" />
        <OnboardingChecklist steps={await getOnboardingStatus(db, null)} />
        <EmptyState
          title="Register your first tenant"
          icon={<AgentsIcon width={22} height={22} />}
          actions={
            <>
              <Link href="/agents" className="btn-primary">
                Register a tenant
              </Link>
              <Link href="/diagnose" className="btn-secondary">
                Diagnose a pasted report
              </Link>
            </>
          }
        >
          Agents upload reports for one Entra ID tenant. Register it on the Agents page, or paste a single dsregcmd /status output on Diagnose to try JoinScope
          now.
        </EmptyState>
      </>
    );
  }

  await ensureDeviceSummaries(tenant.id);
  // The first view of a day takes the day's snapshot when the scheduler has not (a primary-key lookup otherwise).
  await writeDailySnapshot(directDb(), { tenantRef: tenant.id, now: new Date(now) });
  const [stats, broken, changes, snapshots] = await Promise.all([
    getOverviewStats(directDb(), { tenantRef: tenant.id, now: new Date(now) }),
    countBrokenDevices(directDb(), tenant.id),
    summarizeChanges(db, { tenantRef: tenant.id, now: new Date(now), limit: 6 }),
    findDailySnapshots(db, { tenantRef: tenant.id, now: new Date(now), days: 30 }),
  ]);
  const header = <PageHeader title="Overview" description={`Device reports uploaded by agents for ${tenant.name}.`} />;
  if (stats.reportsTotal === 0) {
    // A new install: the first-run checklist, then what to do first.
    return (
      <>
        {header}
        <OnboardingChecklist steps={await getOnboardingStatus(db, tenant.id)} />
        <EmptyState
          title="No reports yet"
          icon={<ReportsIcon width={22} height={22} />}
          actions={
            <>
              <Link href="/agents" className="btn-primary">
                Create an agent token
              </Link>
              <Link href="/diagnose" className="btn-secondary">
                Paste a report on Diagnose
              </Link>
            </>
          }
        >
          Create an agent token and deploy the upload script (Intune or a scheduled task) so machines send their dsregcmd /status. Or paste one report on
          Diagnose for an instant verdict; nothing is stored there.
        </EmptyState>
      </>
    );
  }

  const joinTotal = JOIN_TYPES.reduce((n, t) => n + stats.byJoinType[t], 0) || 1;
  return (
    <>
      {header}
      <BrokenDevices counts={broken} />
      <section aria-label="Totals" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat label="Reports received, last 24 h" value={stats.reportsLast24h} hint={`${stats.reportsTotal.toLocaleString("en")} in total`} />
        <Stat label="Devices reporting" value={stats.devicesReporting} hint="Distinct DeviceId" />
        <Stat
          label="Devices with critical or high findings"
          value={stats.devicesWithProblems}
          hint="From each device's latest report"
          tone={stats.devicesWithProblems > 0 ? "alert" : "ok"}
          href={stats.devicesWithProblems > 0 ? "/reports?problems=1" : undefined}
        />
        <Stat
          label="Joined devices without a PRT"
          value={stats.devicesWithoutPrt}
          hint="AzureAdPrt : NO on the latest report"
          tone={stats.devicesWithoutPrt > 0 ? "alert" : "ok"}
        />
      </section>

      <div className="mt-6 grid items-start gap-6 lg:grid-cols-[20rem_1fr]">
        <section aria-labelledby="join-types" className="card p-5">
          <h2 id="join-types" className="text-sm font-semibold">
            Join type
          </h2>
          <p className="text-xs text-slate-500 dark:text-slate-400">Latest report per device</p>
          <ul className="mt-4 space-y-3">
            {JOIN_TYPES.map((t) => (
              <li key={t}>
                <Link href={`/reports?join=${t}`} className="group block rounded focus-visible:outline-offset-4">
                  <div className="flex items-baseline justify-between text-[13px]">
                    <span className="text-slate-700 group-hover:text-slate-950 dark:text-slate-300 dark:group-hover:text-white">{JOIN_TYPE_SHORT[t]}</span>
                    <span className="font-medium tabular-nums">{stats.byJoinType[t].toLocaleString("en")}</span>
                  </div>
                  {/* An SVG bar: its width is an attribute, where an inline style would need 'unsafe-inline' in the CSP. */}
                  <svg
                    className="mt-1 block h-1.5 w-full overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
                    viewBox="0 0 100 1"
                    preserveAspectRatio="none"
                    aria-hidden="true"
                  >
                    <rect className="fill-blue-500 dark:fill-blue-400" width={(stats.byJoinType[t] / joinTotal) * 100} height="1" />
                  </svg>
                </Link>
              </li>
            ))}
          </ul>
        </section>

        <section aria-labelledby="latest-problems" className="card overflow-hidden">
          <div className="flex items-center justify-between border-b border-slate-200 px-5 py-3 dark:border-slate-800">
            <h2 id="latest-problems" className="text-sm font-semibold">
              Latest problem reports
            </h2>
            <Link href="/reports?problems=1" className="link text-xs">
              All problem reports
            </Link>
          </div>
          {stats.latestProblems.length === 0 ? (
            <p className="px-5 py-10 text-center text-slate-500 dark:text-slate-400">No device&apos;s latest report has a critical or high finding.</p>
          ) : (
            <ul className="divide-y divide-slate-100 dark:divide-slate-800">
              {stats.latestProblems.map((p) => (
                <li key={p.id}>
                  <Link
                    href={deviceHref(reportSubjectKey(p.deviceId, p.hostname))}
                    className="flex items-center gap-4 px-5 py-3 hover:bg-slate-50 dark:hover:bg-slate-800/40"
                    data-testid="problem-report"
                  >
                    <span className="w-20 shrink-0">
                      <SeverityBadge severity={p.severity} />
                    </span>
                    <div className="min-w-0 flex-1">
                      <p className="truncate font-medium text-slate-900 dark:text-slate-100">{p.hostname}</p>
                      <p className="truncate text-xs text-slate-600 dark:text-slate-400">
                        {p.topFinding}
                        {p.findingCount > 1 ? ` · +${p.findingCount - 1} more` : ""}
                      </p>
                    </div>
                    <span className="shrink-0 text-xs text-slate-500 dark:text-slate-400">
                      <RelativeTime iso={p.capturedAt} now={now} />
                    </span>
                    <ChevronIcon className="shrink-0 text-slate-400" width={16} height={16} />
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <ChangesCard changes={changes} now={now} />
      <TrendsSection snapshots={snapshots} now={now} />
    </>
  );
}

const DAY_MS = 24 * 3600_000;
const dayBefore = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);

/**
 * The last 30 days from the daily snapshots (lib/daily-snapshots): charts drawn in the browser, and every number
 * they show in a table under "Show as table" (for screen readers, and to copy).
 */
function TrendsSection({ snapshots, now }: { snapshots: DailySnapshotPoint[]; now: string }) {
  const points: TrendPoint[] = snapshots.map((s) => ({
    day: s.day,
    ...s.openBySeverity,
    devicesReporting: s.devicesReporting,
    devicesSilent: s.devicesSilent,
    ...s.joinTypes,
  }));
  // A snapshot counts the whole day before its own: that day's reports.
  const reports: ReportsPoint[] = snapshots.map((s) => ({ day: dayBefore(s.day), reports: s.reportsPreviousDay }));
  const reportsOn = new Map(reports.map((r) => [r.day, r.reports]));
  const first = snapshots[0];
  return (
    <section aria-labelledby="trends-heading" className="mt-6" data-testid="trends">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="trends-heading" className="text-sm font-semibold">
          Trends, last 30 days
        </h2>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          One snapshot a day (UTC).{" "}
          {first ? (
            snapshots.length < 2 ? (
              <>
                The first was taken <RelativeTime iso={first.takenAt} now={now} />: the charts fill in day by day.
              </>
            ) : (
              `${snapshots.length} days so far.`
            )
          ) : null}
        </p>
      </div>
      <TrendCharts points={points} reports={reports} />
      <details className="card mt-4 overflow-hidden" data-testid="trends-table">
        <summary className="cursor-pointer px-5 py-3 text-sm font-medium">Show as table</summary>
        <div className="overflow-x-auto border-t border-slate-200 dark:border-slate-800">
          <table className="w-full text-left text-[13px] tabular-nums">
            <caption className="sr-only">Daily snapshots of the last 30 days: open findings by severity, devices, reports, join types and sync health</caption>
            <thead className="bg-slate-50 text-xs text-slate-500 dark:bg-slate-800/40 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  Day (UTC)
                </th>
                {SEVERITIES.map((s) => (
                  <th key={s} scope="col" className="px-3 py-2 text-right font-medium">
                    {SEVERITY_LABEL[s]}
                  </th>
                ))}
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Reporting
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Silent 7+ days
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Reports received
                </th>
                {JOIN_TYPES.map((t) => (
                  <th key={t} scope="col" className="px-3 py-2 text-right font-medium">
                    {JOIN_TYPE_SHORT[t]}
                  </th>
                ))}
                <th scope="col" className="px-3 py-2 font-medium">
                  Sync
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {[...snapshots].reverse().map((s) => (
                <tr key={s.day} data-testid="trend-row" data-day={s.day}>
                  <th scope="row" className="px-3 py-1.5 font-medium whitespace-nowrap">
                    {s.day}
                  </th>
                  {SEVERITIES.map((sev) => (
                    <td key={sev} className="px-3 py-1.5 text-right" data-severity={sev}>
                      {s.openBySeverity[sev].toLocaleString("en")}
                    </td>
                  ))}
                  <td className="px-3 py-1.5 text-right">{s.devicesReporting.toLocaleString("en")}</td>
                  <td className="px-3 py-1.5 text-right">{s.devicesSilent.toLocaleString("en")}</td>
                  <td className="px-3 py-1.5 text-right">{reportsOn.get(s.day)?.toLocaleString("en") ?? "–"}</td>
                  {JOIN_TYPES.map((t) => (
                    <td key={t} className="px-3 py-1.5 text-right">
                      {s.joinTypes[t].toLocaleString("en")}
                    </td>
                  ))}
                  <td className="px-3 py-1.5 whitespace-nowrap">{syncHealth(s)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <RulesTable snapshots={snapshots} />
        {reports.length ? (
          <p className="border-t border-slate-200 px-5 py-2 text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
            Reports received on a day are known once it is over; {reports[0]!.day}: {reports[0]!.reports.toLocaleString("en")}.
          </p>
        ) : null}
      </details>
    </section>
  );
}

/** Open findings per rule over the last seven snapshots: the rules with the most open findings on the latest day first. */
function RulesTable({ snapshots }: { snapshots: DailySnapshotPoint[] }) {
  const days = snapshots.slice(-7);
  const latest = days.at(-1);
  if (!latest) return null;
  const rules = [...new Set(days.flatMap((d) => Object.keys(d.openByRule)))]
    .sort((a, b) => (latest.openByRule[b] ?? 0) - (latest.openByRule[a] ?? 0) || a.localeCompare(b))
    .slice(0, 12);
  return (
    <div className="overflow-x-auto border-t border-slate-200 dark:border-slate-800">
      <table className="w-full text-left text-[13px] tabular-nums" data-testid="trends-rules-table">
        <caption className="px-5 pt-3 pb-1 text-left text-xs font-medium text-slate-500 dark:text-slate-400">
          Open findings by rule, last {days.length} days
        </caption>
        <thead className="bg-slate-50 text-xs text-slate-500 dark:bg-slate-800/40 dark:text-slate-400">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Rule
            </th>
            {days.map((d) => (
              <th key={d.day} scope="col" className="px-3 py-2 text-right font-medium whitespace-nowrap">
                {d.day}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {rules.map((rule) => (
            <tr key={rule} data-rule={rule}>
              <th scope="row" className="px-3 py-1.5 text-xs font-normal" title={rule}>
                {ruleTitle(rule)}
              </th>
              {days.map((d) => (
                <td key={d.day} className="px-3 py-1.5 text-right">
                  {(d.openByRule[rule] ?? 0).toLocaleString("en")}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function syncHealth(s: DailySnapshotPoint): string {
  if (!s.syncEnabled) return "Not syncing";
  if (!s.lastSyncStatus) return "Never synced";
  const failures = s.syncFailures24h ? `, ${s.syncFailures24h} failed in 24 h` : "";
  return `Last run ${s.lastSyncStatus}${failures}`;
}

const CHANGE_COLUMNS: { kind: "opened" | "reopened" | "resolved"; label: string; tone: string }[] = [
  { kind: "opened", label: "Opened", tone: "text-red-700 dark:text-red-400" },
  { kind: "reopened", label: "Reopened", tone: "text-orange-700 dark:text-orange-400" },
  { kind: "resolved", label: "Resolved", tone: "text-emerald-700 dark:text-emerald-400" },
];

/** Where "+N more" leads: the Findings list with the same kind of change first. */
const CHANGE_LIST_HREF: Record<"opened" | "reopened" | "resolved", string> = {
  opened: "/findings?sort=firstSeen&dir=desc",
  reopened: "/findings?status=all&sort=lastSeen&dir=desc",
  resolved: "/findings?status=resolved&sort=lastSeen&dir=desc",
};

/** What the findings lifecycle did since the previous successful sync (or the last 24 hours). */
function ChangesCard({ changes, now }: { changes: ChangeSummary; now: string }) {
  const total = changes.counts.opened + changes.counts.reopened + changes.counts.resolved;
  return (
    <section aria-labelledby="changes-heading" className="card mt-6 overflow-hidden" data-testid="changes-card">
      <div className="flex flex-wrap items-baseline justify-between gap-2 border-b border-slate-200 px-5 py-3 dark:border-slate-800">
        <div>
          <h2 id="changes-heading" className="text-sm font-semibold">
            What changed since the last sync
          </h2>
          <p className="text-xs text-slate-500 dark:text-slate-400">
            {changes.sinceSource === "previous-sync" ? (
              <>
                Since the previous successful sync, <RelativeTime iso={changes.since} now={now} />
              </>
            ) : (
              "No two successful syncs yet: the last 24 hours"
            )}
          </p>
        </div>
        <span className="flex gap-3 text-xs">
          <Link href="/review?period=week" className="link">
            Last 7 days
          </Link>
          <Link href="/findings?status=all&sort=lastSeen&dir=desc" className="link">
            All findings
          </Link>
        </span>
      </div>
      {total === 0 ? (
        <p className="px-5 py-8 text-center text-slate-500 dark:text-slate-400">No finding opened, reopened or resolved in this period.</p>
      ) : (
        <div className="grid divide-y divide-slate-100 md:grid-cols-3 md:divide-x md:divide-y-0 dark:divide-slate-800">
          {CHANGE_COLUMNS.map(({ kind, label, tone }) => (
            <div key={kind} className="px-5 py-4" data-testid={`changes-${kind}`}>
              <p className="flex items-baseline gap-2">
                <span className={`text-2xl font-semibold tabular-nums ${changes.counts[kind] > 0 ? tone : "text-slate-400 dark:text-slate-500"}`}>
                  {changes.counts[kind]}
                </span>
                <span className="text-xs font-medium text-slate-500 dark:text-slate-400">{label}</span>
              </p>
              <FindingChangeList changes={changes[kind]} total={changes.counts[kind]} moreHref={CHANGE_LIST_HREF[kind]} />
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function Stat({ label, value, hint, tone, href }: { label: string; value: number; hint?: string; tone?: "alert" | "ok"; href?: string }) {
  const body = (
    <>
      <p className="text-xs font-medium text-slate-500 dark:text-slate-400">{label}</p>
      <p
        className={`mt-1.5 text-2xl font-semibold tabular-nums tracking-tight ${
          tone === "alert" ? "text-red-700 dark:text-red-400" : tone === "ok" ? "text-emerald-700 dark:text-emerald-400" : ""
        }`}
      >
        {value.toLocaleString("en")}
      </p>
      {hint ? <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">{hint}</p> : null}
    </>
  );
  return href ? (
    <Link href={href} className="card block px-5 py-4 transition-colors hover:border-slate-300 dark:hover:border-slate-700">
      {body}
    </Link>
  ) : (
    <div className="card px-5 py-4">{body}</div>
  );
}

/**
 * The morning question: which devices Conditional Access treats as unregistered, now and at the next Entra Connect
 * cycle, and why. Every number opens the Devices list filtered to those devices (the Findings list gives the same
 * count: one row per device, its cause), from the one definition of a broken device (lib/rules/broken-device.ts).
 */
function BrokenDevices({ counts }: { counts: BrokenDeviceCounts }) {
  const causes = [...new Set([...counts.byCause.now, ...counts.byCause.next].map((c) => c.cause))];
  const of = (outlook: "now" | "next", cause: string) => counts.byCause[outlook].find((c) => c.cause === cause)?.devices ?? 0;
  causes.sort((a, b) => of("now", b) + of("next", b) - (of("now", a) + of("next", a)) || (a < b ? -1 : 1));
  const max = Math.max(1, ...causes.map((c) => of("now", c) + of("next", c)));
  const total = counts.now + counts.next;
  return (
    <section aria-labelledby="broken-heading" className="card mb-6 overflow-hidden" data-testid="broken-devices">
      <div className="grid gap-0 lg:grid-cols-[22rem_1fr]">
        <div className="border-b border-slate-200 px-5 py-4 lg:border-r lg:border-b-0 dark:border-slate-800">
          <h2 id="broken-heading" className="text-sm font-semibold">
            What Conditional Access makes of your devices
          </h2>
          {total === 0 ? (
            <p className="mt-3 text-[13px] text-emerald-700 dark:text-emerald-400" data-testid="broken-none">
              No device is treated as unregistered, now or at the next Entra Connect sync cycle.
            </p>
          ) : null}
          <p className="mt-3 flex items-baseline gap-2">
            <Link
              href="/devices?outlook=now"
              className={`text-3xl font-semibold tabular-nums tracking-tight hover:underline ${counts.now ? "text-red-700 dark:text-red-400" : "text-slate-400 dark:text-slate-500"}`}
              data-testid="broken-now"
            >
              {counts.now.toLocaleString("en")}
            </Link>
            <span className="text-[13px] text-slate-700 dark:text-slate-300">
              device{counts.now === 1 ? "" : "s"} <span className="font-semibold">unregistered now</span>
            </span>
          </p>
          <p className="mt-1 flex items-baseline gap-2">
            <Link
              href="/devices?outlook=next"
              className={`text-3xl font-semibold tabular-nums tracking-tight hover:underline ${counts.next ? "text-amber-700 dark:text-amber-400" : "text-slate-400 dark:text-slate-500"}`}
              data-testid="broken-next"
            >
              {counts.next.toLocaleString("en")}
            </Link>
            <span className="text-[13px] text-slate-700 dark:text-slate-300">
              <span className="font-semibold">at risk</span>: unregistered at the next Entra Connect sync cycle
            </span>
          </p>
          <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">
            &quot;Device State: Unregistered&quot; in the sign-in log.{" "}
            <Link href="/findings?outlook=broken" className="link">
              Their causes as findings
            </Link>
          </p>
        </div>
        <div className="px-5 py-4">
          <h3 className="text-xs font-medium text-slate-500 dark:text-slate-400">By cause</h3>
          {causes.length === 0 ? (
            <p className="mt-3 text-[13px] text-slate-500 dark:text-slate-400">Nothing to fix.</p>
          ) : (
            <table className="mt-2 w-full text-[13px] tabular-nums" data-testid="broken-causes">
              <caption className="sr-only">Devices Conditional Access treats as unregistered, by cause</caption>
              <thead className="text-xs text-slate-500 dark:text-slate-400">
                <tr>
                  <th scope="col" className="py-1 text-left font-medium">
                    Cause
                  </th>
                  <th scope="col" className="w-24 py-1 text-right font-medium">
                    Now
                  </th>
                  <th scope="col" className="w-24 py-1 text-right font-medium">
                    At risk
                  </th>
                </tr>
              </thead>
              <tbody>
                {causes.map((cause) => (
                  <tr key={cause} data-testid="broken-cause" data-cause={cause}>
                    <th scope="row" className="py-1.5 pr-3 text-left font-normal">
                      <Link href={`/devices?outlook=broken&cause=${cause}`} className="group block">
                        <span className="text-slate-800 group-hover:underline dark:text-slate-200">{causeWords(cause).cause}</span>
                        <svg
                          className="mt-1 block h-1.5 w-full overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
                          viewBox="0 0 100 1"
                          preserveAspectRatio="none"
                          aria-hidden="true"
                        >
                          <rect className="fill-red-500 dark:fill-red-400" width={(of("now", cause) / max) * 100} height="1" />
                          <rect className="fill-amber-400" x={(of("now", cause) / max) * 100} width={(of("next", cause) / max) * 100} height="1" />
                        </svg>
                      </Link>
                    </th>
                    <CauseCount outlook="now" cause={cause} n={of("now", cause)} />
                    <CauseCount outlook="next" cause={cause} n={of("next", cause)} />
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}

function CauseCount({ outlook, cause, n }: { outlook: "now" | "next"; cause: string; n: number }) {
  return (
    <td className="py-1.5 text-right align-top" data-outlook={outlook}>
      {n > 0 ? (
        <Link
          href={`/devices?outlook=${outlook}&cause=${cause}`}
          className={`font-semibold hover:underline ${outlook === "now" ? "text-red-700 dark:text-red-400" : "text-amber-700 dark:text-amber-400"}`}
        >
          {n.toLocaleString("en")}
        </Link>
      ) : (
        <span className="text-slate-400 dark:text-slate-500">0</span>
      )}
    </td>
  );
}
