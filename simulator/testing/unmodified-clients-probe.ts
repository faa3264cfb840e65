/**
 * Child-process probe for unmodified-clients.test.ts: MSAL Node and the Graph client with their
 * default HTTP stacks, trusting the simulator only through NODE_EXTRA_CA_CERTS. This is exactly
 * what lib/graph will do in the demo. Prints one JSON line.
 */
import { ConfidentialClientApplication } from "@azure/msal-node";
import { Client } from "@microsoft/microsoft-graph-client";

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const graphBase = env("SIM_GRAPH_BASE_URL");
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: env("SIM_CLIENT_ID"),
      clientSecret: env("SIM_CLIENT_SECRET"),
      authority: env("SIM_AUTHORITY"),
      // Without this MSAL asks login.microsoftonline.com for instance discovery and rejects the host.
      knownAuthorities: [new URL(env("SIM_AUTHORITY")).host],
    },
  });
  const result = await msal.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
  if (!result) throw new Error("no token");
  const client = Client.init({
    baseUrl: `${graphBase}/`,
    customHosts: new Set([new URL(graphBase).hostname]),
    authProvider: (done) => done(null, result.accessToken),
  });
  let page = await client.api("/devices").select(["id", "deviceId"]).top(999).get();
  let count = page.value.length;
  while (page["@odata.nextLink"]) {
    page = await client.api(page["@odata.nextLink"]).get();
    count += page.value.length;
  }
  process.stdout.write(`${JSON.stringify({ ok: true, count, tokenType: result.tokenType })}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })}\n`);
  process.exitCode = 1;
});
