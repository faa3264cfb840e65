import { describe, expect, it } from "vitest";
import { adminPortalLinks } from "./admin-portal-links";

const base = {
  cloud: "global",
  tenantId: "9B4A1A97-6A87-46A9-9671-F9A62BDD307B",
  objectId: "6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e02",
  deviceId: "74df6508-0658-4bb8-a70f-6f79c11fb95c",
  userPrincipalName: "anna.berg@contoso.com",
};

describe("adminPortalLinks", () => {
  it("links the Entra device blade, Intune's device list and the user's sign-in log in the device's tenant", () => {
    expect(adminPortalLinks(base).map((l) => l.href)).toEqual([
      "https://entra.microsoft.com/9b4a1a97-6a87-46a9-9671-f9a62bdd307b/#view/Microsoft_AAD_Devices/DeviceDetailsMenuBlade/~/Properties/objectId/6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e02/deviceId/74df6508-0658-4bb8-a70f-6f79c11fb95c",
      "https://intune.microsoft.com/9b4a1a97-6a87-46a9-9671-f9a62bdd307b/#view/Microsoft_Intune_DeviceSettings/DevicesMenu/~/mDMDevicesPreview",
      "https://entra.microsoft.com/9b4a1a97-6a87-46a9-9671-f9a62bdd307b/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/SignIns/userId/anna.berg%40contoso.com",
    ]);
  });

  it("leaves out what it cannot address: no object, no user, a malformed id, a national cloud", () => {
    expect(adminPortalLinks({ ...base, objectId: null, userPrincipalName: null }).map((l) => l.label)).toEqual(["Intune devices"]);
    expect(adminPortalLinks({ ...base, objectId: "x'><script>" }).map((l) => l.label)).toEqual(["Intune devices", "User's sign-in log"]);
    expect(adminPortalLinks({ ...base, userPrincipalName: "not a upn" }).map((l) => l.label)).toEqual(["Entra admin center", "Intune devices"]);
    expect(adminPortalLinks({ ...base, deviceId: null })[0]!.href).toMatch(/objectId\/6f1c2a9e-4b7d-4e21-9a3f-1d2c3b4a5e02$/);
    expect(adminPortalLinks({ ...base, cloud: "usgov" })).toEqual([]);
  });
});
