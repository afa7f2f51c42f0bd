import Papa from "papaparse";

// Every CSV Herald writes or reads goes through here. Spreadsheet apps run a
// cell that starts with one of these as a formula (CSV injection), and
// strangers choose some cells: a subscriber's address ("-x@example.com"), a
// component's name. Such a cell is written with a leading apostrophe, which
// spreadsheets show as text; reading a file back takes it off again, so an
// export re-imports as the same addresses. Numbers stay numbers (a negative
// one is not escaped).
//
// papaparse's own `escapeFormulae: true` pattern ends in `.*$` without the
// `s` flag, so a cell with a line break ("=1+1\nx") slips through: the
// pattern is given explicitly.
const FORMULA_START = /^[=+\-@\t\r]/;
const ESCAPED_FORMULA = /^'(?=[=+\-@\t\r])/;

export type CsvCell = string | number | boolean | null;

export function toCsv(fields: string[], rows: CsvCell[][]): string {
  return Papa.unparse({ fields, data: rows }, { escapeFormulae: FORMULA_START });
}

/** Rows of cells (no header handling), blank lines skipped, escaped formula cells restored. */
export function parseCsv(text: string): string[][] {
  return Papa.parse<string[]>(text.trim(), { skipEmptyLines: true }).data.map((row) =>
    row.map((cell) => cell.replace(ESCAPED_FORMULA, "")),
  );
}
