import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { findAdminBySession, SESSION_COOKIE } from "@/lib/auth/admin-sessions";
import { entraSettings, signInErrorMessage } from "@/lib/auth/entra-sign-in";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { LogoMark } from "../_components/icons";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const raw = params.next;
  const next = safeNextPath(typeof raw === "string" ? raw : null);
  const entraError = typeof params.error === "string" ? signInErrorMessage(params.error) : null;
  const entra = entraSettings() !== null;
  const local = config.JOINSCOPE_LOCAL_LOGIN;
  // Already signed in (e.g. the back button after login): go straight on.
  if (await findAdminBySession(db, (await cookies()).get(SESSION_COOKIE)?.value)) redirect(next);
  return (
    <main className="flex min-h-dvh items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center text-center">
          <LogoMark width={40} height={40} />
          <h1 className="mt-3 text-xl font-semibold tracking-tight">Sign in to JoinScope</h1>
          <p className="mt-1 text-slate-600 dark:text-slate-400">Why Conditional Access says “Device State: Unregistered”.</p>
        </div>
        <div className="card space-y-4 px-6 py-6">
          {entraError ? (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-[13px] text-red-800 dark:bg-red-500/10 dark:text-red-200">
              {entraError}
            </p>
          ) : null}
          {entra ? (
            <a
              href={`/auth/microsoft${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`}
              className="btn-secondary flex w-full items-center justify-center gap-2.5"
            >
              <MicrosoftLogo />
              Sign in with Microsoft
            </a>
          ) : null}
          {entra && local ? (
            <div className="flex items-center gap-3 text-[11px] tracking-wide text-slate-400 uppercase dark:text-slate-500" aria-hidden="true">
              <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
              or with a local account
              <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
            </div>
          ) : null}
          {local ? <LoginForm next={next} /> : null}
        </div>
        <p className="mt-4 text-center text-xs text-slate-500 dark:text-slate-400">
          {local ? (
            <>
              Local accounts are created on the server with the <code className="font-mono">joinscope</code> command-line tool.
            </>
          ) : (
            "Your Entra ID admin gives you a JoinScope role."
          )}
        </p>
      </div>
    </main>
  );
}

/** Microsoft's four-square logo, as its sign-in button guidelines show it. */
function MicrosoftLogo() {
  return (
    <svg width="16" height="16" viewBox="0 0 21 21" aria-hidden="true">
      <rect x="1" y="1" width="9" height="9" fill="#f25022" />
      <rect x="11" y="1" width="9" height="9" fill="#7fba00" />
      <rect x="1" y="11" width="9" height="9" fill="#00a4ef" />
      <rect x="11" y="11" width="9" height="9" fill="#ffb900" />
    </svg>
  );
}
