/**
 * Turns the bytes of a saved `dsregcmd /status` capture into text.
 *
 * How the file was written decides the encoding (docs/domain.md, *Reading `dsregcmd /status`*): `>` in Windows PowerShell 5.1
 * writes UTF-16LE with a BOM, cmd writes the OEM code page, PowerShell 7 writes UTF-8. Agents and
 * paste boxes may also hand us UTF-16 without a BOM. See
 * https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_character_encoding
 */

export type DecodeErrorCode = "empty" | "binary";

export type DecodeResult =
  | { ok: true; text: string }
  | { ok: false; error: { code: DecodeErrorCode; message: string } };

/** How many leading bytes the UTF-16-without-BOM sniffing looks at. */
const SNIFF_BYTES = 4096;

const utf8Fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// WHATWG maps "latin1" to windows-1252; close enough to the OEM code pages for the ASCII keys we need.
const windows1252 = new TextDecoder("windows-1252");
const utf16le = new TextDecoder("utf-16le", { ignoreBOM: true });
const utf16be = new TextDecoder("utf-16be", { ignoreBOM: true });

const EMPTY = {
  ok: false as const,
  error: { code: "empty" as const, message: "The report is empty: it contains no text." },
};

function binaryError(detail: string): DecodeResult {
  return {
    ok: false,
    error: {
      code: "binary",
      message: `The report is not text (${detail}). Upload the text output of dsregcmd /status, not a binary file.`,
    },
  };
}

/** Decodes a report and normalises line endings (CRLF, CR CR LF, lone CR) to LF. Never throws. */
export function decodeReportText(input: Uint8Array | string): DecodeResult {
  const result = decodeReportTextKeepingLineEndings(input);
  if (!result.ok || result.text.indexOf("\r") === -1) return result;
  // CRLF, lone CR, and CR CR LF (CRLF text written again through a text-mode stream).
  return { ok: true, text: result.text.replace(/\r\r?\n|\r/g, "\n") };
}

/**
 * Like decodeReportText but leaves CR characters in place, for callers that split lines
 * themselves and want to skip a pass over the text.
 */
export function decodeReportTextKeepingLineEndings(
  input: Uint8Array | string,
  options: { checkControlCharacters?: boolean } = {},
): DecodeResult {
  let text: string;
  let fromUtf16 = false;
  if (typeof input === "string") {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    const bytes = input;
    const n = bytes.length;
    if (n === 0) return EMPTY;
    const b0 = bytes[0];
    const b1 = bytes[1];
    if (n >= 2 && b0 === 0xff && b1 === 0xfe) {
      text = utf16le.decode(bytes.subarray(2));
      fromUtf16 = true;
    } else if (n >= 2 && b0 === 0xfe && b1 === 0xff) {
      text = utf16be.decode(bytes.subarray(2));
      fromUtf16 = true;
    } else if (n >= 3 && b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) {
      text = decodeUtf8OrLegacy(bytes.subarray(3));
    } else {
      text = decodeUtf8OrLegacy(bytes);
      // NUL bytes decode to U+0000 in both UTF-8 and the fallback; searching the string is
      // cheaper than the bytes, and only then is the UTF-16 pattern worth sniffing.
      if (text.indexOf("\0") !== -1) {
        const guess = sniffUtf16(bytes);
        if (guess === "le") {
          text = utf16le.decode(bytes);
          fromUtf16 = true;
        } else if (guess === "be") {
          text = utf16be.decode(bytes);
          fromUtf16 = true;
        } else {
          return binaryError("it contains NUL bytes that are not UTF-16 text");
        }
      }
    }
  }

  if (text.indexOf("\0") !== -1) return binaryError(fromUtf16 ? "it contains NUL characters" : "it contains NUL bytes");
  if (options.checkControlCharacters !== false) {
    const problem = findControlCharacters(text);
    if (problem !== null) return binaryError(problem);
  }

  if (text.length === 0) return EMPTY;
  if (isBlank(text)) {
    return { ok: false, error: { code: "empty", message: "The report is empty: it contains only whitespace." } };
  }
  return { ok: true, text };
}

function decodeUtf8OrLegacy(bytes: Uint8Array): string {
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

/**
 * Called once a NUL byte is known to exist. UTF-16 without a BOM shows up as NUL bytes in every other position: odd positions for
 * little-endian ASCII, even positions for big-endian. Any other NUL pattern means binary.
 */
function sniffUtf16(bytes: Uint8Array): "le" | "be" | "nul" {
  const end = Math.min(bytes.length, SNIFF_BYTES) & ~1;
  let oddNul = 0;
  let evenNul = 0;
  for (let i = 0; i < end; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  if (end < bytes.length && bytes[end] === 0) evenNul++;
  const pairs = end / 2;
  if (pairs === 0) return "nul";
  // A NUL exists; outside the sniffed window it still marks binary.
  if (oddNul === 0 && evenNul === 0) return "nul";
  if (oddNul >= pairs * 0.4 && evenNul <= pairs * 0.02) return "le";
  if (evenNul >= pairs * 0.4 && oddNul <= pairs * 0.02) return "be";
  return "nul";
}

/**
 * The "binary" rejection for decoded text with many control characters, or null when the text is
 * clean enough. For callers that skipped the check in decodeReportTextKeepingLineEndings.
 */
export function checkControlCharacters(text: string): DecodeResult | null {
  const problem = findControlCharacters(text);
  return problem === null ? null : binaryError(problem);
}

/**
 * Text from dsregcmd has no control characters besides tab and line breaks. A few stray ones
 * (a form feed, an escape from a coloured terminal) are tolerated; many of them are not.
 */
const CONTROL_CHARACTER = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;

function findControlCharacters(text: string): string | null {
  // Fast path for the usual clean text; the loop below only counts when something is there.
  if (!CONTROL_CHARACTER.test(text) && text.indexOf("\ufffd") === -1) return null;
  let control = 0;
  let replacement = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20) {
      if (c === 0x0a || c === 0x0d || c === 0x09) continue;
      control++;
    } else if (c === 0x7f) {
      control++;
    } else if (c === 0xfffd) {
      replacement++;
    }
  }
  const limit = Math.max(4, n * 0.01);
  if (control > limit) return `${control} control characters in ${n}`;
  if (replacement > limit) return `${replacement} undecodable characters in ${n}`;
  return null;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x0b && c !== 0xa0 && c !== 0xfeff) {
      return false;
    }
  }
  return true;
}
