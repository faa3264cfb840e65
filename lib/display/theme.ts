/** The dashboard's colour theme. "system" follows prefers-color-scheme; the other two override it. */
export type Theme = "system" | "light" | "dark";

export const THEME_COOKIE = "joinscope_theme";
export const THEMES: readonly Theme[] = ["system", "light", "dark"];

export function parseTheme(value: string | undefined | null): Theme {
  return value === "light" || value === "dark" ? value : "system";
}

/** The class on <html>; globals.css maps it to the `dark:` variant (see @custom-variant there). */
export function themeClass(theme: Theme): string {
  return theme === "system" ? "theme-system" : theme;
}
