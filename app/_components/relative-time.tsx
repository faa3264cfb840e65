import { formatAbsoluteTime, formatRelativeTime } from "@/lib/display/format-time";

/**
 * "3 hours ago" with the absolute UTC time in the tooltip. `now` comes from the server render so the
 * text is identical on the server and in the browser (no hydration mismatch, no ticking clock).
 */
export function RelativeTime({ iso, now }: { iso: string | null; now: string }) {
  if (!iso) return <span className="text-slate-400 dark:text-slate-500">—</span>;
  const absolute = formatAbsoluteTime(iso);
  return (
    <time dateTime={iso} title={absolute} className="whitespace-nowrap">
      {formatRelativeTime(iso, now)}
    </time>
  );
}
