/** Shared by the seed (server side) and the tests (Playwright side); no server imports here. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATABASE_URL = "file:./data/e2e.db";
export const E2E_ADMIN = { email: "e2e-admin@joinscope.test", name: "Erin Adams", password: "correct horse battery staple" } as const;
/** The tenant the Contoso fixtures in lib/reports/fixtures are joined to. */
export const E2E_TENANT = { tenantId: "9b4a1a97-6a87-46a9-9671-f9a62bdd307b", name: "Contoso" } as const;
export const SESSION_COOKIE = "joinscope_session";

/** The simulator's tenants (e2e/simulator.ts); scripts/e2e-server.mjs writes this to E2E_SIMULATOR_FILE for the tests. */
export interface E2eSimulatorInfo {
  authorityHost: string;
  graphBaseUrl: string;
  caPath: string;
  sync: { tenantId: string; clientId: string; clientSecret: string; devices: number };
  settings: { tenantId: string; clientId: string; clientSecret: string; devices: number };
  /**
   * The Sign-ins tests' tenant: the seed syncs it, uploads its machines' reports (regenerated from `seed`, `machines`
   * and `now`: `devices` counts directory objects, which differ) and pulls its sign-in log.
   */
  signins: { tenantId: string; clientId: string; clientSecret: string; devices: number; seed: number; machines: number; now: string };
  /** JoinScope's own app registration for Sign in with Microsoft (simulator/sign-in-app.ts) and its users. */
  signIn: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    operatorsGroupId: string;
    helpdeskGroupId: string;
    users: { upn: string; name: string }[];
  };
}
export const E2E_SIMULATOR_FILE = "data/e2e-simulator.json";
/** Seeded with the simulator's app registration: the Sync tests sync it. */
export const E2E_SYNC_TENANT_NAME = "Fabrikam (simulator)";
/** Seeded synced, with its agents' reports and its blocked sign-ins pulled: the Sign-ins tests read it. */
export const E2E_SIGNINS_TENANT_NAME = "Litware (simulator)";
/** Seeded without an app registration: the Settings tests enter it through the form. */
export const E2E_SETTINGS_TENANT_NAME = "Northwind (simulator)";
/** Seeded with three directory objects, one named like a spreadsheet formula: the export tests download its Devices. */
export const E2E_EXPORT_TENANT = { tenantId: "4d3c2b1a-5e6f-4a7b-8c9d-0e1f2a3b4c5d", name: "Woodgrove (exports)" } as const;
export const E2E_FORMULA_DEVICE_NAME = '=HYPERLINK("http://attacker.example/","Open")';
