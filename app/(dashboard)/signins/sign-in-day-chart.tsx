import type { SignInSummary } from "@/lib/queries/find-sign-in-summary";
import { causeStyle } from "./cause-style";

const DAY_NAME = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" });

/**
 * Blocked sign-ins per UTC day, one horizontal bar per day split by cause. Plain HTML: each day is a list item whose
 * text says its counts, so a screen reader reads the numbers the bars draw.
 */
export function SignInDayChart({ days, causes }: { days: SignInSummary["days"]; causes: SignInSummary["causes"] }) {
  const max = Math.max(1, ...days.map((d) => d.total));
  const names = new Map(causes.map((c) => [c.cause, causeStyle(c.cause).name]));
  const legend = [...new Set(causes.map((c) => c.cause))];
  return (
    <figure className="card px-5 py-4" aria-labelledby="per-day-heading">
      <figcaption id="per-day-heading" className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <span className="text-sm font-semibold">Blocked sign-ins per day (UTC)</span>
        <span className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
          {legend.map((cause) => (
            <span key={cause} className="inline-flex items-center gap-1">
              <span className={`inline-block size-2.5 rounded-sm ${causeStyle(cause).bar}`} aria-hidden="true" />
              {causeStyle(cause).name}
            </span>
          ))}
        </span>
      </figcaption>
      <ol className="space-y-1.5" data-testid="sign-in-days">
        {days.map((d) => {
          const label = `${DAY_NAME.format(new Date(d.day))}: ${d.total} blocked sign-in${d.total === 1 ? "" : "s"}${d.causes.length ? ` (${d.causes.map((c) => `${names.get(c.cause) ?? c.cause} ${c.signIns}`).join(", ")})` : ""}`;
          return (
            <li key={d.day} className="grid grid-cols-[6.5rem_1fr_3.5rem] items-center gap-3 text-xs" data-testid="sign-in-day" data-total={d.total}>
              <span className="text-slate-600 dark:text-slate-400">{DAY_NAME.format(new Date(d.day))}</span>
              {/* SVG geometry, not inline styles: the Content-Security-Policy (proxy.ts) allows no style attribute. */}
              <svg
                className="block h-3.5 w-full rounded-sm bg-slate-100 dark:bg-slate-800"
                viewBox="0 0 100 1"
                preserveAspectRatio="none"
                role="img"
                aria-label={label}
              >
                {bars(d.causes, max).map((b) => (
                  <rect key={b.cause} x={b.x} y={0} width={b.width} height={1} className={causeStyle(b.cause).fill}>
                    <title>{`${names.get(b.cause) ?? b.cause}: ${b.signIns}`}</title>
                  </rect>
                ))}
              </svg>
              <span className="text-right font-medium tabular-nums">{d.total.toLocaleString("en-US")}</span>
            </li>
          );
        })}
      </ol>
    </figure>
  );
}

/** Each cause's segment of a day's bar, left to right, in percent of the busiest day. */
function bars(causes: SignInSummary["days"][number]["causes"], max: number) {
  let x = 0;
  return causes.map((c) => {
    const width = (c.signIns / max) * 100;
    const bar = { cause: c.cause, signIns: c.signIns, x, width };
    x += width;
    return bar;
  });
}
