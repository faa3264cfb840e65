import Link from "next/link";
import {
  SIGN_IN_CAUSES,
  SIGN_IN_PAGE_SIZE,
  SIGN_IN_PERIOD_LABEL,
  SIGN_IN_PERIODS,
  signInListHref,
  isSignInListFiltered,
  type SignInListParams,
} from "@/lib/url-params/sign-in-list-params";
import { FilterForm, FilterSelect, FilterText } from "../../_components/filter-form";
import { causeStyle } from "./cause-style";

/** The period as links (one click, in the URL) and the filters as a plain GET form: works without JavaScript. */
export function SignInFilters({ params, apps }: { params: SignInListParams; apps: string[] }) {
  return (
    <div className="mb-1 space-y-3">
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
      <FilterForm
        formKey={signInListHref({ ...params, after: null })}
        action="/signins"
        label="Filter sign-ins"
        resetHref={isSignInListFiltered(params) ? signInListHref({ ...params, cause: null, user: null, device: null, app: null }) : null}
        hidden={{ period: params.period !== "week" ? params.period : null, size: params.size !== SIGN_IN_PAGE_SIZE ? String(params.size) : null }}
      >
        <FilterSelect
          id="cause"
          label="Cause"
          value={params.cause ?? ""}
          any="All causes"
          options={SIGN_IN_CAUSES.map((c) => [c, causeStyle(c).name] as const)}
        />
        <FilterText id="user" label="User" value={params.user ?? ""} placeholder="user@contoso.com" width="w-full sm:w-64" search />
        <FilterText
          id="device"
          label="Device (DeviceId)"
          value={params.device ?? ""}
          placeholder="00000000-0000-0000-0000-000000000000"
          width="w-full sm:w-72"
          search
          mono
        />
        <FilterSelect
          id="app"
          label="App"
          value={params.app ?? ""}
          any="All apps"
          options={[...new Set([...apps, ...(params.app ? [params.app] : [])])].map((a) => [a, a] as const)}
        />
      </FilterForm>
    </div>
  );
}
