/**
 * Entra Connect's domain/OU filtering, as JoinScope models it (docs/domain.md, "Deleted, disabled and out-of-scope objects"): per forest, the
 * container DNs that are synced (include) and the ones carved out of them (exclude). A computer is in
 * scope when the longest container that is a suffix of its DN is an include. Attribute filtering is
 * not modelled.
 */
export interface SyncScopeForest {
  /** DNS name (`corp.contoso.com`) or DN (`DC=corp,DC=contoso,DC=com`) of the forest. */
  name: string;
  include: string[];
  exclude: string[];
}

export interface SyncScope {
  forests: SyncScopeForest[];
}

export interface ScopeContainer {
  kind: "include" | "exclude";
  /** As configured. */
  container: string;
  forest: string;
}

export interface ScopeDecision {
  dn: string;
  inScope: boolean;
  /**
   * The configured forest the DN belongs to (by its DC= components or a matching container), or null
   * when it belongs to none: then JoinScope cannot say whether Connect syncs it.
   */
  forest: string | null;
  /** The longest configured container that is a suffix of the DN; exclude wins a tie. */
  matched: ScopeContainer | null;
  /** Out of scope in a known forest: the include sharing the longest suffix with the DN (where the computer probably belongs). */
  nearestInclude: ScopeContainer | null;
  /** One sentence for evidence and explanations. */
  summary: string;
}

/** True when at least one forest has an include: an empty scope means "not configured". */
export function isSyncScopeConfigured(scope: SyncScope | null | undefined): scope is SyncScope {
  return !!scope && scope.forests.some((forest) => forest.include.some((dn) => splitDn(dn).length > 0));
}

/** Splits a DN into normalised RDNs (`ou=workstations`), honouring `\,` escapes; spaces around `,` and `=` are dropped. */
export function splitDn(dn: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < dn.length; i++) {
    const char = dn[i]!;
    if (char === "\\" && i + 1 < dn.length) {
      current += char + dn[i + 1];
      i++;
    } else if (char === "," || char === ";") {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts
    .map((rdn) => {
      const eq = rdn.indexOf("=");
      if (eq === -1) return rdn.trim().toLowerCase();
      return `${rdn.slice(0, eq).trim().toLowerCase()}=${rdn
        .slice(eq + 1)
        .trim()
        .replace(/\s+/g, " ")
        .toLowerCase()}`;
    })
    .filter((rdn) => rdn !== "");
}

/** `CN=PC-01, OU=Laptops ,DC=corp` → `cn=pc-01,ou=laptops,dc=corp`. */
export function normalizeDn(dn: string): string {
  return splitDn(dn).join(",");
}

function isSuffix(suffix: readonly string[], of: readonly string[]): boolean {
  if (suffix.length === 0 || suffix.length > of.length) return false;
  const offset = of.length - suffix.length;
  return suffix.every((rdn, i) => rdn === of[offset + i]);
}

function commonSuffixLength(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function domainRdns(rdns: readonly string[]): string[] {
  let start = rdns.length;
  while (start > 0 && rdns[start - 1]!.startsWith("dc=")) start--;
  return rdns.slice(start);
}

function forestDomain(name: string): string[] {
  return name.includes("=")
    ? domainRdns(splitDn(name))
    : name
        .trim()
        .toLowerCase()
        .split(".")
        .filter((label) => label !== "")
        .map((label) => `dc=${label}`);
}

interface Candidate extends ScopeContainer {
  rdns: string[];
}

function containers(scope: SyncScope): Candidate[] {
  return scope.forests
    .flatMap((forest) => [
      ...forest.include.map((container) => ({ kind: "include" as const, container, forest: forest.name, rdns: splitDn(container) })),
      ...forest.exclude.map((container) => ({ kind: "exclude" as const, container, forest: forest.name, rdns: splitDn(container) })),
    ])
    .filter((candidate) => candidate.rdns.length > 0);
}

/** Longer first; exclude before include at the same length; then by text so the choice is deterministic. */
function compareCandidates(a: Candidate, b: Candidate, lengthA: number, lengthB: number): number {
  if (lengthA !== lengthB) return lengthB - lengthA;
  if (a.kind !== b.kind) return a.kind === "exclude" ? -1 : 1;
  const left = a.rdns.join(",");
  const right = b.rdns.join(",");
  return left < right ? -1 : left > right ? 1 : 0;
}

function strip({ kind, container, forest }: Candidate): ScopeContainer {
  return { kind, container, forest };
}

/** Which configured container decides whether Connect syncs the computer at `dn`, and why. */
export function describeScopeDecision(dn: string, scope: SyncScope): ScopeDecision {
  const rdns = splitDn(dn);
  const all = containers(scope);
  const matching = all.filter((candidate) => isSuffix(candidate.rdns, rdns)).sort((a, b) => compareCandidates(a, b, a.rdns.length, b.rdns.length));
  const matched = matching[0] ?? null;

  const domain = domainRdns(rdns);
  const forest =
    matched?.forest ??
    scope.forests.find((candidate) => {
      const domains = [forestDomain(candidate.name), ...[...candidate.include, ...candidate.exclude].map((c) => domainRdns(splitDn(c)))];
      return domains.some((suffix) => suffix.length > 0 && isSuffix(suffix, domain));
    })?.name ??
    null;

  const inScope = matched?.kind === "include";
  const nearest =
    inScope || forest === null
      ? null
      : (all
          .filter((candidate) => candidate.kind === "include" && candidate.forest === forest)
          .map((candidate) => ({ candidate, shared: commonSuffixLength(candidate.rdns, rdns) }))
          .filter(({ shared }) => shared > 0)
          .sort((a, b) => compareCandidates(a.candidate, b.candidate, a.shared, b.shared))[0]?.candidate ?? null);

  let summary: string;
  if (matched?.kind === "include") summary = `In scope: under the synced container ${matched.container}.`;
  else if (matched) summary = `Out of scope: under the excluded container ${matched.container}, which overrides the shorter include above it.`;
  else if (forest)
    summary = `Out of scope: under no synced container of forest ${forest}${nearest ? ` (nearest synced container: ${nearest.container})` : ""}.`;
  else summary = "Unknown: the DN belongs to no forest in the configured sync scope.";

  return { dn, inScope, forest, matched: matched ? strip(matched) : null, nearestInclude: nearest ? strip(nearest) : null, summary };
}

/** docs/domain.md, "Deleted, disabled and out-of-scope objects": in scope when the longest matching container is an include (case-insensitive, spaces normalised). */
export function isDnInScope(dn: string, scope: SyncScope): boolean {
  return describeScopeDecision(dn, scope).inScope;
}
