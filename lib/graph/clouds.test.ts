import { describe, expect, it } from "vitest";
import { checkCloudHosts, CLOUDS, resolveCloud } from "./clouds";

describe("checkCloudHosts", () => {
  it("allows every national cloud with no configured hosts", () => {
    for (const name of Object.keys(CLOUDS)) expect(checkCloudHosts(resolveCloud(name), [])).toEqual({ ok: true });
    expect(checkCloudHosts({ authorityHost: "LOGIN.microsoftonline.us:443", graphBaseUrl: "https://dod-graph.microsoft.us/" }, [])).toEqual({ ok: true });
  });

  it("refuses loopback, link-local and other hosts nobody listed", () => {
    for (const authorityHost of [
      "127.0.0.1:3443",
      "localhost",
      "169.254.169.254",
      "login.microsoftonline.com.evil.example",
      "login.microsoftonline.com:8443",
    ]) {
      const check = checkCloudHosts({ authorityHost, graphBaseUrl: "https://graph.microsoft.com" }, []);
      expect(check.ok, authorityHost).toBe(false);
      expect(check).toMatchObject({ field: "authorityHost", message: expect.stringContaining("JOINSCOPE_ALLOWED_CLOUD_HOSTS") });
    }
    expect(checkCloudHosts({ authorityHost: "login.microsoftonline.com", graphBaseUrl: "https://10.0.0.7:8443" }, [])).toMatchObject({
      ok: false,
      field: "graphBaseUrl",
      host: "10.0.0.7:8443",
    });
  });

  it("allows listed hosts: host:port for that port only, a bare host for any port", () => {
    const sim = { authorityHost: "127.0.0.1:3444", graphBaseUrl: "https://127.0.0.1:3444" };
    expect(checkCloudHosts(sim, ["127.0.0.1:3444"])).toEqual({ ok: true });
    expect(checkCloudHosts(sim, ["127.0.0.1"])).toEqual({ ok: true });
    expect(checkCloudHosts(sim, ["127.0.0.1:3445"]).ok).toBe(false);
    expect(checkCloudHosts({ authorityHost: "sim.lab", graphBaseUrl: "https://sim.lab:443/" }, ["sim.lab:443"])).toEqual({ ok: true });
  });
});
