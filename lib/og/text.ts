// Text for OG images (next/og). Emoji make next/og fetch images from a CDN,
// which fails offline and fails the whole image: they are removed. Long text
// is clamped by characters (not UTF-16 units, so a surrogate pair never splits).
// satori lays every line out left to right, so right-to-left text is put into
// visual order here (visualOrder).

// biome-ignore lint/suspicious/noMisleadingCharacterClass: joiners and selectors are removed one by one on purpose
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u{1F3FB}-\u{1F3FF}\u200D\uFE0E\uFE0F\u20E3]/gu;
// Controls and lone surrogates have no glyph either.
const INVISIBLE = /[\p{Cc}\p{Cs}]/gu;

export function ogText(text: string, max: number): string {
  const clean = text.replace(EMOJI, "").replace(INVISIBLE, " ").replace(/\s+/g, " ").trim();
  const chars = [...clean];
  return visualOrder(
    chars.length > max
      ? `${chars
          .slice(0, max - 1)
          .join("")
          .trimEnd()}…`
      : clean,
  );
}

export const OG_TITLE_MAX = 110;
export const OG_NAME_MAX = 60;

const RTL = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const STRONG_LTR = /[\p{L}\p{N}]/u;
const MIRRORED: Record<string, string> = {
  "(": ")",
  ")": "(",
  "[": "]",
  "]": "[",
  "{": "}",
  "}": "{",
  "<": ">",
  ">": "<",
  "«": "»",
  "»": "«",
};
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * A one-line simplification of the Unicode bidi algorithm: the paragraph takes
 * the direction of its first strong character; a neutral (space, punctuation)
 * between two characters of one direction takes that direction, otherwise the
 * paragraph's; right-to-left runs are reversed (brackets mirrored), and in a
 * right-to-left paragraph so is the order of the runs. Text without
 * right-to-left characters is returned unchanged. Arabic letters are not
 * joined (satori does not shape them): they show in their isolated forms.
 */
export function visualOrder(text: string): string {
  if (!RTL.test(text)) return text;
  const gs = Array.from(graphemes.segment(text), (s) => s.segment);
  const strong = gs.map((g) => (RTL.test(g) ? "R" : STRONG_LTR.test(g) ? "L" : null));
  const base = strong.find((d) => d !== null) ?? "L";
  const resolved = strong.map((d, i) => {
    if (d) return d;
    const before = strong.slice(0, i).findLast((x) => x !== null) ?? base;
    const after = strong.slice(i + 1).find((x) => x !== null) ?? base;
    return before === after ? before : base;
  });
  const runs: { dir: "L" | "R"; text: string[] }[] = [];
  gs.forEach((g, i) => {
    const last = runs.at(-1);
    if (last?.dir === resolved[i]) last.text.push(g);
    else runs.push({ dir: resolved[i], text: [g] });
  });
  const shown = runs.map((r) => (r.dir === "R" ? r.text.reverse().map((g) => MIRRORED[g] ?? g) : r.text).join(""));
  return (base === "R" ? shown.reverse() : shown).join("");
}
