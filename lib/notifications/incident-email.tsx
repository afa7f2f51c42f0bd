import { render } from "@react-email/render";
import { COMPONENT_STATUS_LABELS, INCIDENT_STATUS_LABELS, type AnyIncidentStatus, type ComponentStatus, type IncidentKind } from "@/db/constants";
import type { Page } from "@/db/schema";
import { IncidentUpdateEmail } from "../email/templates/incident-update";
import { headerSafe } from "../email/types";
import { markdownToText, renderMarkdown } from "../markdown/render";

export interface IncidentEmailInput {
  page: Pick<Page, "name" | "brandColor" | "logoUrl">;
  /** The public site's root URL, without a trailing slash. */
  root: string;
  kind: IncidentKind;
  incidentId: string;
  incidentName: string;
  status: AnyIncidentStatus;
  body: string;
  displayAt: Date;
  affected: { name: string; status: ComponentStatus; hidden: boolean }[];
  recipient: string;
  manageUrl: string;
  unsubscribeUrl: string;
}

/**
 * Subject, HTML and text of an incident or maintenance update email: the
 * outbox (render.tsx, with recipient placeholders) and the console's "Preview
 * before posting" (with the form's values) both render through this.
 */
export async function renderIncidentEmail(i: IncidentEmailInput): Promise<{ subject: string; html: string; text: string }> {
  const statusLabel = INCIDENT_STATUS_LABELS[i.status];
  const el = (
    <IncidentUpdateEmail
      brand={{ pageName: i.page.name, pageUrl: i.root, brandColor: i.page.brandColor, logoUrl: i.page.logoUrl }}
      kindLabel={i.kind === "maintenance" ? "Scheduled maintenance" : "Incident"}
      incidentName={i.incidentName}
      statusLabel={statusLabel}
      bodyHtml={renderMarkdown(i.body)}
      bodyText={markdownToText(i.body)}
      displayAt={`${i.displayAt.toISOString().slice(0, 16).replace("T", " ")} UTC`}
      affected={i.affected.filter((a) => !a.hidden).map((a) => ({ name: a.name, statusLabel: COMPONENT_STATUS_LABELS[a.status] }))}
      incidentUrl={`${i.root}/incidents/${i.incidentId}`}
      recipient={i.recipient}
      manageUrl={i.manageUrl}
      unsubscribeUrl={i.unsubscribeUrl}
    />
  );
  // CR/LF or other controls in an incident name must never reach a header line.
  const subject = headerSafe(`[${i.page.name}] ${statusLabel}: ${i.incidentName}`, 250);
  return { subject, html: await render(el), text: await render(el, { plainText: true }) };
}
