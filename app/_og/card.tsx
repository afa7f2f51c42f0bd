// The OG/Twitter card image (1200×630) shared by /og.png and
// /incidents/[id]/og.png: draws a CardText (lib/og/cards.ts), whose text went
// through ogText (lib/og/text.ts), with the bundled fonts (lib/og/fonts.ts),
// never fetched ones.
import { ImageResponse } from "next/og";
import type { CardText } from "@/lib/og/cards";
import { ogFonts } from "@/lib/og/fonts";

export const OG_SIZE = { width: 1200, height: 630 };

export async function ogCard({ brandColor, pageName, title, pill, lines }: CardText): Promise<ImageResponse> {
  const fonts = await ogFonts();
  return new ImageResponse(
    <div
      style={{
        width: "100%",
        height: "100%",
        display: "flex",
        flexDirection: "column",
        background: "#ffffff",
        color: "#18181b",
      }}
    >
      <div style={{ height: 16, background: /^#[0-9a-fA-F]{3,8}$/.test(brandColor) ? brandColor : "#2563eb" }} />
      <div
        style={{
          display: "flex",
          flexDirection: "column",
          flex: 1,
          padding: "56px 72px",
          justifyContent: "space-between",
        }}
      >
        <div style={{ display: "flex", flexDirection: "column", gap: 28 }}>
          {pageName && <div style={{ fontSize: 34, color: "#52525b" }}>{pageName}</div>}
          <div style={{ fontSize: title.length > 60 ? 52 : 68, fontWeight: 700, lineHeight: 1.15 }}>{title}</div>
        </div>
        <div style={{ display: "flex", flexDirection: "column", gap: 18 }}>
          <div style={{ display: "flex" }}>
            <div
              style={{
                display: "flex",
                alignItems: "center",
                gap: 16,
                background: pill.color,
                color: "#ffffff",
                borderRadius: 999,
                padding: "12px 30px",
                fontSize: 34,
              }}
            >
              <div style={{ width: 20, height: 20, borderRadius: 999, background: "#ffffff" }} />
              {pill.text}
            </div>
          </div>
          {lines.map((l) => (
            <div key={l} style={{ fontSize: 28, color: "#52525b" }}>
              {l}
            </div>
          ))}
        </div>
      </div>
    </div>,
    { ...OG_SIZE, fonts, headers: { "cache-control": "no-store" } },
  );
}
