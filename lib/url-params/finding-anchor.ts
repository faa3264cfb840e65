/** The id of a finding's card on its device page (one finding per rule and device). */
export function findingAnchor(rule: string): string {
  return `finding-${rule}`;
}

/** A link that opens the device page at that finding's card (the path is deviceHref's, without its server-only module). */
export function findingHref(subjectKey: string, rule: string): string {
  return `/devices/${encodeURIComponent(subjectKey)}#${findingAnchor(rule)}`;
}
