"use client";

import { useState } from "react";
import { CheckIcon, CopyIcon } from "./icons";

export function CopyButton({
  text,
  label = "Copy",
  accessibleLabel,
}: {
  text: string;
  label?: string;
  /** What a screen reader hears, when the visible label is ambiguous ("Copy command: …"). */ accessibleLabel?: string;
}) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  }
  return (
    <button type="button" onClick={copy} className="btn-secondary px-2 py-1 text-xs" aria-label={copied ? "Copied" : (accessibleLabel ?? label)}>
      {copied ? <CheckIcon width={14} height={14} /> : <CopyIcon width={14} height={14} />}
      <span aria-live="polite">{copied ? "Copied" : label}</span>
    </button>
  );
}
