/**
 * What a connector trace entry or Admin event says, from its text (and event id). The phrases are .NET's exception
 * messages (System.Net.WebException, AuthenticationException, SocketException) and the Admin log's texts that
 * Microsoft's Application Proxy troubleshooting pages quote; docs/domain.md#application-proxy-diagnostics lists them.
 */
import type { ConnectorEventKind } from "./types";

const GUID = /\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?/i;
const TRANSACTION = /(?:transaction\s*id|transactionid|transaction)\s*[:=]?\s*\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
const URL_RE = /\b(?:https?|wss?):\/\/[^\s"'<>,;)\]]+/i;

/** Kerberos errors the troubleshooting page lists for the Admin log (12008, 13016, 13019, 13020, 13022). */
export const KERBEROS_EVENT_IDS = new Set([12008, 13016, 13019, 13020, 13022]);

export function findTransactionId(text: string): string | null {
  const m = TRANSACTION.exec(text);
  return m ? m[1]!.toLowerCase() : null;
}

export function findGuid(text: string): string | null {
  const m = GUID.exec(text);
  return m ? m[1]!.toLowerCase() : null;
}

export function findUrl(text: string): string | null {
  const m = URL_RE.exec(text);
  return m ? m[0].replace(/[.]+$/, "") : null;
}

export function classifyConnectorMessage(text: string, eventId: number | null): { kind: ConnectorEventKind; details: Record<string, string> } {
  const details: Record<string, string> = {};
  const subject = /(?:certificate\s+subject|subject)\s*[:=]\s*"?([^";\r\n]+?)"?(?:[;,]\s|\s*$|\r|\n)/i.exec(text);
  if (subject) details.certificateSubject = subject[1]!.trim();
  const san = /(?:subject alternative names?|SAN|DNS names?)\s*[:=]\s*"?([^";\r\n]+?)"?(?:;\s|\s*$|\r|\n)/i.exec(text);
  if (san) details.certificateNames = san[1]!.trim();
  const errors = /SslPolicyErrors?\s*[:=]\s*([A-Za-z, ]+)/i.exec(text);
  if (errors) details.sslPolicyErrors = errors[1]!.trim();
  const chain = /(?:chain\s*status|X509ChainStatusFlags?)\s*[:=]\s*([A-Za-z, ]+)/i.exec(text);
  if (chain) details.chainStatus = chain[1]!.trim();
  const notAfter = /(?:NotAfter|expired on|expires?)\s*[:=]?\s*(\d{4}-\d{2}-\d{2}[T ][\d:.]+Z?)/i.exec(text);
  if (notAfter) details.certificateNotAfter = notAfter[1]!;
  const host = /(?:requested host|target host|host name)\s*[:=]\s*"?([A-Za-z0-9.-]+)/i.exec(text);
  if (host) details.requestedHost = host[1]!;

  if (eventId !== null && KERBEROS_EVENT_IDS.has(eventId)) return { kind: "kerberos", details };
  if (
    /Could not establish trust relationship for the SSL\/TLS secure channel|remote certificate is invalid|RemoteCertificate(NameMismatch|ChainErrors|NotAvailable)|SSL\/TLS secure channel|AuthenticationException/i.test(
      text,
    )
  ) {
    if (/RemoteCertificateNameMismatch|name mismatch|does not match the (host|target)|CN_NO_MATCH/i.test(text)) return { kind: "tls-name-mismatch", details };
    if (/NotTimeValid|certificate has expired|expired/i.test(text)) return { kind: "tls-expired", details };
    if (/UntrustedRoot|PartialChain|not trusted|untrusted|RemoteCertificateChainErrors/i.test(text)) return { kind: "tls-untrusted-issuer", details };
    return { kind: "tls-failed", details };
  }
  if (/The remote name could not be resolved|No such host is known|NameResolutionFailure|DNS (lookup|resolution) failed/i.test(text))
    return { kind: "dns-failure", details };
  if (/WebSocket/i.test(text) && /fail|error|exception|refused|closed|aborted|not upgrade|upgrade (was )?rejected/i.test(text))
    return { kind: "websocket-failed", details };
  if (/actively refused|Unable to connect to the remote server|connection attempt failed|ConnectFailure|No route to host|network is unreachable/i.test(text)) {
    return { kind: "backend-unreachable", details };
  }
  if (/operation has timed out|timed out|Timeout(Exception)?\b|did not respond within/i.test(text)) return { kind: "backend-timeout", details };
  if (/failed to download the configuration/i.test(text)) return { kind: "config-download-failed", details };
  if (/unable to connect to the service|networking issues|ConnectorError:Unauthorized/i.test(text)) return { kind: "service-unreachable", details };
  return { kind: "other-error", details };
}
