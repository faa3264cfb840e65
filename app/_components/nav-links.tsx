"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { hasRole, type Role } from "@/lib/auth/roles";
import {
  AgentsIcon,
  AuditIcon,
  DevicesIcon,
  DiagnoseIcon,
  FindingsIcon,
  OverviewIcon,
  ProxyIcon,
  ReportsIcon,
  ReviewIcon,
  SettingsIcon,
  SignInsIcon,
  SyncIcon,
} from "./icons";

const ITEMS = [
  { href: "/", label: "Overview", Icon: OverviewIcon },
  { href: "/diagnose", label: "Diagnose", Icon: DiagnoseIcon },
  { href: "/devices", label: "Devices", Icon: DevicesIcon },
  { href: "/findings", label: "Findings", Icon: FindingsIcon },
  { href: "/review", label: "Weekly review", Icon: ReviewIcon },
  { href: "/signins", label: "Sign-ins", Icon: SignInsIcon },
  { href: "/proxy", label: "Proxy", Icon: ProxyIcon },
  { href: "/reports", label: "Reports", Icon: ReportsIcon },
  { href: "/agents", label: "Agents", Icon: AgentsIcon, role: "Operator" },
  { href: "/sync", label: "Sync", Icon: SyncIcon },
  { href: "/settings", label: "Settings", Icon: SettingsIcon, role: "Admin" },
  { href: "/audit", label: "Audit", Icon: AuditIcon, role: "Admin" },
] as const satisfies readonly { href: string; label: string; Icon: unknown; role?: Role }[];

/** The main navigation; pages the user's role may not open (their own check is requireRole) are left out. */
export function NavLinks({ role }: { role: Role | null }) {
  const pathname = usePathname();
  return (
    <ul className="space-y-0.5">
      {ITEMS.filter((item) => !("role" in item) || hasRole(role, item.role)).map(({ href, label, Icon }) => {
        const active = href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
        return (
          <li key={href}>
            <Link
              href={href}
              aria-current={active ? "page" : undefined}
              className={`flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-[13px] font-medium transition-colors ${
                active
                  ? "bg-blue-50 text-blue-800 dark:bg-blue-500/15 dark:text-blue-200"
                  : "text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800/70 dark:hover:text-slate-100"
              }`}
            >
              <Icon className={active ? "text-blue-600 dark:text-blue-300" : ""} />
              {label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
