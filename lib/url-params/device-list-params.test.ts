import { describe, expect, it } from "vitest";
import {
  DEFAULT_DEVICE_COLUMNS,
  DEFAULT_DEVICE_LIST_PARAMS,
  deviceListHref,
  deviceSortHref,
  parseDeviceListParams,
  type DeviceListParams,
} from "./device-list-params";

const parseHref = (href: string) => {
  const qs = new URLSearchParams(href.split("?")[1] ?? "");
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(qs.keys())) out[key] = qs.getAll(key).length > 1 ? qs.getAll(key) : qs.get(key)!;
  return parseDeviceListParams(out);
};

describe("the Devices list's URL state", () => {
  it("round-trips every filter, the sort, the page with its cursor and the columns", () => {
    const params: DeviceListParams = {
      ...DEFAULT_DEVICE_LIST_PARAMS,
      q: "pc-01",
      problems: true,
      trust: "ServerAd",
      state: "pending",
      rule: "thumbprint-mismatch",
      severity: "none",
      join: "unknown",
      os: "Windows",
      osVersion: "10.0.22631",
      sync: "no",
      pendingDays: 7,
      silentDays: 30,
      stale: true,
      sort: "osVersion",
      dir: "desc",
      page: 3,
      after: "o:6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e01",
      cols: ["objectId", "lastSignIn"],
    };
    const href = deviceListHref(params, { page: 3, after: params.after });
    expect(parseHref(href)).toEqual(params);
    expect(deviceListHref(DEFAULT_DEVICE_LIST_PARAMS)).toBe("/devices");
  });

  it("falls back to each default on a bad value, and never throws", () => {
    expect(
      parseDeviceListParams({
        rule: "Robert'); DROP",
        severity: "worst",
        join: "x",
        os: "",
        osVersion: "<script>",
        sync: "maybe",
        pendingDays: "0",
        silentDays: "abc",
        stale: "true",
        sort: "colour",
        dir: "up",
        page: "-2",
        cols: "nope",
      }),
    ).toEqual(DEFAULT_DEVICE_LIST_PARAMS);
  });

  it("reads the column chooser's repeated `cols`, keeps the table's order, and `-` alone shows only the name", () => {
    expect(parseDeviceListParams({ cols: ["-", "state", "os", "bogus"] }).cols).toEqual(["os", "state"]);
    expect(parseDeviceListParams({ cols: "-" }).cols).toEqual([]);
    expect(parseDeviceListParams({ cols: "state,deviceId" }).cols).toEqual(["deviceId", "state"]);
    expect(parseDeviceListParams({}).cols).toEqual(DEFAULT_DEVICE_COLUMNS);
    expect(deviceListHref({ ...DEFAULT_DEVICE_LIST_PARAMS, cols: [] })).toBe("/devices?cols=-");
  });

  it("a sort link starts over at page 1 and flips the direction of the current sort", () => {
    const deep = { ...DEFAULT_DEVICE_LIST_PARAMS, sort: "state" as const, page: 9, after: "o:x" };
    expect(parseHref(deviceSortHref(deep, "state"))).toMatchObject({ sort: "state", dir: "desc", page: 1, after: null });
    expect(parseHref(deviceSortHref(deep, "lastSignIn"))).toMatchObject({ sort: "lastSignIn", dir: "desc", page: 1 });
    expect(parseHref(deviceSortHref(deep, "deviceId"))).toMatchObject({ sort: "deviceId", dir: "asc" });
  });
});
