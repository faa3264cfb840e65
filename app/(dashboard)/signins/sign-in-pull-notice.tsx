import Link from "next/link";
import type { SignInPullStatus } from "@/lib/queries/find-sign-in-pull-status";
import { EmptyState } from "../../_components/empty-state";
import { SignInsIcon } from "../../_components/icons";

const NEEDS =
  "JoinScope reads the sign-in log after every directory sync. It needs the app registration's AuditLog.Read.All application permission (with admin consent) and a tenant with Microsoft Entra ID P1 or P2.";

/**
 * Why the view is empty or may be incomplete, in plain words: the last pull's warning (a missing licence or permission,
 * lib/signins/describe-pull-failure.ts), or that no pull has run or found anything.
 */
export function SignInPullNotice({ pull, empty = false }: { pull: SignInPullStatus; empty?: boolean }) {
  const problem = pull.status === "no-licence" || pull.status === "no-permission" || pull.status === "failed";
  if (empty) {
    const title = problem
      ? pull.status === "no-licence"
        ? "No sign-in log: the tenant has no Entra ID P1 or P2 licence"
        : pull.status === "no-permission"
          ? "No sign-in log: the AuditLog.Read.All permission is missing"
          : "The sign-in log could not be read"
      : pull.status === "never"
        ? "The sign-in log has not been read yet"
        : "No blocked sign-ins";
    return (
      <div data-testid="sign-in-empty" data-status={pull.status}>
        <EmptyState
          title={title}
          icon={<SignInsIcon width={22} height={22} />}
          actions={
            <Link href="/sync" className="btn-secondary">
              Open Sync
            </Link>
          }
        >
          <p>
            {problem
              ? pull.message
              : pull.status === "never"
                ? NEEDS
                : "No sign-in to this tenant was blocked for its device during the retention (30 days by default). Devices, reports and findings are not affected."}
          </p>
        </EmptyState>
      </div>
    );
  }
  if (!problem) return null;
  return (
    <div
      role="status"
      data-testid="sign-in-pull-warning"
      data-status={pull.status}
      className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-[13px] text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-100"
    >
      <p className="font-semibold">The last sign-in pull did not complete: what is shown may be out of date.</p>
      <p className="mt-0.5">{pull.message}</p>
    </div>
  );
}
