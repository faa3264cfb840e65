"use client";

import { useId, useState } from "react";

/** The next Friday after today (UTC), or today when it is Friday: "until Friday" in one click. */
function nextFriday(): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + ((5 - d.getUTCDay() + 7) % 7));
  return d.toISOString().slice(0, 10);
}

/**
 * The ticket reference and the expiry ("until Friday") of an acknowledgement, shared by every acknowledge form. The
 * expiry is the last day (UTC) the acknowledgement holds; the first findings pass after it reopens the finding.
 */
export function AckTicketAndUntilFields({ compact = false }: { compact?: boolean }) {
  const id = useId();
  const [until, setUntil] = useState("");
  const today = new Date().toISOString().slice(0, 10);
  const label = compact ? "mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400" : "label text-xs";
  const size = compact ? "input py-1.5 text-[13px]" : "input py-1.5";
  return (
    <>
      <div className="w-40">
        <label htmlFor={`${id}-ticket`} className={label}>
          Ticket (optional)
        </label>
        <input id={`${id}-ticket`} name="ticket" maxLength={100} placeholder="CHG-1234" className={size} />
      </div>
      <div className="w-52">
        <label htmlFor={`${id}-until`} className={label}>
          Until (optional)
        </label>
        <div className="flex items-center gap-1">
          <input
            id={`${id}-until`}
            name="until"
            type="date"
            min={today}
            value={until}
            onChange={(e) => setUntil(e.target.value)}
            className={size}
            aria-describedby={`${id}-until-hint`}
          />
          <button type="button" className="btn-secondary px-2 py-1.5 text-xs" onClick={() => setUntil(nextFriday())} title="Until the end of this Friday">
            Fri
          </button>
        </div>
        <span id={`${id}-until-hint`} className="sr-only">
          The acknowledgement holds through this day (UTC); the next findings pass after it reopens the finding.
        </span>
      </div>
    </>
  );
}
