import type { ChannelEvent, NotificationKind } from "@/db/constants";

/** Which event choice a notification kind belongs to; the confirmation email never goes to channels. */
export const EVENT_OF_KIND: Record<NotificationKind, ChannelEvent | null> = {
  incident_created: "incidents",
  incident_updated: "incidents",
  incident_resolved: "incidents",
  postmortem_published: "incidents",
  maintenance_scheduled: "maintenance",
  maintenance_reminder: "maintenance",
  maintenance_started: "maintenance",
  maintenance_completed: "maintenance",
  subscription_confirmation: null,
  component_updated: "components",
};
