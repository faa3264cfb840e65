import Link from "next/link";
import type { ReactNode } from "react";
import {
  SIGN_IN_CAUSES,
  SIGN_IN_PERIOD_LABEL,
  SIGN_IN_PERIODS,
  signInListHref,
  isSignInListFiltered,
  type SignInListParams,
} from "@/lib/ui/sign-in-list-params";
import { causeStyle } from "./cause-style";

/** The period as links (one click, in the URL) and the filters as a plain GET form: works without JavaScript. */
export function SignInFilters({ params, apps }: { params: SignInListParams; apps: string[] }) {
  return (
    <div className="mb-5 space-y-3">
      <nav aria-label="Period" className="inline-flex rounded-md border border-slate-200 bg-white p-0.5 text-[13px] dark:border-slate-700 dark:bg-slate-900">
        {SIGN_IN_PERIODS.map((p) => (
          <Link
            key={p}
            href={signInListHref(params, { period: p })}
            aria-current={params.period === p ? "page" : undefined}
            className={`rounded px-3 py-1 font-medium ${params.period === p ? "bg-blue-50 text-blue-800 dark:bg-blue-500/15 dark:text-blue-200" : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"}`}
          >
            {SIGN_IN_PERIOD_LABEL[p]}
          </Link>
        ))}
      </nav>
      {/* Keyed by the URL's filters: after a link (Reset, a cause) changes them, the fields show the new ones, not what was typed before. */}
      <form
        key={signInListHref({ ...params, after: null })}
        method="get"
        action="/signins"
        role="search"
        aria-label="Filter sign-ins"
        className="flex flex-wrap items-end gap-3"
      >
        {params.period !== "week" ? <input type="hidden" name="period" value={params.period} /> : null}
        <Select id="cause" label="Cause" value={params.cause ?? ""}>
          <option value="">All causes</option>
          {SIGN_IN_CAUSES.map((c) => (
            <option key={c} value={c}>
              {causeStyle(c).name}
            </option>
          ))}
        </Select>
        <div className="w-full sm:w-64">
          <label htmlFor="user" className="label text-xs">
            User
          </label>
          <input id="user" name="user" type="search" defaultValue={params.user ?? ""} placeholder="user@contoso.com" className="input py-1.5" />
        </div>
        <div className="w-full sm:w-72">
          <label htmlFor="device" className="label text-xs">
            Device (DeviceId)
          </label>
          <input
            id="device"
            name="device"
            type="search"
            defaultValue={params.device ?? ""}
            placeholder="00000000-0000-0000-0000-000000000000"
            className="input py-1.5 font-mono text-xs"
          />
        </div>
        <Select id="app" label="App" value={params.app ?? ""}>
          <option value="">All apps</option>
          {[...new Set([...apps, ...(params.app ? [params.app] : [])])].map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
        <div className="flex gap-2 pb-px">
          <button type="submit" className="btn-primary py-1.5">
            Apply
          </button>
          {isSignInListFiltered(params) ? (
            <Link href={signInListHref({ ...params, cause: null, user: null, device: null, app: null })} className="btn-ghost py-1.5">
              Reset
            </Link>
          ) : null}
        </div>
      </form>
    </div>
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
