import type { HttpExchange } from "./types";

export const BODY_SNIPPET_CHARS = 4 * 1024;

/** Header list to a map of lower-cased names (repeated headers joined as HTTP joins them). */
export function headerMap(list: readonly { name: string; value: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of list) {
    const k = name.toLowerCase();
    out[k] = out[k] === undefined ? value : `${out[k]}, ${value}`;
  }
  return out;
}

/** True for a WebSocket upgrade request (Upgrade: websocket, or a ws:/wss: URL as browsers' HARs write it). */
export function isUpgrade(x: HttpExchange): boolean {
  return /websocket/i.test(x.requestHeaders.upgrade ?? "") || /^wss?:/i.test(x.url);
}
