import type { GraphDevice } from "../types";

/** A device as `$select` shapes it: the selected properties, null when unset; the whole object without one. */
export function projectDevice(device: GraphDevice, select: readonly string[] | null): Record<string, unknown> {
  if (!select) return device;
  const out: Record<string, unknown> = { id: device.id };
  for (const key of select) if (key !== "id") out[key] = device[key] ?? null;
  return out;
}

/** A page's `value` array as JSON text. */
export function serializeDevices(devices: readonly GraphDevice[], select: readonly string[] | null): string {
  return `[${devices.map((d) => JSON.stringify(projectDevice(d, select))).join(",")}]`;
}
