// Text for OG images (next/og). Emoji make next/og fetch images from a CDN,
// which fails offline and fails the whole image: they are removed. Long text
// is clamped by characters (not UTF-16 units, so a surrogate pair never splits).

const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u{1F3FB}-\u{1F3FF}\u200D\uFE0E\uFE0F\u20E3]/gu;
// Controls and lone surrogates have no glyph either.
const INVISIBLE = /[\p{Cc}\p{Cs}]/gu;

export function ogText(text: string, max: number): string {
  const clean = text.replace(EMOJI, "").replace(INVISIBLE, " ").replace(/\s+/g, " ").trim();
  const chars = [...clean];
  return chars.length > max ? `${chars.slice(0, max - 1).join("").trimEnd()}…` : clean;
}

export const OG_TITLE_MAX = 110;
export const OG_NAME_MAX = 60;
