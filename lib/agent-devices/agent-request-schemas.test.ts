import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EnrolmentRequestSchema, KeyRotationRequestSchema } from "./agent-request-schemas";
import { generateDeviceKey, isWellFormedDeviceKey, isWellFormedMachineKey } from "./device-key-format";

const machineKey = randomBytes(32).toString("base64url");

describe("the enrolment and key bodies (decision 011)", () => {
  it("accepts what the agent sends: a GUID as dsregcmd prints it (braces tolerated) is stored lower-case, null when not joined", () => {
    const body = { hostname: "PC-0142", deviceId: "{6E4CBE68-588B-499C-8C04-DCFFF140A1CA}", agentVersion: "2.0.0", machineKey };
    expect(EnrolmentRequestSchema.parse(body)).toEqual({ ...body, deviceId: "6e4cbe68-588b-499c-8c04-dcfff140a1ca" });
    expect(EnrolmentRequestSchema.parse({ ...body, deviceId: null }).deviceId).toBeNull();
    expect(KeyRotationRequestSchema.parse({ machineKey })).toEqual({ machineKey });
  });

  it.each([
    ["an unknown field", { password: "x" }],
    ["a machine key that is not 32 bytes of base64url", { machineKey: randomBytes(31).toString("base64url") }],
    ["a machine key with a character outside base64url", { machineKey: `${machineKey.slice(0, 42)}+` }],
    ["a hostname that is not a computer name", { hostname: "PC 01" }],
    ["a deviceId that is not a GUID", { deviceId: "6e4cbe68" }],
    ["an agent version with a control character", { agentVersion: "2.0\u0007.1" }],
  ])("refuses %s", (_, change) => {
    const body = { hostname: "PC-0142", deviceId: null, agentVersion: "2.0.0", machineKey, ...change };
    expect(EnrolmentRequestSchema.safeParse(body).success).toBe(false);
  });

  it("tells device keys from agent tokens and machine keys by their form", () => {
    const key = generateDeviceKey();
    expect(isWellFormedDeviceKey(key)).toBe(true);
    expect(isWellFormedDeviceKey(`jsa_${key.slice(4)}`)).toBe(false);
    expect(isWellFormedMachineKey(key.slice(4))).toBe(true);
    expect(isWellFormedMachineKey(key)).toBe(false);
  });
});
