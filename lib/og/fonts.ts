// Fonts for next/og. Passing `fonts` replaces next/og's default, so Geist (Latin
// and Cyrillic; the file next/og itself ships) comes first, and UnifontEX
// (@fontsource/unifontex, OFL-1.1: nearly all of the Basic Multilingual Plane —
// Greek, Arabic, Hebrew, CJK, Hangul, Thai, Devanagari…) after it: satori takes
// each glyph Geist lacks from the next font. With every glyph covered, next/og
// never calls its dynamic font loader, which would fetch from a CDN (offline it
// fails after a DNS lookup, and the text is drawn as boxes). WOFF, not WOFF2:
// satori cannot read WOFF2.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ImageResponse } from "next/og";

export type OgFont = NonNullable<NonNullable<ConstructorParameters<typeof ImageResponse>[1]>["fonts"]>[number];

// Read relative to the working directory: `npm start` and the tests run Next from
// the repository root, and bundlers would rewrite require.resolve.
const FILES = [
  { name: "Geist", file: "node_modules/next/dist/compiled/@vercel/og/Geist-Regular.ttf" },
  { name: "UnifontEX", file: "node_modules/@fontsource/unifontex/files/unifontex-latin-400-normal.woff" },
];

let fonts: Promise<OgFont[]> | undefined;

/**
 * The fonts, read once per process. Always the same array: satori caches the
 * parsed fonts by the array's identity, so only the first image pays for
 * parsing (~1–2 s for UnifontEX's 57k glyphs).
 */
export function ogFonts(): Promise<OgFont[]> {
  fonts ??= Promise.all(
    FILES.map(async ({ name, file }): Promise<OgFont> => ({ name, data: await readFile(path.join(process.cwd(), file)), weight: 400, style: "normal" })),
  ).catch((err: unknown) => {
    fonts = undefined;
    throw err;
  });
  return fonts;
}
