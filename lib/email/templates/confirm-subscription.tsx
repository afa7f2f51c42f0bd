import { Heading } from "@react-email/heading";
import { Link } from "@react-email/link";
import { Text } from "@react-email/text";
import { BrandButton, EmailLayout, linkStyle, type Branding } from "./layout";

/** What the subscriber asked to hear about, named in the confirmation. */
export interface ConfirmScope {
  /** Only the followed incidents, nothing page-wide ("follow this incident" from a new address). */
  incidentOnly: boolean;
  /** The chosen components' names; empty means every component. */
  components: readonly string[];
  /** The names of the incidents followed. */
  incidents: readonly string[];
}

export interface ConfirmEmailProps {
  brand: Branding;
  confirmUrl: string;
  unsubscribeUrl: string;
  recipient: string;
  scope: ConfirmScope;
}

const textStyle = { fontSize: 14, lineHeight: "22px" };

/** The subscription's scope in words: the person sees what they are confirming. */
function ScopeText({ scope }: { scope: ConfirmScope }) {
  const follows = scope.incidents.length > 0 && (
    <Text style={textStyle}>
      {scope.incidentOnly ? "The incident you follow" : "You also follow"}: {scope.incidents.join(", ")}.
    </Text>
  );
  if (scope.incidentOnly) return follows || null;
  return (
    <>
      <Text style={textStyle}>
        {scope.components.length
          ? `Components you chose: ${scope.components.join(", ")}.`
          : "Components you chose: all of them."}
      </Text>
      {follows}
    </>
  );
}

export function ConfirmSubscriptionEmail(p: ConfirmEmailProps) {
  const about = p.scope.incidentOnly ? "an incident" : "incidents and maintenance";
  return (
    <EmailLayout
      brand={p.brand}
      preview={`Confirm your subscription to ${p.brand.pageName}`}
      footer={
        <>
          Someone (hopefully you) asked to send {p.recipient} status updates from {p.brand.pageName}. If that was not
          you, ignore this email: nothing will be sent unless the subscription is confirmed.{" "}
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
      <Text style={textStyle}>
        Confirm that you want email updates about {about} from {p.brand.pageName}. The link opens a page with a button;
        nothing changes until you press it.
      </Text>
      <ScopeText scope={p.scope} />
      <BrandButton brand={p.brand} href={p.confirmUrl}>
        Confirm subscription
      </BrandButton>
      <Text style={{ color: "#71717a", fontSize: 12, lineHeight: "18px" }}>The link works for 7 days.</Text>
    </EmailLayout>
  );
}
