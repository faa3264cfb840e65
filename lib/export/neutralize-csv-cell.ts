/**
 * Spreadsheet apps run a cell that starts with = + - @ (or a tab / carriage return) as a formula; a hostile hostname
 * or comment must stay text (OWASP "CSV injection", https://owasp.org/www-community/attacks/CSV_Injection). A leading
 * ' makes it text.
 */
export function neutralizeCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
