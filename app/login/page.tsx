import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { findAdminBySession, SESSION_COOKIE } from "@/lib/auth/admin-sessions";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { db } from "@/lib/db/client";
import { LogoMark } from "../_components/icons";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).next;
  const next = safeNextPath(typeof raw === "string" ? raw : null);
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
        <div className="card px-6 py-6">
          <LoginForm next={next} />
        </div>
        <p className="mt-4 text-center text-xs text-slate-500 dark:text-slate-400">
          Accounts are created on the server with the <code className="font-mono">joinscope</code> command-line tool.
        </p>
      </div>
    </main>
  );
}
