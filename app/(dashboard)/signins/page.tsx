import type { Metadata } from "next";
import Link from "next/link";
import { directDb } from "@/lib/db/direct";
import { db } from "@/lib/db/client";
import { findSignInMachines } from "@/lib/queries/find-sign-in-machines";
import { findSignInPullStatus } from "@/lib/queries/find-sign-in-pull-status";
import { findSignInSummary } from "@/lib/queries/find-sign-in-summary";
import { findSignIns } from "@/lib/queries/find-sign-ins";
import { isSignInListFiltered, parseSignInListParams, SIGN_IN_PAGE_SIZES, signInListHref } from "@/lib/url-params/sign-in-list-params";
import { EmptyState } from "../../_components/empty-state";
import { SignInsIcon } from "../../_components/icons";
import { NoTenantState } from "../../_components/no-tenant-state";
import { ListPage, PageSizeChoice } from "../../_components/list-page";
import { getDashboardContext } from "../_lib/dashboard-context";
import { headline, SignInCauses } from "./sign-in-causes";
import { SignInDayChart } from "./sign-in-day-chart";
import { SignInEventList } from "./sign-in-event-list";
import { SignInFilters } from "./sign-in-filters";
import { SignInMachines } from "./sign-in-machines";
import { SignInPullNotice } from "./sign-in-pull-notice";

export const metadata: Metadata = { title: "Sign-ins" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInsPage({ searchParams }: { searchParams: SearchParams }) {
  const { tenant, now } = await getDashboardContext();
  const params = parseSignInListParams(await searchParams);
  if (!tenant) return <NoTenantState title="Sign-ins" items="Blocked sign-ins" />;
  const direct = directDb();
  const at = new Date(now);
  const pull = await findSignInPullStatus(db, { tenantRef: tenant.id });
  const description = `Sign-ins to ${tenant.name} that Conditional Access blocked for their device, from the sign-in log, joined with the machine and explained with the fix.`;
  if (!pull.hasSignIns) {
    return <ListPage title="Sign-ins" description={description} empty={<SignInPullNotice pull={pull} empty />} />;
  }
  const [summary, page, machines] = await Promise.all([
    findSignInSummary(direct, { tenantRef: tenant.id, params, now: at }),
    findSignIns(direct, { tenantRef: tenant.id, params, now: at }),
    params.user ? findSignInMachines(direct, { tenantRef: tenant.id, user: params.user, params, now: at }) : Promise.resolve(null),
  ]);

  return (
    <ListPage
      title="Sign-ins"
      description={description}
      above={<SignInPullNotice pull={pull} />}
      filters={<SignInFilters params={params} apps={summary.apps} />}
      summary={
        <div className="mb-6 space-y-6">
          <div>
            <p className="text-[15px] font-medium text-slate-900 dark:text-slate-100" data-testid="sign-in-headline">
              {headline(summary, params)}
            </p>
            {params.app ? (
              <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
                Devices and users are counted per cause over every app, so they are not shown for one app.
              </p>
            ) : null}
          </div>

          {summary.total === 0 ? (
            <EmptyState title="No blocked sign-ins match" icon={<SignInsIcon width={22} height={22} />}>
              {isSignInListFiltered(params) ? (
                <>
                  Nothing in this period matches these filters.{" "}
                  <Link href={signInListHref({ ...params, cause: null, user: null, device: null, app: null })} className="link">
                    Clear filters
                  </Link>
                </>
              ) : (
                "No sign-in was blocked for its device in this period. Try a longer one."
              )}
            </EmptyState>
          ) : (
            <div className="grid gap-6 xl:grid-cols-[minmax(0,1.1fr)_minmax(0,1fr)]">
              <SignInCauses summary={summary} params={params} />
              <SignInDayChart days={summary.days} causes={summary.causes} />
            </div>
          )}

          {machines && params.user ? <SignInMachines user={params.user} machines={machines} params={params} now={now} /> : null}
        </div>
      }
    >
      {page.rows.length > 0 ? (
        <section aria-labelledby="events-heading" className="space-y-2">
          <h2 id="events-heading" className="text-sm font-semibold">
            Blocked sign-ins, newest first
          </h2>
          <SignInEventList rows={page.rows} tenantRef={tenant.id} now={now} />
          <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2 text-[13px]">
            {params.after ? (
              <Link href={signInListHref(params)} className="link">
                ← Newest
              </Link>
            ) : (
              <span />
            )}
            <div className="flex items-center gap-6">
              <PageSizeChoice sizes={SIGN_IN_PAGE_SIZES} current={params.size} hrefFor={(size) => signInListHref(params, { size })} />
              {page.nextAfter ? (
                <Link href={signInListHref(params, { after: page.nextAfter })} className="link" rel="next">
                  Older sign-ins →
                </Link>
              ) : null}
            </div>
          </nav>
        </section>
      ) : null}
    </ListPage>
  );
}
