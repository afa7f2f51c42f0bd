import { Heading } from "@react-email/heading";
import { Link } from "@react-email/link";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";
import { BrandButton, EmailLayout, linkStyle, type Branding } from "./layout";

export interface IncidentEmailProps {
  brand: Branding;
  /** "Incident" or "Scheduled maintenance". */
  kindLabel: string;
  incidentName: string;
  statusLabel: string;
  /** Already sanitized by lib/markdown/render.ts. */
  bodyHtml: string;
  bodyText: string;
  displayAt: string;
  affected: { name: string; statusLabel: string }[];
  incidentUrl: string;
  /** Per-recipient values arrive as placeholders (lib/notifications/render.ts). */
  manageUrl: string;
  unsubscribeUrl: string;
  recipient: string;
}

export function IncidentUpdateEmail(p: IncidentEmailProps) {
  return (
    <EmailLayout
      brand={p.brand}
      preview={`${p.statusLabel}: ${p.bodyText}`.slice(0, 140)}
      footer={
        <>
          You receive this because {p.recipient} subscribed to {p.brand.pageName} updates.{" "}
          <Link href={p.manageUrl} style={linkStyle}>
            Manage your subscription
          </Link>{" "}
          or{" "}
          <Link href={p.unsubscribeUrl} style={linkStyle}>
            unsubscribe
          </Link>
          .
        </>
      }
    >
      <Text
        style={{
          color: "#71717a",
          fontSize: 12,
          letterSpacing: "0.04em",
          margin: "12px 0 0",
          textTransform: "uppercase",
        }}
      >
        {p.kindLabel}
      </Text>
      <Heading as="h1" style={{ color: "#18181b", fontSize: 20, lineHeight: "28px", margin: "4px 0 12px" }}>
        {p.incidentName}
      </Heading>
      <Text style={{ fontSize: 14, margin: "0 0 4px" }}>
        <strong>{p.statusLabel}</strong> <span style={{ color: "#71717a" }}>· {p.displayAt}</span>
      </Text>
      <div
        style={{ color: "#27272a", fontSize: 14, lineHeight: "22px" }}
        // biome-ignore lint/security/noDangerouslySetInnerHtml: bodyHtml is sanitized markdown (lib/markdown/render.ts)
        dangerouslySetInnerHTML={{ __html: p.bodyHtml }}
      />
      {p.affected.length > 0 && (
        <Section style={{ backgroundColor: "#fafafa", borderRadius: 6, margin: "12px 0", padding: "8px 12px" }}>
          <Text style={{ fontSize: 13, fontWeight: 600, margin: "4px 0" }}>Affected components</Text>
          {p.affected.map((c) => (
            <Text key={c.name} style={{ fontSize: 13, margin: "2px 0" }}>
              {c.name} — {c.statusLabel}
            </Text>
          ))}
        </Section>
      )}
      <BrandButton brand={p.brand} href={p.incidentUrl}>
        View on the status page
      </BrandButton>
    </EmailLayout>
  );
}
