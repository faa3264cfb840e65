import type { DeviceSubject } from "@/lib/rules/device-subject";

/** A subject is what findings are about: a registration id, an object without one, or a host that never joined. */
export interface LoadedSubject {
  key: string;
  deviceId: string | null;
  objectId: string | null;
  hostname: string | null;
  subject: DeviceSubject;
}
