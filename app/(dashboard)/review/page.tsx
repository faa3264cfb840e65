import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { directDb } from "@/lib/db/direct";
import { isReviewPeriod, REVIEW_PERIOD_LABEL, REVIEW_PERIODS, reviewWindow, type ReviewPeriod } from "@/lib/digest/review-period";
import { countBrokenDevices } from "@/lib/queries/count-broken-devices";
import { findDailySnapshots } from "@/lib/queries/find-daily-snapshots";
import { summarizeChanges } from "@/lib/queries/summarize-changes";
import { ensureDeviceSummaries } from "@/lib/device-summary/rebuild-device-summaries";
import { writeDailySnapshot } from "@/lib/daily-snapshots/write-daily-snapshot";
import { NoTenantState } from "../../_components/no-tenant-state";
import { PageHeader } from "../../_components/page-header";
import { RelativeTime } from "../../_components/relative-time";
import { getDashboardContext } from "../_lib/dashboard-context";
import { ReviewTrendChart, type ReviewTrendPoint } from "../_components/trend-charts";
import { FindingChangeList } from "../_components/finding-change-list";

export const metadata: Metadata = { title: "Weekly review" };

const SearchParams = z.object({
  period: z
    .preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string())
    .optional()
    .transform((v): ReviewPeriod => (isReviewPeriod(v) ? v : "week")),
});

const KINDS = [
  { kind: "opened", label: "Opened", tone: "text-red-700 dark:text-red-400", href: "/findings?sort=firstSeen&dir=desc" },
  { kind: "reopened", label: "Reopened", tone: "text-orange-700 dark:text-orange-400", href: "/findings?status=all&sort=lastSeen&dir=desc" },
  { kind: "resolved", label: "Resolved", tone: "text-emerald-700 dark:text-emerald-400", href: "/findings?status=resolved&sort=lastSeen&dir=desc" },
] as const;

/**
 * The weekly review (issue 23, item 7): what the findings lifecycle did over the chosen period (a day, a week, a
 * month), the trend of the daily snapshots around it, and where the tenant stands now. The scheduled digest
 * (Settings → Digest) sends the same figures.
 */
export default async function ReviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { tenant, now } = await getDashboardContext();
  const { period } = SearchParams.parse(await searchParams);
  if (!tenant) {
    return <NoTenantState title="Weekly review" items="Findings and their changes" />;
  }
  await ensureDeviceSummaries(tenant.id);
  // As on the Overview: the first view of a day takes the day's snapshot when the scheduler has not.
  await writeDailySnapshot(directDb(), { tenantRef: tenant.id, now: new Date(now) });
  const span = reviewWindow(period, new Date(now));
  const [changes, snapshots, broken] = await Promise.all([
    summarizeChanges(db, { tenantRef: tenant.id, since: span.since, now: span.until, limit: 25 }),
    findDailySnapshots(db, { tenantRef: tenant.id, now: span.until, days: span.trendDays }),
    countBrokenDevices(directDb(), tenant.id),
  ]);
  const points: ReviewTrendPoint[] = snapshots.map((s) => ({
    day: s.day,
    openFindings: s.openFindings,
    criticalHigh: s.openBySeverity.critical + s.openBySeverity.high,
    devicesSilent: s.devicesSilent,
  }));
  const sinceDay = span.since.toISOString().slice(0, 10);
  const start = [...snapshots].reverse().find((s) => s.day <= sinceDay) ?? null;
  const end = snapshots.at(-1) ?? null;

  return (
    <>
      <PageHeader
        title="Weekly review"
        description={`What changed in ${tenant.name}: findings opened, reopened and resolved over the period, and the trend of the daily snapshots.`}
        actions={
          <Link href="/settings#digest" className="btn-secondary">
            Digest settings
          </Link>
        }
      />
      <nav aria-label="Period" className="mb-5 flex flex-wrap items-center gap-2" data-testid="review-periods">
        {REVIEW_PERIODS.map((p) => (
          <Link
            key={p}
            href={`/review?period=${p}`}
            aria-current={p === period ? "page" : undefined}
            className={p === period ? "btn-primary" : "btn-secondary"}
            data-period={p}
          >
            {REVIEW_PERIOD_LABEL[p]}
          </Link>
        ))}
        <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="review-window">
          Since <RelativeTime iso={changes.since} now={now} /> ({changes.since.slice(0, 16).replace("T", " ")} UTC)
        </p>
      </nav>

      <section aria-label="Totals" className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {KINDS.map(({ kind, label, tone }) => (
          <div key={kind} className="card px-5 py-4" data-testid={`review-count-${kind}`}>
            <p className="text-xs font-medium text-slate-500 dark:text-slate-400">{label}</p>
            <p className={`mt-1.5 text-2xl font-semibold tabular-nums ${changes.counts[kind] > 0 ? tone : "text-slate-400 dark:text-slate-500"}`} data-count>
              {changes.counts[kind].toLocaleString("en")}
            </p>
          </div>
        ))}
        <div className="card px-5 py-4" data-testid="review-open-findings">
          <p className="text-xs font-medium text-slate-500 dark:text-slate-400">Open findings, start → end</p>
          <p className="mt-1.5 text-2xl font-semibold tabular-nums">
            {start ? start.openFindings.toLocaleString("en") : "–"} → {end ? end.openFindings.toLocaleString("en") : "–"}
          </p>
          <p className="mt-0.5 text-xs text-slate-500 dark:text-slate-400">
            {broken.now.toLocaleString("en")} unregistered now, {broken.next.toLocaleString("en")} at risk
          </p>
        </div>
      </section>

      <div className="mt-6 grid gap-6">
        <section aria-labelledby="review-changes" className="card overflow-hidden">
          <h2 id="review-changes" className="border-b border-slate-200 px-5 py-3 text-sm font-semibold dark:border-slate-800">
            What changed, {REVIEW_PERIOD_LABEL[period].toLowerCase()}
          </h2>
          <div className="grid divide-y divide-slate-100 md:grid-cols-3 md:divide-x md:divide-y-0 dark:divide-slate-800">
            {KINDS.map(({ kind, label, href }) => (
              <div key={kind} className="px-5 py-4" data-testid={`review-${kind}`}>
                <h3 className="text-xs font-medium text-slate-500 dark:text-slate-400">{label}</h3>
                {changes[kind].length === 0 ? (
                  <p className="mt-2 text-[13px] text-slate-500 dark:text-slate-400">None.</p>
                ) : (
                  <FindingChangeList changes={changes[kind]} total={changes.counts[kind]} moreHref={href} />
                )}
              </div>
            ))}
          </div>
        </section>

        <section aria-labelledby="review-trend-heading">
          <h2 id="review-trend-heading" className="mb-3 text-sm font-semibold">
            Trend, last {span.trendDays} days
          </h2>
          {points.length < 2 ? (
            <p className="mb-3 text-xs text-slate-500 dark:text-slate-400">
              One snapshot a day (UTC); {points.length === 0 ? "none yet" : "only one so far"}: the line fills in day by day.
            </p>
          ) : null}
          <ReviewTrendChart points={points} />
          <details className="card mt-4 overflow-hidden" data-testid="review-trend-table">
            <summary className="cursor-pointer px-5 py-3 text-sm font-medium">Show as table</summary>
            <div className="overflow-x-auto border-t border-slate-200 dark:border-slate-800">
              <table className="w-full text-left text-[13px] tabular-nums">
                <caption className="sr-only">Open findings, critical and high findings, and devices gone silent per day</caption>
                <thead className="bg-slate-50 text-xs text-slate-500 dark:bg-slate-800/40 dark:text-slate-400">
                  <tr>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Day (UTC)
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Open findings
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Critical and high
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Gone silent
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                  {[...points].reverse().map((p) => (
                    <tr key={p.day} data-testid="review-trend-row" data-day={p.day}>
                      <th scope="row" className="px-3 py-1.5 font-medium whitespace-nowrap">
                        {p.day}
                      </th>
                      <td className="px-3 py-1.5 text-right" data-series="openFindings">
                        {p.openFindings.toLocaleString("en")}
                      </td>
                      <td className="px-3 py-1.5 text-right">{p.criticalHigh.toLocaleString("en")}</td>
                      <td className="px-3 py-1.5 text-right">{p.devicesSilent.toLocaleString("en")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </section>
      </div>
    </>
  );
}
