// XML text that stays well-formed whatever an operator typed: characters XML
// 1.0 forbids (C0 controls, U+FFFE/FFFF, lone surrogates) are dropped, and the
// five special characters are escaped. Text is never put in CDATA, so "]]>"
// needs no special case.

// With the u flag a lone surrogate is one code point in D800–DFFF, outside every allowed range.
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function stripInvalidXmlChars(text: string): string {
  return text.replace(FORBIDDEN, "");
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** For element text and attribute values. */
export function escapeXml(text: string): string {
  return stripInvalidXmlChars(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}
