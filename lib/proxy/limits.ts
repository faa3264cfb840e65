/** How much of a file the parsers keep for pairing (pure constants: the Proxy page's bundle imports them). */

/** Connector entries kept for pairing; a trace with more errors than this is summarised by its count. */
export const MAX_KEPT_CONNECTOR_EVENTS = 5_000;
/** Exchanges kept for pairing: every failing one up to this many, and none of the healthy ones. */
export const MAX_KEPT_EXCHANGES = 5_000;
