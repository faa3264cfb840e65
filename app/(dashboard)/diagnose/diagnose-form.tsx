"use client";

import { InlineError } from "../../_components/inline-error";
import Link from "next/link";
import { useRef, useState, useTransition, type DragEvent } from "react";
import { FindingList } from "../../_components/finding-card";
import { UploadIcon } from "../../_components/icons";
import { KeyFacts, ReportSections } from "../../_components/parsed-report";
import { VerdictBanner } from "../../_components/verdict-banner";
import { DirectoryStateBadge } from "../devices/directory-state-badge";
import { attachPastedReportAction, diagnoseAction, type AttachResult, type DiagnoseInput, type DiagnoseResult } from "./actions";

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function DiagnoseForm({ tenantLabel }: { tenantLabel: string | null }) {
  const [text, setText] = useState("");
  const [capturedAt, setCapturedAt] = useState("");
  const [result, setResult] = useState<DiagnoseResult | null>(null);
  /** What the result was diagnosed from: "Attach" stores exactly that. */
  const [diagnosed, setDiagnosed] = useState<DiagnoseInput | null>(null);
  const [dragging, setDragging] = useState(false);
  const [pending, startTransition] = useTransition();
  const fileInput = useRef<HTMLInputElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  function run(input: DiagnoseInput) {
    startTransition(async () => {
      const next = await diagnoseAction(input);
      setResult(next);
      setDiagnosed(input);
      requestAnimationFrame(() => resultRef.current?.focus());
    });
  }

  async function runFile(file: File | undefined) {
    if (!file) return;
    // Bytes, not text: the parser detects UTF-16LE (PowerShell 5.1 `>`), UTF-8 and the OEM code page itself.
    const buffer = await file.arrayBuffer();
    run({ kind: "file", fileName: file.name, base64: toBase64(buffer), capturedAt });
    if (fileInput.current) fileInput.current.value = "";
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    event.preventDefault();
    setDragging(false);
    void runFile(event.dataTransfer.files[0]);
  }

  return (
    <div className="space-y-6">
      <form
        className="card p-5"
        onSubmit={(e) => {
          e.preventDefault();
          run({ kind: "text", text, capturedAt });
        }}
        aria-describedby="diagnose-help"
      >
        <div className="grid gap-5 lg:grid-cols-[1fr_16rem]">
          <div>
            <label htmlFor="dsregcmd-text" className="label">
              Paste <code className="font-mono">dsregcmd /status</code> output
            </label>
            <textarea
              id="dsregcmd-text"
              name="text"
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={12}
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
              placeholder={
                "+----------------------------------------------------------------------+\n| Device State                                                         |\n+----------------------------------------------------------------------+\n\n             AzureAdJoined : YES\n          EnterpriseJoined : NO\n              DomainJoined : YES\n…"
              }
              className="input min-h-56 resize-y font-mono text-xs leading-5"
            />
          </div>
          <div className="flex flex-col">
            <span className="label" id="file-label">
              Or open a saved file
            </span>
            <label
              htmlFor="dsregcmd-file"
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={onDrop}
              className={`flex flex-1 cursor-pointer flex-col items-center justify-center gap-2 rounded-md border-2 border-dashed px-4 py-6 text-center transition-colors ${
                dragging
                  ? "border-blue-500 bg-blue-50 dark:border-blue-400 dark:bg-blue-500/10"
                  : "border-slate-300 hover:border-slate-400 hover:bg-slate-50 dark:border-slate-700 dark:hover:border-slate-600 dark:hover:bg-slate-800/40"
              }`}
            >
              <UploadIcon width={22} height={22} className="text-slate-500 dark:text-slate-400" />
              <span className="font-medium text-slate-800 dark:text-slate-200">Drop a .txt file or browse</span>
              <span className="text-xs text-slate-500 dark:text-slate-400">UTF-16 files from PowerShell 5.1 work as they are.</span>
              <input
                ref={fileInput}
                id="dsregcmd-file"
                type="file"
                accept=".txt,.log,text/plain"
                className="sr-only"
                aria-labelledby="file-label"
                onChange={(e) => void runFile(e.target.files?.[0])}
              />
            </label>
          </div>
        </div>
        <div className="mt-4 flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="captured-at" className="label">
              Captured at (UTC) <span className="font-normal text-slate-500 dark:text-slate-400">optional</span>
            </label>
            <input
              id="captured-at"
              name="capturedAt"
              type="datetime-local"
              step={1}
              value={capturedAt}
              onChange={(e) => setCapturedAt(e.target.value)}
              className="input w-56"
              aria-describedby="captured-at-help"
            />
          </div>
          <p id="captured-at-help" className="max-w-md pb-2 text-xs text-slate-500 dark:text-slate-400">
            PRT times are judged at this moment. Left empty, the report&apos;s own <code className="font-mono">Client Time</code> is used; without it, PRT times
            are only described.
          </p>
        </div>
        <div className="mt-4 flex flex-wrap items-center justify-between gap-3">
          <p id="diagnose-help" className="text-xs text-slate-500 dark:text-slate-400">
            Nothing is stored: Diagnose is a scratchpad. Run <code className="font-mono">dsregcmd /status</code> in the affected user&apos;s own session
            (elevated is fine; not as SYSTEM or another account).
            {tenantLabel ? <> Tenant checks use {tenantLabel}.</> : null}
          </p>
          <div className="flex gap-2">
            {text || result ? (
              <button
                type="button"
                className="btn-ghost"
                onClick={() => {
                  setText("");
                  setResult(null);
                }}
              >
                Clear
              </button>
            ) : null}
            <button type="submit" className="btn-primary min-w-28" disabled={pending || text.trim() === ""}>
              {pending ? "Diagnosing…" : "Diagnose"}
            </button>
          </div>
        </div>
      </form>

      <div ref={resultRef} tabIndex={-1} aria-live="polite" className="focus:outline-none">
        {result && !result.ok ? <InlineError title="Could not read this as dsregcmd /status output" message={result.error} className="" /> : null}
        {result && result.ok ? <DiagnoseResultView key={result.evaluatedAt} result={result} input={diagnosed} tenantLabel={tenantLabel} /> : null}
      </div>
    </div>
  );
}

function DiagnoseResultView({
  result,
  input,
  tenantLabel,
}: {
  result: Extract<DiagnoseResult, { ok: true }>;
  input: DiagnoseInput | null;
  tenantLabel: string | null;
}) {
  const subject = result.report.deviceName ?? result.report.deviceId ?? undefined;
  return (
    <div className="space-y-6">
      {result.device ? (
        <DirectoryMatch device={result.device} input={input} />
      ) : tenantLabel && result.report.deviceId ? (
        <p className="text-xs text-slate-500 dark:text-slate-400" data-testid="directory-no-match">
          No directory object of {tenantLabel} has DeviceId {result.report.deviceId}: only the report&apos;s own rules ran.
        </p>
      ) : null}
      <VerdictBanner findings={result.findings} subject={subject} />
      {result.warnings.length > 0 ? (
        <ul className="space-y-1 rounded-md border border-slate-200 bg-white px-4 py-3 text-xs text-slate-600 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-400">
          {result.warnings.map((w, i) => (
            <li key={i}>Parser note: {w}</li>
          ))}
        </ul>
      ) : null}
      {result.findings.length > 0 ? (
        <section aria-labelledby="findings-heading">
          <h2 id="findings-heading" className="mb-3 text-sm font-semibold">
            Findings <span className="font-normal text-slate-500 dark:text-slate-400">({result.findings.length})</span>
          </h2>
          <FindingList findings={result.findings} primaryRule={result.primaryRule} />
        </section>
      ) : null}
      <KeyFacts report={result.report} />
      <ReportSections report={result.report} />
      <p className="text-xs text-slate-500 dark:text-slate-400">
        Read from {result.inputName}. Evaluated at {formatUtc(result.evaluatedAt)}; {describeCaptureTime(result)}
      </p>
    </div>
  );
}

const formatUtc = (iso: string) => `${iso.slice(0, 19).replace("T", " ")} UTC`;

function describeCaptureTime(result: Extract<DiagnoseResult, { ok: true }>): string {
  if (result.capturedAt === null) return "the capture time is unknown, so PRT times are described, not judged.";
  const at = formatUtc(result.capturedAt);
  return result.capturedAtSource === "report-clock"
    ? `PRT times are judged at the report's own Client Time, ${at}.`
    : `PRT times are judged at the capture time you entered, ${at}.`;
}

type MatchedDevice = NonNullable<Extract<DiagnoseResult, { ok: true }>["device"]>;

/** Which synced device the report is, and the explicit "attach to its timeline" (stored as a report, audit-logged). */
function DirectoryMatch({ device, input }: { device: MatchedDevice; input: DiagnoseInput | null }) {
  const [attached, setAttached] = useState<AttachResult | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <section aria-label="Directory match" className="card flex flex-wrap items-center justify-between gap-4 px-5 py-4" data-testid="directory-match">
      <div className="min-w-0">
        <p className="font-semibold">
          This report is{" "}
          <Link href={device.href} className="link">
            {device.name}
          </Link>{" "}
          in {device.tenantName} <DirectoryStateBadge state={device.state} />
        </p>
        <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
          Its DeviceId is the directory object {device.objectId}&apos;s: the findings below include the directory&apos;s, judged as the fleet path judges an
          upload. Nothing is stored unless you attach it.
        </p>
        {attached?.ok ? (
          <p className="mt-2 text-[13px] font-medium text-emerald-800 dark:text-emerald-300" role="status" data-testid="attach-done">
            {attached.duplicate ? "This report was already stored for the device." : "Attached as a report of the device."}{" "}
            <Link href={attached.href} className="link">
              Open {device.name}&apos;s timeline
            </Link>
          </p>
        ) : attached && !attached.ok ? (
          <InlineError message={attached.error} className="mt-2" />
        ) : null}
      </div>
      {attached?.ok ? null : (
        <button
          type="button"
          className="btn-secondary"
          disabled={pending || !input}
          onClick={() =>
            input &&
            startTransition(async () => {
              setAttached(await attachPastedReportAction({ ...input, deviceId: device.deviceId }));
            })
          }
        >
          {pending ? "Attaching…" : `Attach to ${device.name}'s timeline`}
        </button>
      )}
    </section>
  );
}
