import { Button } from "@react-email/button";
import { Heading } from "@react-email/heading";
import { Link } from "@react-email/link";
import { Text } from "@react-email/text";
import { EmailLayout, linkStyle, type Branding } from "./layout";

export interface ConfirmEmailProps {
  brand: Branding;
  confirmUrl: string;
  unsubscribeUrl: string;
  recipient: string;
}

export function ConfirmSubscriptionEmail(p: ConfirmEmailProps) {
  return (
    <EmailLayout
      brand={p.brand}
      preview={`Confirm your subscription to ${p.brand.pageName}`}
      footer={
        <>
          Someone (hopefully you) asked to send {p.recipient} status updates from {p.brand.pageName}. If that was not you, ignore this email: nothing
          will be sent unless the subscription is confirmed.{" "}
          <Link href={p.unsubscribeUrl} style={linkStyle}>
            Cancel this request
          </Link>
          .
        </>
      }
    >
      <Heading as="h1" style={{ color: "#18181b", fontSize: 20, lineHeight: "28px", margin: "12px 0" }}>
        Confirm your subscription
      </Heading>
      <Text style={{ fontSize: 14, lineHeight: "22px" }}>
        Confirm that you want email updates about incidents and maintenance from {p.brand.pageName}. The link opens a page with a button; nothing
        changes until you press it.
      </Text>
      <Button href={p.confirmUrl} style={{ backgroundColor: p.brand.brandColor, borderRadius: 6, color: "#ffffff", fontSize: 14, fontWeight: 600, padding: "10px 16px" }}>
        Confirm subscription
      </Button>
      <Text style={{ color: "#71717a", fontSize: 12, lineHeight: "18px" }}>The link works for 7 days.</Text>
    </EmailLayout>
  );
}
