import { describe, expect, it } from "vitest";
import { agentDeviceListHref, agentDeviceSortHref, DEFAULT_AGENT_DEVICE_LIST_PARAMS, parseAgentDeviceListParams } from "./agent-device-list-params";

describe("the Agents page's enrolled-devices table state in the URL", () => {
  it("reads what a shared link holds and writes it back the same", () => {
    const params = parseAgentDeviceListParams({ q: " PC-01 ", status: "revoked", sort: "lastSeen", dir: "desc", page: "3" });
    expect(params).toEqual({ q: "PC-01", status: "revoked", sort: "lastSeen", dir: "desc", page: 3 });
    expect(agentDeviceListHref(params)).toBe("/agents?q=PC-01&status=revoked&sort=lastSeen&dir=desc&page=3#enrolled-devices");
    expect(parseAgentDeviceListParams(Object.fromEntries(new URLSearchParams(agentDeviceListHref(params).split("?")[1]!.split("#")[0])))).toEqual(params);
  });

  it("falls back to the defaults for values it does not know, instead of failing the page", () => {
    expect(parseAgentDeviceListParams({ status: "lost", sort: "name; DROP", dir: "up", page: "-1", q: "x".repeat(300) })).toEqual(
      DEFAULT_AGENT_DEVICE_LIST_PARAMS,
    );
    expect(agentDeviceListHref(DEFAULT_AGENT_DEVICE_LIST_PARAMS)).toBe("/agents#enrolled-devices");
  });

  it("sorts hostnames A→Z and times newest first on the first click, reverses on the second, and goes back to page 1", () => {
    const onPage4 = { ...DEFAULT_AGENT_DEVICE_LIST_PARAMS, page: 4 };
    expect(agentDeviceSortHref(onPage4, "lastSeen")).toBe("/agents?sort=lastSeen&dir=desc#enrolled-devices");
    expect(agentDeviceSortHref({ ...onPage4, sort: "lastSeen", dir: "desc" }, "lastSeen")).toBe("/agents?sort=lastSeen#enrolled-devices");
    expect(agentDeviceSortHref(onPage4, "hostname")).toBe("/agents?dir=desc#enrolled-devices");
  });
});
