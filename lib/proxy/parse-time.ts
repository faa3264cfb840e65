const ISO = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,7}))?\s*(Z|[+-]\d{2}:?\d{2})?/;
const US = /(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: ?(AM|PM))?/i;

/** The first timestamp in the text, as epoch ms: ISO 8601 (no zone means UTC) or Event Viewer's "M/D/YYYY h:mm:ss AM". */
export function findTime(text: string): number | null {
  const m = ISO.exec(text);
  if (m) {
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
    let t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms);
    const zone = m[8];
    if (zone && zone !== "Z") {
      const sign = zone.startsWith("-") ? -1 : 1;
      const digits = zone.slice(1).replace(":", "");
      t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return Number.isFinite(t) ? t : null;
  }
  const u = US.exec(text);
  if (u) {
    let hour = +u[4]!;
    const ampm = u[7]?.toUpperCase();
    if (ampm === "PM" && hour < 12) hour += 12;
    if (ampm === "AM" && hour === 12) hour = 0;
    const t = Date.UTC(+u[3]!, +u[1]! - 1, +u[2]!, hour, +u[5]!, +u[6]!);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

export function iso(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}
