"use client";

import { useState } from "react";
import { THEME_COOKIE, themeClass, type Theme } from "@/lib/display/theme";
import { MonitorIcon, MoonIcon, SunIcon } from "./icons";

const OPTIONS: { value: Theme; label: string; Icon: typeof SunIcon }[] = [
  { value: "system", label: "System theme", Icon: MonitorIcon },
  { value: "light", label: "Light theme", Icon: SunIcon },
  { value: "dark", label: "Dark theme", Icon: MoonIcon },
];

/**
 * Sets the class on <html> at once and stores the choice in a cookie (read by the root layout on the next
 * request, so reloads never flash) and in localStorage (for scripts and future tabs).
 */
export function ThemeToggle({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);

  function choose(next: Theme) {
    setTheme(next);
    applyTheme(next);
  }

  return (
    <div
      role="group"
      aria-label="Colour theme"
      className="inline-flex rounded-md border border-slate-200 bg-white p-0.5 dark:border-slate-700 dark:bg-slate-900"
    >
      {OPTIONS.map(({ value, label, Icon }) => (
        <button
          key={value}
          type="button"
          onClick={() => choose(value)}
          aria-pressed={theme === value}
          aria-label={label}
          title={label}
          className={`rounded px-1.5 py-1 transition-colors ${
            theme === value
              ? "bg-slate-100 text-slate-900 dark:bg-slate-700 dark:text-slate-50"
              : "text-slate-500 hover:text-slate-800 dark:text-slate-400 dark:hover:text-slate-100"
          }`}
        >
          <Icon width={16} height={16} />
        </button>
      ))}
    </div>
  );
}

/** The page's class and data attribute, the cookie the server reads, and localStorage for scripts and other tabs. */
function applyTheme(next: Theme) {
  const root = document.documentElement;
  root.classList.remove("light", "dark", "theme-system");
  root.classList.add(themeClass(next));
  root.dataset.theme = next;
  document.cookie = `${THEME_COOKIE}=${next}; Path=/; Max-Age=${60 * 60 * 24 * 365}; SameSite=Lax`;
  try {
    localStorage.setItem(THEME_COOKIE, next);
  } catch {
    // Private mode or storage disabled: the cookie is enough.
  }
}
