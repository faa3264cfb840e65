"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type DragEvent } from "react";
import { z } from "zod";
import { diagnoseProxy, type ProxyDiagnosis } from "@/lib/proxy/diagnose-proxy";
import { PROXY_MAX_FILES, PROXY_SAVE_MAX_CHARS, ProxyFileReadSchema } from "@/lib/proxy/proxy-read-schema";
import type { ProxyFileRead } from "@/lib/proxy/types";
import { FindingList } from "../../_components/finding-card";
import { UploadIcon } from "../../_components/icons";
import { InlineError } from "../../_components/inline-error";
import { DownloadDiagnosisButton } from "./download-diagnosis-button";
import { ProxyFilesTable } from "./proxy-files-table";

/** The route's answer, checked with the bounds the server holds a saved diagnosis to (lib/proxy/proxy-read-schema.ts). */
const FileAnswer = z.union([z.object({ read: ProxyFileReadSchema }), z.object({ error: z.object({ message: z.string() }).loose() })]);

const MAX_BYTES = 100 * 1024 * 1024;

/** POST /api/v1/proxy/diagnoses's answer: the saved diagnosis, or the API's error with its reason. */
const SaveAnswer = z.union([z.object({ id: z.string(), title: z.string() }), z.object({ error: z.object({ message: z.string() }).loose() })]);

async function saveOnServer(title: string, reads: ProxyFileRead[]): Promise<{ ok: true; id: string; title: string } | { ok: false; error: string }> {
  let response: Response;
  try {
    response = await fetch("/api/v1/proxy/diagnoses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title, reads }),
    });
  } catch {
    return { ok: false, error: "The diagnosis could not be saved; check the connection and try again." };
  }
  const parsed = SaveAnswer.safeParse(await response.json().catch(() => null));
  if (!parsed.success) return { ok: false, error: `The server's answer could not be read (HTTP ${response.status}); try again.` };
  if ("error" in parsed.data) return { ok: false, error: parsed.data.error.message };
  return { ok: true, id: parsed.data.id, title: parsed.data.title };
}

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
  if ("read" in parsed.data) return { ok: true, read: parsed.data.read };
  return { ok: false, error: parsed.data.error.message };
}

/**
 * Drop files, diagnose them in the page (each file streams through the server's parser; the pairing runs here), then
 * download the diagnosis or, as an Operator with a tenant selected, save it: the reads go back to the server, which
 * diagnoses them again and stores its own result (decision 028).
 */
export function ProxyDiagnoseForm({ canSave, tenantName }: { canSave: boolean; tenantName: string | null }) {
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const [diagnosis, setDiagnosis] = useState<ProxyDiagnosis | null>(null);
  const [reads, setReads] = useState<ProxyFileRead[]>([]);
  /** Each diagnosis gets a fresh save form (its title and "Saved as" belong to that diagnosis). */
  const [runs, setRuns] = useState(0);
  const [dragging, setDragging] = useState(false);
  const [pending, startTransition] = useTransition();
  const input = useRef<HTMLInputElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  function add(list: FileList | null | undefined) {
    if (!list) return;
    // Copied now: clearing the input below empties its live FileList before React runs the updater (then a file added
    // after a removal never showed up).
    const added = Array.from(list);
    setFiles((had) => [...had, ...added].slice(0, PROXY_MAX_FILES));
    setDiagnosis(null);
    setReads([]);
    setErrors([]);
    if (input.current) input.current.value = "";
  }

  function run() {
    startTransition(async () => {
      const fileReads: ProxyFileRead[] = [];
      const failed: string[] = [];
      for (const f of files) {
        const r = await readOnServer(f);
        if (r.ok) fileReads.push(r.read);
        else failed.push(r.error);
      }
      setErrors(failed);
      const ok = fileReads.length > 0 && failed.length === 0;
      setReads(ok ? fileReads : []);
      setRuns((n) => n + 1);
      setDiagnosis(ok ? diagnoseProxy(fileReads) : null);
      requestAnimationFrame(() => resultRef.current?.focus());
    });
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
                          setReads([]);
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
            Nothing is stored unless you save the diagnosis: each file streams through the parser and only its failures come back to this page. Save the
            diagnosis for the selected tenant (its files&apos; summaries and findings, never the files) or download it as JSON.
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
            <ProxyFilesTable files={diagnosis.files} />
            <div className="flex items-center justify-between">
              <h2 className="text-base font-semibold text-slate-900 dark:text-slate-100">Findings</h2>
              <DownloadDiagnosisButton diagnosis={diagnosis} />
            </div>
            <FindingList findings={diagnosis.findings} />
            <SaveDiagnosisForm key={runs} reads={reads} canSave={canSave} tenantName={tenantName} />
          </>
        ) : null}
      </div>
    </div>
  );
}

/** "Save diagnosis": a title (the app, the ticket) and the reads sent to POST /api/v1/proxy/diagnoses. */
function SaveDiagnosisForm({ reads, canSave, tenantName }: { reads: ProxyFileRead[]; canSave: boolean; tenantName: string | null }) {
  const router = useRouter();
  const [title, setTitle] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ id: string; title: string } | null>(null);
  const [pending, startTransition] = useTransition();

  if (!tenantName)
    return <p className="text-sm text-slate-600 dark:text-slate-400">Register a tenant to save diagnoses; download the JSON to keep this one.</p>;
  if (!canSave)
    return <p className="text-sm text-slate-600 dark:text-slate-400">Saving a diagnosis needs the Operator role; download the JSON to keep this one.</p>;
  if (saved) {
    return (
      <p role="status" className="card border-l-4 border-l-emerald-500 p-4 text-sm text-slate-800 dark:text-slate-200">
        Saved as{" "}
        <Link href={`/proxy/saved/${saved.id}`} className="link font-medium">
          {saved.title}
        </Link>{" "}
        for {tenantName}.
      </p>
    );
  }

  function save() {
    setError(null);
    // The server refuses more; say so before sending megabytes it would turn away.
    const size = JSON.stringify(reads).length;
    if (size > PROXY_SAVE_MAX_CHARS) {
      setError(
        `The files' failures take ${(size / (1024 * 1024)).toFixed(1)} MB, more than the ${PROXY_SAVE_MAX_CHARS / (1024 * 1024)} MB a saved diagnosis holds: download it as JSON instead.`,
      );
      return;
    }
    startTransition(async () => {
      const result = await saveOnServer(title, reads);
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setSaved({ id: result.id, title: result.title });
      router.refresh();
    });
  }

  return (
    <form
      className="card p-4"
      aria-label="Save diagnosis"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <label htmlFor="proxy-diagnosis-title" className="label">
            Title
          </label>
          <input
            id="proxy-diagnosis-title"
            className="input"
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="e.g. Ops Board WebSocket 504 – INC0012345"
            aria-describedby="proxy-save-help"
          />
        </div>
        <button type="submit" className="btn-primary" disabled={pending || title.trim() === ""}>
          {pending ? "Saving…" : "Save diagnosis"}
        </button>
      </div>
      <p id="proxy-save-help" className="mt-2 text-xs text-slate-500 dark:text-slate-400">
        Saved for {tenantName}: the files&apos; summaries and the findings, diagnosed again on the server. The files themselves are not kept.
      </p>
      <InlineError message={error} />
    </form>
  );
}
