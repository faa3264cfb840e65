import "server-only";
import type { Db } from "@/lib/db/client";

export interface SignInPullStatus {
  /** never | ok | no-licence | no-permission | failed (lib/signins/pull-sign-ins.ts). */
  status: string;
  /** Plain words from lib/signins/describe-pull-failure.ts when the last pull did not succeed. */
  message: string | null;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
  /** Whether the tenant holds any blocked sign-in at all (one indexed row). */
  hasSignIns: boolean;
}

/** Where the tenant's sign-in pull stands, for the Sign-ins view's empty and warning states. */
export async function findSignInPullStatus(db: Db, options: { tenantRef: string }): Promise<SignInPullStatus> {
  const [pull, any] = await Promise.all([
    db.signInPull.findUnique({ where: { tenantRef: options.tenantRef }, select: { status: true, message: true, lastRunAt: true, lastSuccessAt: true } }),
    db.signInEvent.findFirst({ where: { tenantRef: options.tenantRef }, select: { id: true } }),
  ]);
  return {
    status: pull?.status ?? "never",
    message: pull?.message ?? null,
    lastRunAt: pull?.lastRunAt?.toISOString() ?? null,
    lastSuccessAt: pull?.lastSuccessAt?.toISOString() ?? null,
    hasSignIns: any !== null,
  };
}
