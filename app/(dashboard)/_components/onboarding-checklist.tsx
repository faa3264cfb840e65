import Link from "next/link";
import type { ReactNode } from "react";
import type { OnboardingStep, OnboardingStepId } from "@/lib/queries/get-onboarding-status";

const LINK = "font-medium text-blue-700 underline decoration-blue-300 underline-offset-2 hover:decoration-blue-700 dark:text-blue-300 dark:decoration-blue-500";

const STEPS: Record<OnboardingStepId, { title: string; body: ReactNode }> = {
  tenant: {
    title: "Register your Entra ID tenant",
    body: (
      <>
        Its tenant id and a name, on the{" "}
        <Link href="/agents" className={LINK}>
          Agents
        </Link>{" "}
        page.
      </>
    ),
  },
  "app-registration": {
    title: "Add the app registration",
    body: (
      <>
        An app registration with the application permissions Device.Read.All (and optionally AuditLog.Read.All, Directory.Read.All, BitlockerKey.ReadBasic.All,
        DeviceLocalCredential.ReadBasic.All) with admin consent, and its client secret or certificate, under{" "}
        <Link href="/settings" className={LINK}>
          Settings → Tenants
        </Link>
        .
      </>
    ),
  },
  "test-connection": {
    title: "Test the connection",
    body: (
      <>
        <Link href="/settings" className={LINK}>
          Test connection
        </Link>{" "}
        signs in as the app and names a wrong secret or a missing permission; the first sync follows.
      </>
    ),
  },
  "agent-token": {
    title: "Create an agent token",
    body: (
      <>
        The enrolment secret the agents deploy with, on the{" "}
        <Link href="/agents" className={LINK}>
          Agents
        </Link>{" "}
        page (shown once: copy it into the Intune install command).
      </>
    ),
  },
  "deploy-agent": {
    title: "Deploy the agent with Intune",
    body: (
      <>
        Package{" "}
        <a href="/agent/Invoke-JoinScopeAgent.ps1" className={LINK} download>
          Invoke-JoinScopeAgent.ps1
        </a>{" "}
        with{" "}
        <a href="/agent/intune/install.ps1" className={LINK} download>
          install.ps1
        </a>
        ,{" "}
        <a href="/agent/intune/uninstall.ps1" className={LINK} download>
          uninstall.ps1
        </a>{" "}
        and the detection script{" "}
        <a href="/agent/intune/detect.ps1" className={LINK} download>
          detect.ps1
        </a>{" "}
        as a Win32 app (IntuneWinAppUtil), install as System, assign it to a pilot group; add the Remediations pair{" "}
        <a href="/agent/intune/remediation-detect.ps1" className={LINK} download>
          remediation-detect.ps1
        </a>{" "}
        /{" "}
        <a href="/agent/intune/remediation-remediate.ps1" className={LINK} download>
          remediation-remediate.ps1
        </a>{" "}
        to keep it running. Each machine enrols with the token and gets a key of its own.
      </>
    ),
  },
  "first-report": {
    title: "Receive the first report",
    body: <>A machine uploads its dsregcmd /status at install and then on its schedule; its findings appear here.</>,
  },
};

/** The first-run checklist on the Overview of a new install: what is done, and the next step with where to do it. */
export function OnboardingChecklist({ steps }: { steps: OnboardingStep[] }) {
  const done = steps.filter((s) => s.done).length;
  const next = steps.find((s) => !s.done)?.id ?? null;
  return (
    <section aria-labelledby="onboarding-heading" className="card mb-6 px-5 py-4" data-testid="onboarding">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="onboarding-heading" className="text-base font-semibold">
          Get started
        </h2>
        <p className="text-[13px] text-slate-500 tabular-nums dark:text-slate-400" data-testid="onboarding-progress">
          {done} of {steps.length} done
        </p>
      </div>
      <div className="mb-4 h-1.5 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden="true">
        <div className="h-full rounded-full bg-emerald-500" style={{ width: `${Math.round((done / steps.length) * 100)}%` }} />
      </div>
      <ol className="space-y-3">
        {steps.map((s, i) => (
          <li key={s.id} className="flex gap-3" data-testid="onboarding-step" data-step={s.id} data-done={s.done ? "true" : "false"}>
            <span
              className={
                s.done
                  ? "mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-emerald-600 text-xs font-semibold text-white"
                  : s.id === next
                    ? "mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-blue-600 text-xs font-semibold text-white"
                    : "mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full bg-slate-200 text-xs font-semibold text-slate-700 dark:bg-slate-700 dark:text-slate-200"
              }
              aria-hidden="true"
            >
              {s.done ? "✓" : i + 1}
            </span>
            <div className="min-w-0">
              <p className={`text-[13px] font-medium ${s.done ? "text-slate-500 line-through decoration-slate-300 dark:text-slate-400" : ""}`}>
                {STEPS[s.id].title}
                <span className="sr-only">{s.done ? " (done)" : s.id === next ? " (next step)" : " (to do)"}</span>
              </p>
              {s.done ? null : <p className="mt-0.5 text-[13px] text-slate-600 dark:text-slate-400">{STEPS[s.id].body}</p>}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
