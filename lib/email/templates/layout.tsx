import { Body } from "@react-email/body";
import { Button } from "@react-email/button";
import { Container } from "@react-email/container";
import { Head } from "@react-email/head";
import { Hr } from "@react-email/hr";
import { Html } from "@react-email/html";
import { Img } from "@react-email/img";
import { Link } from "@react-email/link";
import { Preview } from "@react-email/preview";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";
import type { ReactNode } from "react";

// Shared frame of every subscriber email. The only React in lib/ (DESIGN.md §1
// allows templates here); no next/* imports.

export interface Branding {
  pageName: string;
  pageUrl: string;
  brandColor: string;
  logoUrl: string | null;
}

export function EmailLayout({
  brand,
  preview,
  footer,
  children,
}: {
  brand: Branding;
  preview: string;
  footer: ReactNode;
  children: ReactNode;
}) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body
        style={{
          backgroundColor: "#f4f4f5",
          fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
          margin: 0,
          padding: "24px 0",
        }}
      >
        <Container
          style={{
            backgroundColor: "#ffffff",
            border: "1px solid #e4e4e7",
            borderRadius: 8,
            maxWidth: 560,
            margin: "0 auto",
          }}
        >
          <Section
            style={{ borderTop: `4px solid ${brand.brandColor}`, borderRadius: "8px 8px 0 0", padding: "20px 28px 0" }}
          >
            {brand.logoUrl ? (
              <Img src={brand.logoUrl} alt={brand.pageName} height={32} />
            ) : (
              <Link
                href={brand.pageUrl}
                style={{ color: "#18181b", fontSize: 16, fontWeight: 600, textDecoration: "none" }}
              >
                {brand.pageName}
              </Link>
            )}
          </Section>
          <Section style={{ padding: "8px 28px 20px" }}>{children}</Section>
          <Hr style={{ borderColor: "#e4e4e7", margin: 0 }} />
          <Section style={{ padding: "16px 28px 24px" }}>
            <Text style={{ color: "#71717a", fontSize: 12, lineHeight: "18px", margin: 0 }}>{footer}</Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

export const linkStyle = { color: "#2563eb" };

/** The one call to action of an email, in the page's brand colour. */
export function BrandButton({ brand, href, children }: { brand: Branding; href: string; children: ReactNode }) {
  return (
    <Button
      href={href}
      style={{
        backgroundColor: brand.brandColor,
        borderRadius: 6,
        color: "#ffffff",
        fontSize: 14,
        fontWeight: 600,
        marginTop: 8,
        padding: "10px 16px",
      }}
    >
      {children}
    </Button>
  );
}
