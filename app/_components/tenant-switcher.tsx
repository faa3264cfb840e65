"use client";

import { useRef } from "react";

export interface TenantOption {
  id: string;
  name: string;
  tenantId: string;
}

/** A plain <select>: changing it submits the form, whose server action stores the choice in a cookie. */
export function TenantSwitcher({
  tenants,
  selectedId,
  action,
}: {
  tenants: TenantOption[];
  selectedId: string | null;
  action: (formData: FormData) => Promise<void>;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  if (tenants.length === 0) return <span className="text-xs text-slate-500 dark:text-slate-400">No tenant registered</span>;
  return (
    // Keyed by the selection: after the server action switches tenants, React 19 resets the form, and an
    // unkeyed uncontrolled <select> would fall back to the old default while the page shows the new tenant.
    <form key={selectedId ?? "none"} ref={formRef} action={action} className="flex items-center gap-2">
      <label htmlFor="tenant-switcher" className="text-xs font-medium text-slate-500 dark:text-slate-400">
        Tenant
      </label>
      <select
        id="tenant-switcher"
        name="tenant"
        defaultValue={selectedId ?? undefined}
        onChange={() => formRef.current?.requestSubmit()}
        className="input w-auto max-w-64 py-1 pr-8 text-[13px]"
      >
        {tenants.map((t) => (
          <option key={t.id} value={t.id} title={t.tenantId}>
            {t.name}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="btn-secondary py-1 text-xs">
          Switch
        </button>
      </noscript>
    </form>
  );
}
