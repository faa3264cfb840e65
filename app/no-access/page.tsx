import type { Metadata } from "next";
import Link from "next/link";
import { logoutAction } from "../(dashboard)/actions";
import { LogoMark } from "../_components/icons";
import { SignOutForm } from "../_components/sign-out-form";
import { requireSignedIn } from "@/lib/auth/require-admin";
import { APP_ROLE_VALUES, hasRole, parseRole, type Role } from "@/lib/auth/roles";

export const metadata: Metadata = { title: "No access" };

/**
 * Where requireRole and guardedAction send a signed-in user whose role is too low (decision 022): which role the page
 * or action needs, the user's own, and whom to ask. Nothing of the dashboard is shown.
 */
export default async function NoAccessPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireSignedIn();
  const raw = (await searchParams).need;
  const need: Role = parseRole(typeof raw === "string" ? raw : null) ?? "Reader";
  const enough = hasRole(user.role, need);
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <div className="mb-6 flex flex-col items-center text-center">
          <LogoMark width={40} height={40} />
          <h1 className="mt-3 text-xl font-semibold tracking-tight">{user.role ? "This needs another role" : "You have no JoinScope role yet"}</h1>
        </div>
        <div className="card space-y-3 px-6 py-6 text-[14px] leading-relaxed">
          <p>
            You are signed in as <strong>{user.name}</strong> ({user.email}){user.role ? `, with the ${APP_ROLE_VALUES[user.role]} role` : ", without a role"}.
          </p>
          {enough ? (
            <p>
              Your role now allows it: <Link href="/">open the dashboard</Link>.
            </p>
          ) : (
            <p data-testid="role-to-ask">
              Ask {user.source === "entra" ? "your Entra ID admin to assign you" : "a JoinScope admin for"} the{" "}
              <strong className="font-mono text-[13px]">{APP_ROLE_VALUES[need]}</strong> role{need === "Admin" ? "" : " (or a higher one)"}
              {user.source === "entra" ? " on the JoinScope enterprise application, then sign in again." : "."}
            </p>
          )}
          <ul className="list-disc space-y-1 pl-5 text-[13px] text-slate-600 dark:text-slate-400">
            <li>
              <span className="font-mono">{APP_ROLE_VALUES.Reader}</span>: browse, export, diagnose
            </li>
            <li>
              <span className="font-mono">{APP_ROLE_VALUES.Operator}</span>: also acknowledge findings, sync now, manage agent tokens
            </li>
            <li>
              <span className="font-mono">{APP_ROLE_VALUES.Admin}</span>: also tenants, credentials and settings
            </li>
          </ul>
          <div className="flex items-center justify-between pt-2">
            {user.role ? (
              <Link href="/" className="text-[13px] whitespace-nowrap">
                Back to the dashboard
              </Link>
            ) : (
              <span />
            )}
            <SignOutForm action={logoutAction} entra={user.source === "entra"} />
          </div>
        </div>
      </div>
    </main>
  );
}
