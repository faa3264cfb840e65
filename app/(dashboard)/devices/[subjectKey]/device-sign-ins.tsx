import Link from "next/link";
import { directDb } from "@/lib/db/direct";
import { findDeviceSignIns } from "@/lib/queries/find-device-sign-ins";
import { DEFAULT_SIGN_IN_LIST_PARAMS, signInListHref } from "@/lib/url-params/sign-in-list-params";
import { SignInEventList } from "../../signins/sign-in-event-list";

/**
 * The device's newest blocked sign-ins (issue 19): those tied to this machine and those that presented its DeviceId,
 * each with its cause and fix; the Sign-ins view filtered by the device has the rest.
 */
export async function DeviceSignIns({ tenantRef, deviceId, now }: { tenantRef: string; deviceId: string | null; now: string }) {
  if (!deviceId) return null;
  const { rows, more } = await findDeviceSignIns(directDb(), { tenantRef, deviceId, limit: 10 });
  if (rows.length === 0) return null;
  const all = signInListHref({ ...DEFAULT_SIGN_IN_LIST_PARAMS, period: "month", device: deviceId.toLowerCase() });
  return (
    <section aria-labelledby="device-sign-ins-heading" data-testid="device-sign-ins">
      <h2 id="device-sign-ins-heading" className="mb-1 text-sm font-semibold">
        Blocked sign-ins <span className="font-normal text-slate-500 dark:text-slate-400">({more ? `latest ${rows.length}` : rows.length})</span>
      </h2>
      <p className="mb-3 text-xs text-slate-500 dark:text-slate-400">
        Sign-ins Conditional Access refused for this device, newest first, from the sign-in log.{" "}
        <Link href={all} className="link">
          All of this device&apos;s blocked sign-ins
        </Link>
      </p>
      <SignInEventList rows={rows} tenantRef={tenantRef} now={now} showDevice={false} />
    </section>
  );
}
