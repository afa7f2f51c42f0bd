import type { ChannelKind } from "@/db/constants";
import type { ChannelEventData } from "./event";

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
  renderNotice(n: ChannelNotice): string;
}

export const truncate = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
