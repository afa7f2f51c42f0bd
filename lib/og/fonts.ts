// Fonts for next/og. Passing `fonts` replaces next/og's default, so Geist (Latin
// and Cyrillic; the file next/og itself ships) comes first, and UnifontEX
// (@fontsource/unifontex, OFL-1.1: nearly all of the Basic Multilingual Plane —
// Greek, Arabic, Hebrew, CJK, Hangul, Thai, Devanagari…) after it: satori takes
// each glyph Geist lacks from the next font. With every glyph covered, next/og
// never calls its dynamic font loader, which would fetch from a CDN (offline it
// fails after a DNS lookup, and the text is drawn as boxes). WOFF, not WOFF2:
// satori cannot read WOFF2.
//
// Kerning is taken out of the fonts (withoutKerning): satori lays a word out
// as the sum of its letters' widths but draws it kerned, so every kerned word
// came out narrower than its box and the space after it looked doubled
// ("Elevated  API  error").
import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * A font as satori (inside next/og's ImageResponse) takes it. Spelled out here
 * because lib imports nothing from next; app/_og/card.tsx hands these to
 * ImageResponse, so the compiler still checks the shape against next/og.
 */
export interface OgFont {
  name: string;
  data: Buffer | ArrayBuffer;
  weight?: 100 | 200 | 300 | 400 | 500 | 600 | 700 | 800 | 900;
  style?: "normal" | "italic";
  lang?: string;
}

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
    FILES.map(
      async ({ name, file }): Promise<OgFont> => ({
        name,
        data: withoutKerning(await readFile(path.join(process.cwd(), file))),
        weight: 400,
        style: "normal",
      }),
    ),
  ).catch((err: unknown) => {
    fonts = undefined;
    throw err;
  });
  return fonts;
}

/** Table tags that carry kerning: the OpenType positioning table and the legacy kern table. */
const KERNING_TABLES = new Set(["GPOS", "kern"]);

/**
 * A copy of a TrueType/OpenType font whose kerning tables are renamed so no
 * renderer finds them (every other byte is kept); any other format (WOFF: the
 * UnifontEX file, whose fixed-width glyphs have no kerning) is returned as is.
 */
export function withoutKerning(data: Buffer): Buffer {
  const version = data.length >= 12 ? data.readUInt32BE(0) : 0;
  if (version !== 0x00010000 && version !== 0x4f54544f /* OTTO */) return data;
  const out = Buffer.from(data);
  const tables = out.readUInt16BE(4);
  for (let i = 0; i < tables; i++) {
    const at = 12 + 16 * i;
    const tag = out.toString("latin1", at, at + 4);
    if (KERNING_TABLES.has(tag)) out.write(`x${tag.slice(1)}`, at, "latin1");
  }
  return out;
}
