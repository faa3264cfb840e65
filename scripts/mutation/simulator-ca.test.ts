import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { simulatorCaPath } from "./simulator-ca.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("simulatorCaPath (npm run test:mutation trusts the simulator's CA with it)", () => {
  it("finds the simulator where it lives and returns its CA certificate", () => {
    const path = simulatorCaPath(root);
    expect(existsSync(path), path).toBe(true);
    expect(readFileSync(path, "utf8")).toContain("-----BEGIN CERTIFICATE-----");
  });
});
