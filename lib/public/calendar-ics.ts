// /maintenance.ics (RFC 5545) written by ical-generator: one VEVENT per
// maintenance, UTC times, CRLF lines folded at 75 octets (the library's job).
// A pure function of the calendar model: the same content gives the same bytes.
import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import { INCIDENT_STATUS_LABELS } from "@/db/constants";
import type { CalendarEvent } from "./calendar";
import type { PublicPage } from "./page";

export const ICS_CONTENT_TYPE = "text/calendar; charset=utf-8";

/**
 * Stable forever: built from the page and maintenance ids only, never from a
 * name or the public URL, so calendars update the event instead of adding one.
 */
export const eventUid = (pageId: string, maintenanceId: string) => `maintenance-${maintenanceId}@${pageId}.herald`;

export function buildMaintenanceCalendar({
  page,
  events,
  baseUrl,
}: {
  page: PublicPage;
  events: readonly CalendarEvent[];
  baseUrl: string;
}): string {
  const cal = ical({
    name: `${page.name} maintenance`,
    description: `Scheduled maintenance for ${page.name}`,
    prodId: { company: "Herald", product: "status page", language: "EN" },
    method: ICalCalendarMethod.PUBLISH,
    url: `${baseUrl}/maintenance.ics`,
    source: `${baseUrl}/maintenance.ics`,
    // Calendar apps poll subscriptions; an hour is the common hint.
    ttl: 60 * 60,
  });
  for (const e of events) {
    const lines = [
      `Status: ${e.cancelled ? "Cancelled" : INCIDENT_STATUS_LABELS[e.status]}`,
      e.components.length ? `Affected: ${e.components.join(", ")}` : null,
      e.text || null,
      `${baseUrl}/incidents/${e.id}`,
    ];
    cal.createEvent({
      id: eventUid(page.id, e.id),
      sequence: e.sequence,
      stamp: e.updatedAt,
      created: e.createdAt,
      lastModified: e.updatedAt,
      start: e.start,
      end: e.end,
      // Plain Dates without a zone are written in UTC (…Z).
      timezone: null,
      summary: e.cancelled ? `Cancelled: ${e.name}` : e.name,
      description: lines.filter((l) => l !== null).join("\n\n"),
      url: `${baseUrl}/incidents/${e.id}`,
      status: e.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return cal.toString();
}
