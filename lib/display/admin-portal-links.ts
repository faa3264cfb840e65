/**
 * Links out of a device page to Microsoft's admin centers, opened in the device's tenant (the tenant id after the host
 * selects the directory, as the portals' own "copy link" does). The blades' addresses, as Microsoft's portals and
 * the admin tools that link into them use them (docs/domain.md, "Links to the admin centers"):
 * - the Entra admin center's device: `#view/Microsoft_AAD_Devices/DeviceDetailsMenuBlade/~/Properties/objectId/<objectId>/deviceId/<deviceId>`;
 * - Intune's device list, `#view/Microsoft_Intune_DeviceSettings/DevicesMenu/~/mDMDevicesPreview` (a device's own Intune
 *   blade needs the Intune managed-device id, which the Entra device object does not hold, so the list is where to search);
 * - a user's sign-in log: `#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/SignIns/userId/<user>`.
 * The commercial cloud's admin centers only: the national clouds' portals live on other hosts, and no link is better
 * than a wrong one.
 */

export interface AdminPortalLink {
  label: string;
  href: string;
  /** What the link opens, for its title. */
  what: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UPN = /^[^\s@/#?]{1,113}@[A-Za-z0-9.-]{1,255}$/;

export function adminPortalLinks(input: {
  cloud: string;
  tenantId: string;
  objectId: string | null;
  deviceId: string | null;
  userPrincipalName: string | null;
}): AdminPortalLink[] {
  if (input.cloud !== "global" || !GUID.test(input.tenantId)) return [];
  const tenant = input.tenantId.toLowerCase();
  const links: AdminPortalLink[] = [];
  if (input.objectId && GUID.test(input.objectId)) {
    const device = `objectId/${input.objectId.toLowerCase()}${input.deviceId && GUID.test(input.deviceId) ? `/deviceId/${input.deviceId.toLowerCase()}` : ""}`;
    links.push({
      label: "Entra admin center",
      href: `https://entra.microsoft.com/${tenant}/#view/Microsoft_AAD_Devices/DeviceDetailsMenuBlade/~/Properties/${device}`,
      what: "The device object in the Microsoft Entra admin center",
    });
  }
  links.push({
    label: "Intune devices",
    href: `https://intune.microsoft.com/${tenant}/#view/Microsoft_Intune_DeviceSettings/DevicesMenu/~/mDMDevicesPreview`,
    what: "Intune's device list (search it for the device's name)",
  });
  if (input.userPrincipalName && UPN.test(input.userPrincipalName)) {
    links.push({
      label: "User's sign-in log",
      href: `https://entra.microsoft.com/${tenant}/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/SignIns/userId/${encodeURIComponent(input.userPrincipalName)}`,
      what: `${input.userPrincipalName}'s sign-ins in the Microsoft Entra admin center`,
    });
  }
  return links;
}
