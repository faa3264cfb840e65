"use client";

import type { ProxyDiagnosis } from "@/lib/proxy/diagnose-proxy";

/** Downloads the diagnosis ({ files, findings }, issue 21's JSON shape) as a file; nothing leaves the browser. */
export function DownloadDiagnosisButton({ diagnosis, fileName = "proxy-diagnosis.json" }: { diagnosis: ProxyDiagnosis; fileName?: string }) {
  function download() {
    const blob = new Blob([JSON.stringify(diagnosis, null, 2)], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = fileName;
    a.click();
    URL.revokeObjectURL(a.href);
  }
  return (
    <button type="button" className="btn-secondary" onClick={download}>
      Download diagnosis (JSON)
    </button>
  );
}
