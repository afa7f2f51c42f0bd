import { ValidationError } from "../errors";

/**
 * The text of an export file as JSON. `npm run herald -- export > page.json`
 * puts npm's two-line script banner ("> herald@x herald", "> tsx …") before the
 * JSON unless npm runs with --silent; those leading lines are skipped so the
 * documented command works either way.
 */
export function parseExportText(text: string): unknown {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  let first = 0;
  while (first < lines.length && (lines[first].trim() === "" || lines[first].startsWith("> "))) first++;
  try {
    return JSON.parse(lines.slice(first).join("\n"));
  } catch {
    throw new ValidationError("The file is not JSON (expected a Herald export, as written by `herald export`)");
  }
}
