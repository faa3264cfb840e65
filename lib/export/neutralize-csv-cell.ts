/**
 * Spreadsheet apps run a cell that starts with = + - @ (or a tab / carriage return) as a formula; a hostile hostname
 * or comment must stay text (OWASP "CSV injection", https://owasp.org/www-community/attacks/CSV_Injection). A leading
 * ' makes it text.
 */
export function neutralizeCsvCell(value: string): string {
  // One test of the first character's code (every exported cell passes here): = + - @ tab CR.
  const first = value.charCodeAt(0);
  return first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13 ? `'${value}` : value;
}
