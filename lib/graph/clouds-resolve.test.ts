import { describe, expect, it } from "vitest";
import { checkCloudHosts, CLOUD_NAMES, NATIONAL_CLOUD_HOSTS, resolveCloud } from "./clouds";

describe("resolveCloud", () => {
  it("gives each national cloud's login host and Graph base URL", () => {
    expect(resolveCloud("global")).toEqual({ authorityHost: "login.microsoftonline.com", graphBaseUrl: "https://graph.microsoft.com" });
    expect(resolveCloud("usgov")).toEqual({ authorityHost: "login.microsoftonline.us", graphBaseUrl: "https://graph.microsoft.us" });
    expect(resolveCloud("usgovdod")).toEqual({ authorityHost: "login.microsoftonline.us", graphBaseUrl: "https://dod-graph.microsoft.us" });
    expect(resolveCloud("china")).toEqual({ authorityHost: "login.chinacloudapi.cn", graphBaseUrl: "https://microsoftgraph.chinacloudapi.cn" });
  });

  it("takes a custom cloud's hosts as given, without the Graph base URL's trailing slashes", () => {
    expect(resolveCloud("custom", { authorityHost: "127.0.0.1:3444", graphBaseUrl: "https://127.0.0.1:3444//" })).toEqual({
      authorityHost: "127.0.0.1:3444",
      graphBaseUrl: "https://127.0.0.1:3444",
    });
    expect(resolveCloud("custom", { authorityHost: "sim.lab", graphBaseUrl: "https://sim.lab/graph" }).graphBaseUrl).toBe("https://sim.lab/graph");
  });

  it("refuses a custom cloud without both hosts, and a cloud it does not know", () => {
    const both = "A custom cloud needs both an authority host and a Graph base URL";
    expect(() => resolveCloud("custom")).toThrow(both);
    expect(() => resolveCloud("custom", { authorityHost: "sim.lab" })).toThrow(both);
    expect(() => resolveCloud("custom", { graphBaseUrl: "https://sim.lab" })).toThrow(both);
    expect(() => resolveCloud("custom", { authorityHost: "", graphBaseUrl: "https://sim.lab" })).toThrow(both);
    expect(() => resolveCloud("germany")).toThrow('Unknown cloud "germany"');
    // Not Object.prototype's members either (a stored row is read as a string).
    for (const name of ["toString", "__proto__", "constructor", "hasOwnProperty"]) expect(() => resolveCloud(name)).toThrow(`Unknown cloud "${name}"`);
  });

  it("names the national clouds and custom", () => {
    expect(CLOUD_NAMES).toEqual(["global", "usgov", "usgovdod", "china", "custom"]);
    expect([...NATIONAL_CLOUD_HOSTS].sort()).toEqual([
      "dod-graph.microsoft.us",
      "graph.microsoft.com",
      "graph.microsoft.us",
      "login.chinacloudapi.cn",
      "login.microsoftonline.com",
      "login.microsoftonline.us",
      "microsoftgraph.chinacloudapi.cn",
    ]);
  });
});

describe("checkCloudHosts' list", () => {
  const sim = (authorityHost: string, graphBaseUrl = "https://graph.microsoft.com") => ({ authorityHost, graphBaseUrl });

  it("reads listed hosts in any case, with spaces around them, and :443 as no port", () => {
    expect(checkCloudHosts(sim("sim.lab"), [" SIM.Lab "])).toEqual({ ok: true });
    expect(checkCloudHosts(sim("sim.lab"), ["sim.lab:443"])).toEqual({ ok: true });
    expect(checkCloudHosts(sim(" Sim.LAB:443 "), ["sim.lab"])).toEqual({ ok: true });
  });

  it("matches whole host names only, and a listed port only on that port", () => {
    expect(checkCloudHosts(sim("sim.lab:8443"), ["sim.lab"])).toEqual({ ok: true });
    expect(checkCloudHosts(sim("sim.lab"), ["sim.lab:8443"]).ok).toBe(false);
    expect(checkCloudHosts(sim("sim.lab:9443"), ["sim.lab:8443"]).ok).toBe(false);
    expect(checkCloudHosts(sim("evil.sim.lab"), ["sim.lab"]).ok).toBe(false);
    expect(checkCloudHosts(sim("sim.lab.evil"), ["sim.lab"]).ok).toBe(false);
    expect(checkCloudHosts(sim("sim.lab"), []).ok).toBe(false);
    // A listed host:port is that host on that port, not a prefix: a second port after it is another host.
    expect(checkCloudHosts(sim("sim.lab:8443:9443"), ["sim.lab:8443"]).ok).toBe(false);
    // Only a trailing port is a port: 4430 is not 443 with a 0 after it, and ":8443" inside a name is part of the name.
    expect(checkCloudHosts(sim("sim.lab:4430"), ["sim.lab"])).toEqual({ ok: true });
    expect(checkCloudHosts(sim("sim.lab:4431"), ["other.lab"])).toMatchObject({ ok: false, host: "sim.lab:4431" });
    expect(checkCloudHosts(sim("sim.lab:8443.evil"), ["sim.lab.evil"]).ok).toBe(false);
  });

  it("says which host of which field is refused, in lower case", () => {
    expect(checkCloudHosts(sim("Sim.Lab:8443"), ["other.lab"])).toEqual({
      ok: false,
      field: "authorityHost",
      host: "sim.lab:8443",
      message:
        "The authority host sim.lab:8443 is not allowed: a custom cloud may use a national cloud's hosts, or a host the server's JOINSCOPE_ALLOWED_CLOUD_HOSTS setting lists",
    });
    expect(checkCloudHosts(sim("login.microsoftonline.com", "https://Graph.Sim.Lab:8443/v1.0"), ["other.lab"])).toEqual({
      ok: false,
      field: "graphBaseUrl",
      host: "graph.sim.lab:8443",
      message:
        "The Graph base URL's host graph.sim.lab:8443 is not allowed: a custom cloud may use a national cloud's hosts, or a host the server's JOINSCOPE_ALLOWED_CLOUD_HOSTS setting lists",
    });
    expect(checkCloudHosts(sim("login.microsoftonline.com", "graph.sim.lab"), ["graph.sim.lab"])).toEqual({
      ok: false,
      field: "graphBaseUrl",
      host: "graph.sim.lab",
      message: "The Graph base URL graph.sim.lab is not a URL",
    });
  });
});
