import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDsregcmd } from "@/lib/reports/parse-dsregcmd";
import type { ParsedDsregcmd } from "@/lib/reports/types";
import { namedDeviceId, tiedDeviceId } from "./machine-tie";

const fixture = (name: string): ParsedDsregcmd => {
  const result = parseDsregcmd(readFileSync(join(process.cwd(), "lib/reports/fixtures", name), "utf8"));
  if (!result.ok) throw new Error(name);
  return result.report;
};

describe("namedDeviceId", () => {
  it("reads the registration id the join error's server message names, lower case", () => {
    expect(namedDeviceId(fixture("win10-1803-hybrid-prejoin.txt"), null)).toBe("11bab24e-ebf0-4236-8e87-4015e0b0ba04");
  });

  it("finds it in the SYSTEM capture when the user's has none, and is null without one", () => {
    const prejoin = fixture("win10-1803-hybrid-prejoin.txt");
    const healthy = fixture("win11-23h2-hybrid.txt");
    expect(namedDeviceId(healthy, prejoin)).toBe("11bab24e-ebf0-4236-8e87-4015e0b0ba04");
    expect(namedDeviceId(healthy, null)).toBeNull();
  });
});

describe("tiedDeviceId", () => {
  const id = "11bab24e-ebf0-4236-8e87-4015e0b0ba04";
  it("ties a host to the object of the named id that carries its name (short, any case)", () => {
    expect(tiedDeviceId("PC-0142.corp.contoso.com", [id, null], [{ deviceId: id, displayName: "pc-0142" }])).toBe(id);
  });

  it("does not tie to an object of another name, nor without an object, nor without a candidate", () => {
    expect(tiedDeviceId("PC-0142", [id], [{ deviceId: id, displayName: "PC-0999" }])).toBeNull();
    expect(tiedDeviceId("PC-0142", [id], [])).toBeNull();
    expect(tiedDeviceId("PC-0142", [null, null], [{ deviceId: id, displayName: "PC-0142" }])).toBeNull();
    // An object of the host's name holding another id than the candidates.
    expect(tiedDeviceId("PC-0142", [id], [{ deviceId: "33333333-3333-4333-8333-333333333333", displayName: "PC-0142" }])).toBeNull();
  });

  it("never ties a report without a host name, even to an object without a name", () => {
    expect(tiedDeviceId("", [id], [{ deviceId: id, displayName: null }])).toBeNull();
    expect(tiedDeviceId(" . ", [id], [{ deviceId: id, displayName: "" }])).toBeNull();
  });

  it("takes the first candidate that ties: the server message's id before the objectGUID", () => {
    const guid = "22222222-2222-4222-8222-222222222222";
    const objects = [
      { deviceId: id, displayName: "PC-0142" },
      { deviceId: guid, displayName: "PC-0142" },
    ];
    expect(tiedDeviceId("PC-0142", [id, guid], objects)).toBe(id);
    expect(tiedDeviceId("PC-0142", [null, guid], objects)).toBe(guid);
  });
});
