import type { SVGProps } from "react";

/** Inline 20×20 stroke icons (no icon font, no network). Decorative unless given a title by the caller. */
function Icon({ children, ...props }: SVGProps<SVGSVGElement>) {
  return (
    <svg
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.6}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      width={18}
      height={18}
      {...props}
    >
      {children}
    </svg>
  );
}

/** A gateway between two networks: the Application Proxy diagnostics page. */
export const ProxyIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <rect x="2.5" y="7" width="4.5" height="6" rx="1" />
    <rect x="13" y="7" width="4.5" height="6" rx="1" />
    <path d="M7 10h6M10 4v3M10 13v3" />
  </Icon>
);

/** A line rising over a calendar week: the weekly review. */
export const ReviewIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <rect x="3" y="4" width="14" height="13" rx="1.5" />
    <path d="M3 8h14M7 2.5V5M13 2.5V5" />
    <path d="M6 14.5l2.5-2.5 2 1.5 3.5-3.5" />
  </Icon>
);

/** A clipboard with a tick list: the Audit page (who did what). */
export const AuditIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <rect x="4" y="3.5" width="12" height="14" rx="1.5" />
    <path d="M7.5 2.5h5v2.5h-5zM7 9l1 1 2-2M11.5 9.5H13.5M7 13.5l1 1 2-2M11.5 14H13.5" />
  </Icon>
);

export const OverviewIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <rect x="3" y="3" width="6" height="7" rx="1.2" />
    <rect x="11" y="3" width="6" height="4" rx="1.2" />
    <rect x="11" y="9" width="6" height="8" rx="1.2" />
    <rect x="3" y="12" width="6" height="5" rx="1.2" />
  </Icon>
);
export const DiagnoseIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <circle cx="9" cy="9" r="5.5" />
    <path d="m13 13 4 4M6.5 9h5M9 6.5v5" />
  </Icon>
);
export const ReportsIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <path d="M5 2.8h7l3.2 3.2v11.2H5z" />
    <path d="M12 2.8V6h3.2M7.5 10h5M7.5 13h5" />
  </Icon>
);
export const AgentsIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <circle cx="7" cy="10" r="3.2" />
    <path d="M10.2 10H17.5M15 10v2.8M17.5 10v2" />
  </Icon>
);
/** A key with a slash: a sign-in that was refused. */
export const SignInsIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <circle cx="6.5" cy="10" r="3" />
    <path d="M9.5 10H17M14.5 10v2.5M3 17 17 3" />
  </Icon>
);
export const DevicesIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <rect x="2.5" y="4" width="11" height="8" rx="1.2" />
    <path d="M5.5 15h5M8 12v3" />
    <rect x="14.5" y="7" width="3.5" height="8.5" rx="0.8" />
  </Icon>
);
export const FindingsIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <path d="M4 17V3.5M4 4h10.5l-2 3.5 2 3.5H4" />
  </Icon>
);
export const SyncIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <path d="M16.2 8.5A6.3 6.3 0 0 0 4.6 6.2M3.8 11.5a6.3 6.3 0 0 0 11.6 2.3" />
    <path d="M4.3 2.8v3.6h3.6M15.7 17.2v-3.6h-3.6" />
  </Icon>
);
export const SettingsIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <path d="M3 5.5h8M15 5.5h2M3 14.5h2M9 14.5h8" />
    <circle cx="13" cy="5.5" r="2" />
    <circle cx="7" cy="14.5" r="2" />
  </Icon>
);
export const CrossCircleIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <circle cx="10" cy="10" r="7.2" />
    <path d="m7.4 7.4 5.2 5.2M12.6 7.4l-5.2 5.2" />
  </Icon>
);
export const CheckCircleIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <circle cx="10" cy="10" r="7.2" />
    <path d="m6.8 10.2 2.2 2.2 4.2-4.6" />
  </Icon>
);
export const MinusCircleIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <circle cx="10" cy="10" r="7.2" />
    <path d="M6.8 10h6.4" />
  </Icon>
);
export const SunIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <circle cx="10" cy="10" r="3.4" />
    <path d="M10 2v1.6M10 16.4V18M2 10h1.6M16.4 10H18M4.3 4.3l1.1 1.1M14.6 14.6l1.1 1.1M4.3 15.7l1.1-1.1M14.6 5.4l1.1-1.1" />
  </Icon>
);
export const MoonIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <path d="M16.5 12.2A6.8 6.8 0 0 1 7.8 3.5a6.8 6.8 0 1 0 8.7 8.7z" />
  </Icon>
);
export const MonitorIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <rect x="2.5" y="3.5" width="15" height="10" rx="1.5" />
    <path d="M7 17h6M10 13.5V17" />
  </Icon>
);
export const CopyIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <rect x="7" y="7" width="10" height="10" rx="1.5" />
    <path d="M13 7V4.5A1.5 1.5 0 0 0 11.5 3h-7A1.5 1.5 0 0 0 3 4.5v7A1.5 1.5 0 0 0 4.5 13H7" />
  </Icon>
);
export const CheckIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <path d="m4 10.5 4 4 8-9" />
  </Icon>
);
export const AlertIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <path d="M10 2.8 18 16.5H2z" />
    <path d="M10 8v3.8M10 14.2v.1" />
  </Icon>
);
export const ShieldCheckIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <path d="M10 2.5 16 5v4.6c0 3.6-2.5 6.6-6 7.9-3.5-1.3-6-4.3-6-7.9V5z" />
    <path d="m7.3 10 1.9 1.9 3.6-3.8" />
  </Icon>
);
export const UploadIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <path d="M10 13V3.5M6.5 7 10 3.5 13.5 7M3.5 12.5v3a1.5 1.5 0 0 0 1.5 1.5h10a1.5 1.5 0 0 0 1.5-1.5v-3" />
  </Icon>
);
export const ChevronIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <path d="m7.5 5 5 5-5 5" />
  </Icon>
);
export const SortIcon = ({ dir, ...p }: Omit<SVGProps<SVGSVGElement>, "direction"> & { dir: "asc" | "desc" | null }) => (
  <Icon width={14} height={14} {...p}>
    {dir === "asc" ? <path d="m6 12 4-4 4 4" /> : dir === "desc" ? <path d="m6 8 4 4 4-4" /> : <path d="m6.5 8 3.5-3.5L13.5 8M6.5 12l3.5 3.5 3.5-3.5" />}
  </Icon>
);
export const LogoMark = (p: SVGProps<SVGSVGElement>) => (
  <svg viewBox="0 0 32 32" width={28} height={28} aria-hidden="true" {...p}>
    <rect width="32" height="32" rx="7" fill="#2563eb" />
    <circle cx="14" cy="14" r="7" fill="none" stroke="#fff" strokeWidth="3" />
    <path d="m19 19 6 6" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
    <path d="M11 14h6M14 11v6" stroke="#bfdbfe" strokeWidth="2" strokeLinecap="round" />
  </svg>
);
export const ClockIcon = (p: SVGProps<SVGSVGElement>) => (
  <Icon {...p}>
    <circle cx="10" cy="10" r="7" />
    <path d="M10 6v4.2l2.8 1.8" />
  </Icon>
);
