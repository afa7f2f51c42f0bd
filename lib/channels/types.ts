import type { ChannelKind } from "@/db/constants";
import { COMPONENT_STATUS_LABELS } from "@/db/constants";
import type { ChannelEventData, ComponentEventData } from "./event";

/** A message that is not an event: "Send test" from the console, a visitor's verification code. */
export interface ChannelNotice {
  type: "test" | "verification";
  pageId: string;
  pageName: string;
  root: string;
  title: string;
  text: string;
  /** Verification only: the code the visitor types back (or a webhook receiver echoes). */
  code?: string;
}

/**
 * One per channel kind (DESIGN.md §9). `renderEvent` runs once per
 * notification and its result is stored (lib/channels/render.ts), so every
 * retry sends the same bytes; per-target parts (the webhook's meta and
 * signature) are added at send time by lib/channels/send.ts.
 */
export interface ChannelAdapter {
  kind: ChannelKind;
  renderEvent(ev: ChannelEventData): string;
  /** A component status change (component_updated), rendered once like an event. */
  renderComponent(ev: ComponentEventData): string;
  renderNotice(n: ChannelNotice): string;
}

export const truncate = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** "Europe › API" for a component in a group, else its name. */
export const componentTitle = (ev: ComponentEventData) =>
  ev.groupName ? `${ev.groupName} › ${ev.component.name}` : ev.component.name;

/** "Major outage (was Operational)": what a component change says in every chat channel. */
export function componentChangeLine(ev: ComponentEventData): string {
  const u = ev.component_update;
  const now = COMPONENT_STATUS_LABELS[u.new_status];
  return u.old_status ? `${now} (was ${COMPONENT_STATUS_LABELS[u.old_status].toLowerCase()})` : now;
}
