import type { Finding, Severity } from "@/lib/rules/types";
import { SEVERITY_LABEL, worstSeverity } from "@/lib/display/severity";
import { AlertIcon, ShieldCheckIcon } from "./icons";

const TONE: Record<Severity, string> = {
  critical: "border-red-300 bg-red-50 text-red-900 dark:border-red-500/40 dark:bg-red-500/10 dark:text-red-100",
  high: "border-orange-300 bg-orange-50 text-orange-900 dark:border-orange-500/40 dark:bg-orange-500/10 dark:text-orange-100",
  medium: "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-100",
  low: "border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-500/40 dark:bg-sky-500/10 dark:text-sky-100",
  info: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-500/40 dark:bg-emerald-500/10 dark:text-emerald-100",
};

const HEADLINE: Record<Severity, string> = {
  critical: "Conditional Access will treat this device as unregistered",
  high: "Device sign-in is likely to fail Conditional Access",
  medium: "Needs attention soon",
  low: "Minor issues",
  info: "Healthy",
};

/** The one-line answer: the worst severity among the findings, or Healthy when nothing is above info. */
export function VerdictBanner({ findings, subject }: { findings: Finding[]; subject?: string }) {
  const worst = worstSeverity(findings) ?? "info";
  const healthy = worst === "info";
  const counted = findings.filter((f) => f.severity !== "info").length;
  return (
    <section aria-label="Verdict" className={`flex items-start gap-3 rounded-lg border px-5 py-4 ${TONE[worst]}`} data-verdict={healthy ? "healthy" : worst}>
      <span className="mt-0.5 shrink-0">{healthy ? <ShieldCheckIcon width={22} height={22} /> : <AlertIcon width={22} height={22} />}</span>
      <div className="min-w-0">
        <p className="text-base font-semibold">{healthy ? "Healthy" : `${SEVERITY_LABEL[worst]}: ${HEADLINE[worst]}`}</p>
        <p className="mt-0.5 opacity-90">
          {healthy
            ? `No problems found${subject ? ` for ${subject}` : ""}. The device and its Primary Refresh Token look the way Conditional Access expects.`
            : `${counted} finding${counted === 1 ? "" : "s"}${subject ? ` for ${subject}` : ""}, most severe first. Each one lists the evidence and the safe order of fixes.`}
        </p>
      </div>
    </section>
  );
}
