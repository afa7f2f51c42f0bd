import { render } from "@react-email/render";
import { COMPONENT_STATUS_LABELS, type ComponentStatus, type IncidentKind } from "@/db/constants";
import type { Page } from "@/db/schema";
import { IncidentUpdateEmail } from "../email/templates/incident-update";
import { headerSafe } from "../email/types";
import { markdownToText, renderMarkdown } from "../markdown/render";
import { formatDateTime } from "../time/format";

export interface IncidentEmailInput {
  page: Pick<Page, "name" | "brandColor" | "logoUrl" | "timeZone">;
  /** The public site's root URL, without a trailing slash. */
  root: string;
  kind: IncidentKind;
  incidentId: string;
  incidentName: string;
  /** What happened, as the subject and the headline say it: "Investigating", "Reminder", "Postmortem". */
  label: string;
  body: string;
  /** When it happened; written in the page's time zone with its abbreviation. */
  at: Date;
  /** Overrides the time line, e.g. a maintenance window "Mar 1, 14:00 – 16:00 EST". */
  when?: string;
  affected: { name: string; status: ComponentStatus; hidden: boolean }[];
  recipient: string;
  manageUrl: string;
  unsubscribeUrl: string;
}

/**
 * Subject, HTML and text of every email about an incident or maintenance
 * (updates, reminders, postmortems): the outbox (render.tsx, with recipient
 * placeholders) and the console's "Preview before posting" (with the form's
 * values) both render through this.
 */
export async function renderIncidentEmail(
  i: IncidentEmailInput,
): Promise<{ subject: string; html: string; text: string }> {
  const el = (
    <IncidentUpdateEmail
      brand={{ pageName: i.page.name, pageUrl: i.root, brandColor: i.page.brandColor, logoUrl: i.page.logoUrl }}
      kindLabel={i.kind === "maintenance" ? "Scheduled maintenance" : "Incident"}
      incidentName={i.incidentName}
      statusLabel={i.label}
      bodyHtml={renderMarkdown(i.body)}
      bodyText={markdownToText(i.body)}
      displayAt={i.when ?? formatDateTime(i.at, i.page.timeZone)}
      affected={i.affected
        .filter((a) => !a.hidden)
        .map((a) => ({ name: a.name, statusLabel: COMPONENT_STATUS_LABELS[a.status] }))}
      incidentUrl={`${i.root}/incidents/${i.incidentId}`}
      recipient={i.recipient}
      manageUrl={i.manageUrl}
      unsubscribeUrl={i.unsubscribeUrl}
    />
  );
  // CR/LF or other controls in an incident name must never reach a header line.
  const subject = headerSafe(`[${i.page.name}] ${i.label}: ${i.incidentName}`, 250);
  return { subject, html: await render(el), text: await render(el, { plainText: true }) };
}
