/** Each sign-in cause's short name and bar colour in the Sign-ins view (the rules' ids: lib/rules/signin). */
export const CAUSE_STYLE: Record<string, { name: string; bar: string; dot: string; fill: string }> = {
  "ca-device-not-presented": {
    name: "Device not presented",
    bar: "bg-blue-500 dark:bg-blue-400",
    dot: "bg-blue-500 dark:bg-blue-400",
    fill: "fill-blue-500 dark:fill-blue-400",
  },
  "ca-device-no-prt": { name: "No PRT", bar: "bg-red-500 dark:bg-red-400", dot: "bg-red-500 dark:bg-red-400", fill: "fill-red-500 dark:fill-red-400" },
  "ca-device-not-compliant": {
    name: "Not compliant",
    bar: "bg-amber-500 dark:bg-amber-400",
    dot: "bg-amber-500 dark:bg-amber-400",
    fill: "fill-amber-500 dark:fill-amber-400",
  },
  "ca-device-not-joined": {
    name: "Not joined as required",
    bar: "bg-violet-500 dark:bg-violet-400",
    dot: "bg-violet-500 dark:bg-violet-400",
    fill: "fill-violet-500 dark:fill-violet-400",
  },
  "ca-device-object-mismatch": {
    name: "Another device object",
    bar: "bg-fuchsia-500 dark:bg-fuchsia-400",
    dot: "bg-fuchsia-500 dark:bg-fuchsia-400",
    fill: "fill-fuchsia-500 dark:fill-fuchsia-400",
  },
  "ca-device-object-gone": {
    name: "Deleted or disabled object",
    bar: "bg-slate-700 dark:bg-slate-300",
    dot: "bg-slate-700 dark:bg-slate-300",
    fill: "fill-slate-700 dark:fill-slate-300",
  },
  unexplained: {
    name: "No explanation found",
    bar: "bg-slate-400 dark:bg-slate-500",
    dot: "bg-slate-400 dark:bg-slate-500",
    fill: "fill-slate-400 dark:fill-slate-500",
  },
};

export function causeStyle(cause: string) {
  return CAUSE_STYLE[cause] ?? CAUSE_STYLE.unexplained!;
}
