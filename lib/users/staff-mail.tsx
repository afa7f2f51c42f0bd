// Email to staff (invitations, password reset links). One message to one
// person, sent right after the transaction that made its token commits —
// never inside it — through the same transport as subscriber email (Resend,
// or the console's Outbox when there is no key). The links carry the token
// as `?token=`, which the Outbox hides from editors and viewers.
import { render } from "@react-email/render";
import { Button } from "@react-email/button";
import { Heading } from "@react-email/heading";
import { Text } from "@react-email/text";
import type { Db } from "@/db/client";
import type { Page } from "@/db/schema";
import { mailerFromEnv } from "../email/from-env";
import { EmailLayout } from "../email/templates/layout";
import { headerSafe, type Mailer, type SendOutcome } from "../email/types";
import { env } from "../env";
import { senderOf } from "../worker/deliver";

export interface StaffMail {
  mailer: Mailer;
  /** Sender when the page has no email_from. */
  defaultFrom: string;
  /** Where the console is reached, no trailing slash: links point there. */
  consoleUrl: string;
}

export function staffMailFromEnv(db: Db): StaffMail {
  const e = env();
  return {
    mailer: mailerFromEnv(db),
    defaultFrom: e.HERALD_EMAIL_FROM ?? "Herald <herald@localhost>",
    consoleUrl: (e.HERALD_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
  };
}

type PageBrand = Pick<Page, "name" | "emailFrom" | "brandColor" | "logoUrl" | "url">;

export type StaffEmail =
  | { kind: "invitation"; to: string; url: string; role: string; invitedBy: string; expiresAt: Date }
  | { kind: "password_reset"; to: string; url: string; validMinutes: number };

const textStyle = { fontSize: 14, lineHeight: "22px" };
const article = (role: string) => (/^[aeiou]/.test(role) ? "an" : "a");

function Body({ page, mail }: { page: PageBrand; mail: StaffEmail }) {
  const brand = { pageName: page.name, pageUrl: mail.url, brandColor: page.brandColor, logoUrl: page.logoUrl };
  const invite = mail.kind === "invitation";
  return (
    <EmailLayout
      brand={brand}
      preview={invite ? `You are invited to ${page.name}'s status console` : `Reset your ${page.name} console password`}
      footer={
        invite
          ? `The link works once and until ${mail.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC. ` +
            "If you did not expect this, ignore this email."
          : `The link works once, for ${mail.validMinutes} minutes. ` +
            "If you did not ask for it, ignore this email: your password stays as it is."
      }
    >
      <Heading as="h1" style={{ color: "#18181b", fontSize: 20, lineHeight: "28px", margin: "12px 0" }}>
        {invite ? `Join ${page.name} on Herald` : "Reset your password"}
      </Heading>
      <Text style={textStyle}>
        {invite
          ? `${mail.invitedBy} invited you to the status console as ${article(mail.role)} ${mail.role}.`
          : `Someone asked to reset the password of ${mail.to} for the ${page.name} status console.`}
      </Text>
      <Button
        href={mail.url}
        style={{
          backgroundColor: page.brandColor,
          borderRadius: 6,
          color: "#ffffff",
          fontSize: 14,
          fontWeight: 600,
          padding: "10px 18px",
        }}
      >
        {invite ? "Accept the invitation" : "Choose a new password"}
      </Button>
      <Text style={{ ...textStyle, color: "#52525b", wordBreak: "break-all" }}>{mail.url}</Text>
    </EmailLayout>
  );
}

/** Renders and sends one staff email. The key makes a retried send of the same link a no-op at the provider. */
export async function sendStaffEmail(
  staff: StaffMail,
  page: PageBrand,
  mail: StaffEmail,
  idempotencyKey: string,
): Promise<SendOutcome> {
  const element = <Body page={page} mail={mail} />;
  const subject =
    mail.kind === "invitation"
      ? `You are invited to ${page.name} on Herald`
      : `Reset your ${page.name} console password`;
  return staff.mailer.sendBatch(
    [
      {
        from: senderOf(page, staff.defaultFrom),
        to: mail.to,
        subject: headerSafe(subject),
        html: await render(element),
        text: await render(element, { plainText: true }),
        headers: {},
      },
    ],
    idempotencyKey,
  );
}
