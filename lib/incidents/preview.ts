// Preview before posting: what a post form's values would publish — the
// public timeline entry and the subscriber email — computed without saving
// anything. The console's new-incident and post-update forms use it.
import { INCIDENT_STATUS_LABELS, INCIDENT_STATUSES, type ComponentStatus, type IncidentStatus } from "@/db/constants";
import type { Component, Page } from "@/db/schema";
import { renderMarkdown } from "../markdown/render";
import { renderIncidentEmail } from "../notifications/incident-email";
import { formatDateTime } from "../time/format";

/** What a form's post will look like once published, or why it cannot be previewed yet. */
export type PostPreview =
  | { error: string }
  | {
      error?: undefined;
      statusLabel: string;
      timeIso: string;
      timeText: string;
      /** Sanitized HTML, as the public incident page renders it. */
      bodyHtml: string;
      email: { subject: string; html: string; text: string };
      /** Whether the form asks for the email to be sent. */
      notify: boolean;
      /** Placeholders nothing filled in (posting warns about them too). */
      unfilled: string[];
    };

/** A post form's values, placeholders already filled the way posting fills them. */
export interface PreviewPostValues {
  /** The incident an update is posted to; null for a new incident. */
  incident: { id: string; name: string } | null;
  /** The new incident's name (ignored for an update: the incident keeps its own). */
  name: string;
  body: string;
  status: string;
  /** Components whose status the post sets. */
  components: Record<string, string>;
  /** Components named as affected without a new status. */
  componentIds: readonly string[];
  /** The time the form gives (backfill date or publish time); missing or invalid means now. */
  at: Date | undefined;
  notify: boolean;
  backfilled: boolean;
  /** Placeholders the filling left in the text. */
  unfilled: readonly string[];
}

export interface PreviewPostArgs {
  page: Page;
  /** The page's components (live rows), to name the affected ones. */
  components: readonly Pick<Component, "id" | "name" | "status" | "hidden">[];
  /** The public site's base URL (lib/public/page publicBaseUrl). */
  root: string;
  now: Date;
}

export async function previewPost(args: PreviewPostArgs, values: PreviewPostValues): Promise<PostPreview> {
  const { page, root } = args;
  const body = values.body.trim();
  const name = values.incident?.name ?? values.name.trim();
  if (!name) return { error: "Give the incident a name to preview it." };
  if (!body) return { error: "Write a message to preview it." };
  if (!(INCIDENT_STATUSES as readonly string[]).includes(values.status)) return { error: "Pick a status." };
  const status = values.status as IncidentStatus;
  const named = new Set(values.componentIds);
  const affected = args.components
    .filter((c) => c.id in values.components || named.has(c.id))
    .map((c) => ({
      name: c.name,
      status: (values.components[c.id] as ComponentStatus | undefined) ?? c.status,
      hidden: c.hidden,
    }));
  const displayAt = values.at && !Number.isNaN(values.at.getTime()) ? values.at : args.now;
  const email = await renderIncidentEmail({
    page,
    root,
    kind: "incident",
    incidentId: values.incident?.id ?? "new",
    incidentName: name,
    label: INCIDENT_STATUS_LABELS[status],
    body,
    at: displayAt,
    affected,
    recipient: "subscriber@example.com",
    manageUrl: `${root}/subscriptions/manage`,
    unsubscribeUrl: `${root}/subscriptions/unsubscribe`,
  });
  return {
    statusLabel: INCIDENT_STATUS_LABELS[status],
    timeIso: displayAt.toISOString(),
    timeText: formatDateTime(displayAt, page.timeZone),
    bodyHtml: renderMarkdown(body),
    email,
    notify: values.notify && !values.backfilled,
    unfilled: [...new Set(values.unfilled)],
  };
}
