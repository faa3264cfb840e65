/**
 * Never a real host: `next` is resolved against it only to see whether it stays on the same origin, whatever
 * host the dashboard is served on.
 */
const PROBE_ORIGIN = "https://joinscope.invalid";
const MAX_LENGTH = 2048;
/** C0 controls, DEL and backslashes: the WHATWG URL parser drops tabs and newlines and reads `\` as `/`, so
 * `/\t/evil.example` and `/\evil.example` become `//evil.example` in the browser (https://url.spec.whatwg.org/#concept-basic-url-parser). */
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f\\]/;

/**
 * Where to send an admin after login: a path on this site, or "/". OWASP's Unvalidated Redirects cheat sheet
 * (https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html) asks for
 * an allow-list; the list here is "parses back to this origin". The value is checked as given and once
 * percent-decoded (a proxy or framework that decodes it once must not turn `/%2F%2Fevil` into `//evil`), and
 * the path returned is the parser's normalised one, so `/.//evil` cannot come back as `//evil`.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || next.length > MAX_LENGTH || !next.startsWith("/")) return "/";
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return "/";
  }
  if (UNSAFE_CHARACTERS.test(next) || UNSAFE_CHARACTERS.test(decoded)) return "/";
  const normalised = sameOriginPath(next);
  if (normalised === null || sameOriginPath(decoded) === null) return "/";
  return normalised;
}

/** The path+search+hash `value` resolves to on PROBE_ORIGIN, or null when it leaves it or starts with `//`. */
function sameOriginPath(value: string): string | null {
  if (value.startsWith("//")) return null;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PROBE_ORIGIN) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("//") ? null : path;
}
