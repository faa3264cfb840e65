import type { ConditionalAccessOutlook } from "@/lib/display/conditional-access-outlook";
import { SEVERITY_LABEL } from "@/lib/display/severity";
import { AlertIcon, ClockIcon, ShieldCheckIcon } from "../../../_components/icons";

const TONE = {
  "unregistered-now": "border-red-300 bg-red-50 text-red-900 dark:border-red-500/40 dark:bg-red-500/10 dark:text-red-100",
  "next-connect-cycle": "border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-100",
  attention: "border-sky-300 bg-sky-50 text-sky-950 dark:border-sky-500/40 dark:bg-sky-500/10 dark:text-sky-100",
  healthy: "border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-500/40 dark:bg-emerald-500/10 dark:text-emerald-100",
} as const;

/**
 * The device page's one-line answer: is it "Unregistered" for Conditional Access now, or will it be at the next Entra
 * Connect cycle, and because of what. Words first; the colour (red now, amber later) only repeats them.
 */
export function OutlookBanner({ outlook, name }: { outlook: ConditionalAccessOutlook; name: string }) {
  const [headline, detail] =
    outlook.kind === "unregistered-now"
      ? [
          `Unregistered now: Conditional Access treats ${name} as "Device State: Unregistered"`,
          <>Cause: {outlook.cause.title}. Fix it with the steps below; the symptoms it explains need nothing else.</>,
        ]
      : outlook.kind === "next-connect-cycle"
        ? [
            `Registered now, unregistered at the next Entra Connect sync cycle`,
            <>
              Cause: {outlook.cause.title}. The device still works today; Connect deletes its object at its next cycle (every 30 minutes by default) unless the
              computer is moved back first.
            </>,
          ]
        : outlook.kind === "attention"
          ? [
              `${SEVERITY_LABEL[outlook.worst]}: needs attention`,
              <>Nothing makes Conditional Access call {name} unregistered today; the findings below are worth a look.</>,
            ]
          : ["Healthy", <>No problems found for {name}. The device and its Primary Refresh Token look the way Conditional Access expects.</>];
  return (
    <section
      aria-label="Conditional Access outlook"
      className={`flex items-start gap-3 rounded-lg border px-5 py-4 ${TONE[outlook.kind]}`}
      data-testid="ca-outlook"
      data-outlook={outlook.kind}
    >
      <span className="mt-0.5 shrink-0">
        {outlook.kind === "unregistered-now" ? (
          <AlertIcon width={22} height={22} />
        ) : outlook.kind === "next-connect-cycle" ? (
          <ClockIcon width={22} height={22} />
        ) : outlook.kind === "healthy" ? (
          <ShieldCheckIcon width={22} height={22} />
        ) : (
          <AlertIcon width={22} height={22} />
        )}
      </span>
      <div className="min-w-0">
        <p className="text-base font-semibold">{headline}</p>
        <p className="mt-0.5 opacity-90">{detail}</p>
      </div>
    </section>
  );
}
