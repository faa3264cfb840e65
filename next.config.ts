import type { NextConfig } from "next";
import { NON_PAGE_CONTENT_SECURITY_POLICY, STATIC_SECURITY_HEADERS } from "./lib/http/security-headers";

/** What proxy.ts does not see (its matcher): these get the policy that allows nothing, pages get a nonce policy there. */
const NON_PAGE_PATHS = ["/api/:path*", "/agent/:path*", "/_next/static/:path*", "/_next/image", "/icon.svg", "/favicon.ico"];

const nextConfig: NextConfig = {
  // Native and WASM-loading server packages stay outside the bundle.
  serverExternalPackages: ["exceljs", "better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg", "@azure/msal-node"],
  poweredByHeader: false,
  // Server actions keep Next.js's default body bound (1 MB), which Next.js reads before an action's own session check:
  // the one upload of megabytes from a page, saving a Proxy diagnosis, is an API route that checks first
  // (app/api/v1/proxy/diagnoses/route.ts).
  typedRoutes: false,
  async headers() {
    return [
      { source: "/:path*", headers: Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })) },
      ...NON_PAGE_PATHS.map((source) => ({ source, headers: [{ key: "Content-Security-Policy", value: NON_PAGE_CONTENT_SECURITY_POLICY }] })),
    ];
  },
};

export default nextConfig;
