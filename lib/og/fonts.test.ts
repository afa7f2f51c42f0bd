import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ogFonts, withoutKerning } from "./fonts";

const tags = (font: Buffer) =>
  Array.from({ length: font.readUInt16BE(4) }, (_, i) => font.toString("latin1", 12 + 16 * i, 16 + 16 * i));

describe(
  "OG fonts without kerning (satori measured words unkerned " + "and drew them kerned: doubled-looking spaces)",
  () => {
    const geist = readFileSync("node_modules/next/dist/compiled/@vercel/og/Geist-Regular.ttf");

    it("renames the kerning tables and keeps every other byte", () => {
      expect(tags(geist)).toContain("GPOS");
      const patched = withoutKerning(geist);
      expect(tags(patched)).not.toContain("GPOS");
      expect(tags(patched)).not.toContain("kern");
      expect(patched.length).toBe(geist.length);
      const differing = [...patched].filter((b, i) => b !== geist[i]).length;
      expect(differing).toBe(1);
      expect(tags(geist)).toContain("GPOS");
    });

    it("leaves other formats alone", () => {
      const woff = Buffer.from("wOFF0000rest-of-file");
      expect(withoutKerning(woff)).toBe(woff);
    });

    it("the fonts handed to next/og carry no kerning", async () => {
      const [first] = await ogFonts();
      expect(tags(Buffer.from(first.data as ArrayBuffer))).not.toContain("GPOS");
    });
  },
);
