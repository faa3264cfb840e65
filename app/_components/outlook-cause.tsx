import Link from "next/link";
import type { Outlook } from "@/lib/rules/broken-device";
import { causeWords } from "@/lib/rules/cause-words";
import { findingHref } from "@/lib/url-params/finding-anchor";

const TONE: Record<Outlook, string> = {
  now: "bg-red-50 text-red-800 ring-red-600/20 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-400/30",
  next: "bg-amber-50 text-amber-900 ring-amber-600/25 dark:bg-amber-500/10 dark:text-amber-200 dark:ring-amber-400/30",
};
const SHORT: Record<Outlook, string> = { now: "Unregistered now", next: "Next Connect cycle" };

/** "Unregistered now" (red) or "Next Connect cycle" (amber): the words say it, the colour repeats it. */
export function OutlookBadge({ outlook }: { outlook: Outlook }) {
  return (
    <span
      className={`inline-flex items-center rounded-md px-1.5 py-0.5 text-[11px] font-medium whitespace-nowrap ring-1 ring-inset ${TONE[outlook]}`}
      data-outlook={outlook}
    >
      {SHORT[outlook]}
    </span>
  );
}

/** A broken device's cause in words, opening its finding's card on the device page. */
export function OutlookCause({ subjectKey, outlook, cause }: { subjectKey: string; outlook: Outlook; cause: string }) {
  return (
    // A box of its own width (a table cell's max-width does not hold in an auto-laid-out table), the badge above the words
    // on a narrow window: the Devices list fits 1,024 px; a long cause is cut with an ellipsis, its whole text in the title.
    <span
      className="flex max-w-72 items-center gap-2 max-xl:max-w-40 max-xl:flex-col max-xl:items-start max-xl:gap-0.5"
      data-testid="device-cause"
      data-cause={cause}
    >
      <OutlookBadge outlook={outlook} />
      <Link
        href={findingHref(subjectKey, cause)}
        className="link min-w-0 truncate text-[13px]"
        title={`${causeWords(cause).cause}: ${causeWords(cause).action}`}
      >
        {causeWords(cause).cause}
      </Link>
    </span>
  );
}
