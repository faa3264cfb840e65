import type { NextConfig } from "next";
import { NON_PAGE_CONTENT_SECURITY_POLICY, STATIC_SECURITY_HEADERS } from "./lib/http/security-headers";

/** What proxy.ts does not see (its matcher): these get the policy that allows nothing, pages get a nonce policy there. */
const NON_PAGE_PATHS = ["/api/:path*", "/agent/:path*", "/_next/static/:path*", "/_next/image", "/icon.svg", "/favicon.ico"];

const nextConfig: NextConfig = {
  // Native and WASM-loading server packages stay outside the bundle.
  serverExternalPackages: ["exceljs", "better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg", "@azure/msal-node"],
  poweredByHeader: false,
  // Saving a Proxy diagnosis sends the files' reads back (at most 4 MB of JSON, lib/proxy/proxy-read-schema.ts;
  // decision 028); every other action's body is far below Next.js's default 1 MB.
  experimental: { serverActions: { bodySizeLimit: "6mb" } },
  typedRoutes: false,
  async headers() {
    return [
      { source: "/:path*", headers: Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })) },
      ...NON_PAGE_PATHS.map((source) => ({ source, headers: [{ key: "Content-Security-Policy", value: NON_PAGE_CONTENT_SECURITY_POLICY }] })),
    ];
  },
};

export default nextConfig;
