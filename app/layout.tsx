import type { Metadata, Viewport } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { parseTheme, THEME_COOKIE, themeClass } from "@/lib/display/theme";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "JoinScope", template: "%s · JoinScope" },
  description: "Why does Conditional Access say “Device State: Unregistered”? dsregcmd reports compared with Entra ID device objects.",
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f8fafc" },
    { media: "(prefers-color-scheme: dark)", color: "#020617" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The theme class is rendered by the server from the cookie, so the first paint already has the right colours.
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" className={themeClass(theme)} data-theme={theme}>
      <body className="min-h-dvh font-sans text-sm">{children}</body>
    </html>
  );
}
