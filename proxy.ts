import { NextResponse, type NextRequest } from "next/server";

// Kept literal (not imported) so the proxy bundle stays free of server-only modules.
const SESSION_COOKIE = "joinscope_session";
const REQUESTED_PATH_HEADER = "x-joinscope-path";

/**
 * A cheap first gate for dashboard pages: no session cookie → straight to /login. The real check
 * (session exists and is unexpired) is requireAdmin() in the dashboard layout and in every server action.
 * API routes are excluded by the matcher: agents authenticate with bearer tokens.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (pathname === "/login") return NextResponse.next();
  if (!request.cookies.get(SESSION_COOKIE)?.value) {
    const url = request.nextUrl.clone();
    url.pathname = "/login";
    url.search = pathname === "/" ? "" : `?next=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }
  const forwarded = new Headers(request.headers);
  forwarded.set(REQUESTED_PATH_HEADER, pathname + search);
  return NextResponse.next({ request: { headers: forwarded } });
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|icon.svg|favicon.ico|agent/).*)"],
};
