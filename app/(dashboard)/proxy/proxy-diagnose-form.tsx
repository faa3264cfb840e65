"use client";

import { useRef, useState, useTransition, type DragEvent } from "react";
import { z } from "zod";
import { diagnoseProxy, type ProxyDiagnosis } from "@/lib/proxy/diagnose-proxy";
import { PROXY_FILE_KIND_LABEL, type ProxyFileRead } from "@/lib/proxy/types";
import { FindingList } from "../../_components/finding-card";
import { UploadIcon } from "../../_components/icons";

/** The route's answer, checked before it is used (lib/proxy/types.ts has the full shape). */
const FileAnswer = z.union([
  z.object({ read: z.object({ summary: z.object({ name: z.string() }).loose(), connectorEvents: z.array(z.unknown()), exchanges: z.array(z.unknown()) }) }),
  z.object({ error: z.object({ message: z.string() }).loose() }).loose(),
]);

const MAX_FILES = 8;
const MAX_BYTES = 100 * 1024 * 1024;

async function readOnServer(file: File): Promise<{ ok: true; read: ProxyFileRead } | { ok: false; error: string }> {
  if (file.size > MAX_BYTES) return { ok: false, error: `${file.name}: larger than 100 MB; capture a shorter window` };
  let response: Response;
  try {
    response = await fetch("/api/v1/proxy/files", { method: "POST", body: file, headers: { "x-file-name": encodeURIComponent(file.name) } });
  } catch {
    return { ok: false, error: `${file.name}: the upload failed; check the connection and try again` };
  }
  const parsed = FileAnswer.safeParse(await response.json().catch(() => null));
  if (!parsed.success) return { ok: false, error: `${file.name}: the server's answer could not be read (HTTP ${response.status})` };
  if ("read" in parsed.data) return { ok: true, read: parsed.data.read as unknown as ProxyFileRead };
  return { ok: false, error: parsed.data.error.message };
}

export function ProxyDiagnoseForm() {
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const [diagnosis, setDiagnosis] = useState<ProxyDiagnosis | null>(null);
  const [dragging, setDragging] = useState(false);
  const [pending, startTransition] = useTransition();
  const input = useRef<HTMLInputElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  function add(list: FileList | null | undefined) {
    if (!list) return;
    setFiles((had) => [...had, ...Array.from(list)].slice(0, MAX_FILES));
    setDiagnosis(null);
    setErrors([]);
    if (input.current) input.current.value = "";
  }

  function run() {
    startTransition(async () => {
      const reads: ProxyFileRead[] = [];
      const failed: string[] = [];
      for (const f of files) {
        const r = await readOnServer(f);
        if (r.ok) reads.push(r.read);
        else failed.push(r.error);
      }
      setErrors(failed);
      setDiagnosis(reads.length > 0 && failed.length === 0 ? diagnoseProxy(reads) : null);
      requestAnimationFrame(() => resultRef.current?.focus());
    });
  }

  function download() {
    if (!diagnosis) return;
    const blob = new Blob([JSON.stringify(diagnosis, null, 2)], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "proxy-diagnosis.json";
    a.click();
    URL.revokeObjectURL(a.href);
  }

  function onDrop(e: DragEvent<HTMLElement>) {
    e.preventDefault();
    setDragging(false);
    add(e.dataTransfer.files);
  }

  return (
    <div className="space-y-6">
      <form
        className="card p-5"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
        aria-describedby="proxy-help"
      >
        <div className="grid gap-5 lg:grid-cols-[1fr_20rem]">
          <label
            htmlFor="proxy-files"
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
            className={`flex min-h-44 cursor-pointer flex-col items-center justify-center gap-2 rounded-md border-2 border-dashed px-4 py-6 text-center transition-colors ${
              dragging
                ? "border-blue-500 bg-blue-50 dark:border-blue-400 dark:bg-blue-500/10"
                : "border-slate-300 hover:border-slate-400 hover:bg-slate-50 dark:border-slate-700 dark:hover:border-slate-600 dark:hover:bg-slate-800/40"
            }`}
          >
            <UploadIcon width={22} height={22} className="text-slate-500 dark:text-slate-400" />
            <span className="font-medium text-slate-800 dark:text-slate-200">Drop files here or browse</span>
            <span className="text-xs text-slate-500 dark:text-slate-400">
              Connector trace (.log), Admin event log (.xml, .csv), HAR (.har), Fiddler archive (.saz) · up to 100 MB each
            </span>
            <input ref={input} id="proxy-files" type="file" multiple className="sr-only" onChange={(e) => add(e.target.files)} aria-label="Files to diagnose" />
          </label>
          <div className="flex flex-col">
            <span className="label">Files</span>
            {files.length === 0 ? (
              <p className="text-sm text-slate-500 dark:text-slate-400">
                None yet. Give at least the browser session; add the connector&apos;s trace from the same minutes to learn why.
              </p>
            ) : (
              <ul className="space-y-1 text-sm" data-testid="proxy-file-list">
                {files.map((f, i) => (
                  <li key={`${f.name}-${i}`} className="flex items-center justify-between gap-2">
                    <span className="truncate font-mono text-xs text-slate-800 dark:text-slate-200">{f.name}</span>
                    <span className="flex items-center gap-2 text-xs text-slate-500">
                      {(f.size / 1024).toFixed(f.size < 10240 ? 1 : 0)} KB
                      <button
                        type="button"
                        className="btn-ghost px-1.5 py-0.5 text-xs"
                        aria-label={`Remove ${f.name}`}
                        onClick={() => {
                          setFiles(files.filter((_, j) => j !== i));
                          setDiagnosis(null);
                        }}
                      >
                        ×
                      </button>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
        <div className="mt-4 flex flex-wrap items-center justify-between gap-3">
          <p id="proxy-help" className="max-w-2xl text-xs text-slate-500 dark:text-slate-400">
            Nothing is stored: each file streams through the parser and only its failures come back to this page. Download the diagnosis to keep it.
          </p>
          <button type="submit" className="btn-primary" disabled={pending || files.length === 0}>
            {pending ? "Reading files…" : "Diagnose"}
          </button>
        </div>
      </form>

      <div ref={resultRef} tabIndex={-1} className="space-y-4 outline-none" aria-live="polite">
        {errors.length > 0 ? (
          <div role="alert" className="card border-l-4 border-l-red-500 p-4 text-sm text-red-800 dark:text-red-300">
            <p className="font-medium">JoinScope could not read {errors.length === 1 ? "this file" : "these files"}:</p>
            <ul className="mt-1 list-disc pl-5">
              {errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {diagnosis ? (
          <>
            <div className="card overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="proxy-files-read">
                <caption className="sr-only">Files read</caption>
                <thead className="text-xs text-slate-500 dark:text-slate-400">
                  <tr>
                    <th className="px-4 py-2 font-medium">File</th>
                    <th className="px-4 py-2 font-medium">Read as</th>
                    <th className="px-4 py-2 text-right font-medium">Entries</th>
                    <th className="px-4 py-2 text-right font-medium">Failed</th>
                    <th className="px-4 py-2 font-medium">Time range (UTC)</th>
                  </tr>
                </thead>
                <tbody>
                  {diagnosis.files.map((f) => (
                    <tr key={f.name} className="border-t border-slate-100 dark:border-slate-800/70">
                      <td className="px-4 py-2 font-mono text-xs">{f.name}</td>
                      <td className="px-4 py-2">{PROXY_FILE_KIND_LABEL[f.kind]}</td>
                      <td className="px-4 py-2 text-right tabular-nums">{f.records.toLocaleString("en-US")}</td>
                      <td className={`px-4 py-2 text-right tabular-nums ${f.failures ? "font-semibold text-red-700 dark:text-red-300" : ""}`}>
                        {f.failures.toLocaleString("en-US")}
                      </td>
                      <td className="px-4 py-2 text-xs text-slate-600 dark:text-slate-400">
                        {f.from ? `${f.from.slice(0, 19).replace("T", " ")} – ${(f.to ?? "").slice(11, 19)}` : "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="flex items-center justify-between">
              <h2 className="text-base font-semibold text-slate-900 dark:text-slate-100">Findings</h2>
              <button type="button" className="btn-secondary" onClick={download}>
                Download diagnosis (JSON)
              </button>
            </div>
            <FindingList findings={diagnosis.findings} />
          </>
        ) : null}
      </div>
    </div>
  );
}
