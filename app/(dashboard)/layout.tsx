import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { parseTheme, THEME_COOKIE } from "@/lib/display/theme";
import { LogoMark } from "../_components/icons";
import { NavLinks } from "../_components/nav-links";
import { TenantSwitcher } from "../_components/tenant-switcher";
import { ThemeToggle } from "../_components/theme-toggle";
import { getDashboardContext } from "./_lib/dashboard-context";
import { logoutAction, selectTenantAction } from "./actions";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { admin, tenants, tenant } = await getDashboardContext();
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <div className="min-h-dvh lg:grid lg:grid-cols-[15rem_1fr]">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:shadow-lg dark:focus:bg-slate-900"
      >
        Skip to content
      </a>

      <aside className="border-b border-slate-200 bg-white lg:sticky lg:top-0 lg:h-dvh lg:border-r lg:border-b-0 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex h-14 items-center gap-2.5 px-4">
          <LogoMark />
          <div className="leading-tight">
            <p className="text-[15px] font-semibold tracking-tight">JoinScope</p>
            <p className="text-[11px] text-slate-500 dark:text-slate-400">Entra device identity</p>
          </div>
        </div>
        <nav aria-label="Main" className="px-3 pb-3 lg:pt-2">
          <NavLinks />
        </nav>
      </aside>

      <div className="flex min-w-0 flex-col">
        <header className="sticky top-0 z-20 flex h-14 items-center justify-between gap-4 border-b border-slate-200 bg-white/85 px-4 backdrop-blur sm:px-6 dark:border-slate-800 dark:bg-slate-900/85">
          <TenantSwitcher
            tenants={tenants.map((t) => ({ id: t.id, name: t.name, tenantId: t.tenantId }))}
            selectedId={tenant?.id ?? null}
            action={selectTenantAction}
          />
          <form method="get" action="/search" role="search" className="hidden min-w-0 flex-1 md:block md:max-w-sm">
            <label htmlFor="header-search" className="sr-only">
              Find a device or user
            </label>
            <input id="header-search" name="q" type="search" placeholder="Device, DeviceId, objectId or user UPN" className="input py-1.5 text-[13px]" />
          </form>
          <div className="flex items-center gap-3">
            <ThemeToggle initial={theme} />
            <div className="hidden text-right leading-tight sm:block">
              <p className="text-[13px] font-medium" data-testid="admin-name">
                {admin.name}
              </p>
              <p className="text-[11px] text-slate-500 dark:text-slate-400">{admin.email}</p>
            </div>
            <form action={logoutAction}>
              <button type="submit" className="btn-ghost px-2.5 py-1.5 text-[13px]">
                Sign out
              </button>
            </form>
          </div>
        </header>
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 focus:outline-none sm:px-6 lg:px-8">
          {children}
        </main>
      </div>
    </div>
  );
}
