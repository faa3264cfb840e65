"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { loginAdmin, SESSION_COOKIE } from "@/lib/auth/admin-sessions";
import { NOT_A_FORM } from "@/lib/auth/action-guard";
import { safeNextPath } from "@/lib/auth/safe-next-path";
import { db } from "@/lib/db/client";
import { clientAddressFromHeaders } from "@/lib/http/client-address";
import { shouldUseSecureCookies } from "../_lib/cookie-security";

export interface LoginState {
  error: string | null;
  email: string;
}

export async function loginAction(_previous: LoginState, formData: FormData): Promise<LoginState> {
  // A forged call without a form gets the form's error, not a server error.
  if (!(formData instanceof FormData)) return { error: NOT_A_FORM, email: "" };
  const email = String(formData.get("email") ?? "");
  // loginAdmin validates with zod, answers the same for unknown emails and wrong passwords, and refuses every attempt
  // while the account or this client's address is locked ("Too many attempts; try again in N minutes.").
  const clientAddress = clientAddressFromHeaders(await headers());
  const jar = await cookies();
  // The session this browser held before, if any, ends: each sign-in rotates the cookie.
  const result = await loginAdmin(db, { email, password: String(formData.get("password") ?? ""), clientAddress }, new Date(), jar.get(SESSION_COOKIE)?.value);
  if (!result.ok) return { error: result.error.message, email };
  jar.set(SESSION_COOKIE, result.sessionToken, {
    httpOnly: true,
    sameSite: "lax",
    secure: await shouldUseSecureCookies(),
    path: "/",
    expires: result.expiresAt,
  });
  redirect(safeNextPath(String(formData.get("next") ?? "/")));
}
