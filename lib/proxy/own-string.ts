/**
 * Strings the parsers keep must not keep the file alive. V8 makes a substring, a regular expression's capture or a
 * part of `split` of 13 characters or more a view into the string it was cut from (a "sliced string"), and returns
 * an unchanged string from `toLowerCase`, `trim` or a `replace` that matched nothing as the same view. One kept view
 * keeps the whole decoded chunk it points into alive, so before this, 4,401 one-line connector errors of a 100 MB
 * trace kept every chunk of the file: 208 MB of heap after the parse (bench/RESULTS.md, issue 21).
 */

/** The shortest string V8 makes a view of; shorter substrings are copies already. */
const SLICED_STRING_MIN_LENGTH = 13;

/**
 * `s`, at most its first `max` characters, as a string of its own: holding it keeps nothing else alive. The copy is
 * made by flattening a concatenation (`" " + s` is a rope over `s`; cutting a rope writes it out into a new string),
 * so it costs one copy of the kept characters, and only kept strings (a few thousand a file) go through it.
 */
export function ownString(s: string, max = Number.POSITIVE_INFINITY): string {
  const kept = s.length > max ? s.slice(0, max) : s;
  if (kept.length < SLICED_STRING_MIN_LENGTH) return kept;
  return ` ${kept}`.slice(1);
}

/** ownString for a value that may be null. */
export function ownStringOrNull(s: string | null, max = Number.POSITIVE_INFINITY): string | null {
  return s === null ? null : ownString(s, max);
}
