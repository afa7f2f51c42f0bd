// Statuspage management API v1 shapes for subscribers
// (app/api/v1/pages/[pageId]/subscribers/**): the JSON of one subscriber, the
// create body and the list query, mapped to the use cases in ./admin.ts.
import { z } from "zod";
import { CHANNEL_KINDS, type ChannelKind, SUBSCRIBER_STATES } from "@/db/constants";
import { ValidationError } from "../errors";
import { parseListQuery } from "../statuspage/v1-input";
import type { AddSubscriberInput, ListSubscribersInput, SubscriberDto } from "./admin";
import type { AddChannelInput, ChannelTargetDto } from "./channels";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function subscriberV1(s: SubscriberDto) {
  return {
    id: s.id,
    email: s.email,
    mode: "email" as const,
    // Not stored: a subscriber added without confirmation is the one confirmed the moment it was created.
    skip_confirmation_notification: s.confirmedAt !== null && s.confirmedAt.getTime() === s.createdAt.getTime(),
    quarantined_at: iso(s.quarantinedAt),
    // Statuspage purges quarantined subscribers after a while; Herald keeps them until an operator acts.
    purge_at: null,
    components: s.componentIds,
    created_at: iso(s.createdAt),
    state: s.state,
  };
}
export type SubscriberV1 = ReturnType<typeof subscriberV1>;

/** A webhook/chat subscriber: `endpoint` is the masked target (the full URL is a credential and never sent back). */
export function channelSubscriberV1(t: ChannelTargetDto) {
  return {
    id: t.id,
    email: t.ownerEmail,
    endpoint: t.label,
    mode: t.kind,
    skip_confirmation_notification: true,
    quarantined_at: null,
    purge_at: null,
    components: t.componentIds,
    created_at: iso(t.createdAt),
    state: t.state,
  };
}

/**
 * Statuspage's create body: `email` for an email subscriber; `endpoint` (and
 * `email` for failure notices) for a webhook one. Herald's extension `channel`
 * ("slack", "teams", "discord") makes the endpoint a chat target.
 */
export const SubscriberCreateBody = z.strictObject({
  subscriber: z.strictObject({
    email: z.string().optional(),
    endpoint: z.string().optional(),
    channel: z.enum(CHANNEL_KINDS).optional(),
    component_ids: z.array(z.string()).max(500).optional(),
    skip_confirmation_notification: z.boolean().optional(),
  }),
});

export function toAddChannelInput({ subscriber: s }: z.infer<typeof SubscriberCreateBody>): AddChannelInput | null {
  if (s.endpoint === undefined) return null;
  return {
    kind: s.channel ?? "webhook",
    url: s.endpoint,
    ownerEmail: s.email ?? null,
    componentIds: s.component_ids ?? [],
  };
}

/** `?type=webhook|slack|teams|discord` lists channel subscribers; anything else (or none) email ones. */
export function channelTypeOf(params: URLSearchParams): ChannelKind | null {
  const type = params.get("type");
  return (CHANNEL_KINDS as readonly string[]).includes(type ?? "") ? (type as ChannelKind) : null;
}

export function toAddSubscriberInput({ subscriber: s }: z.infer<typeof SubscriberCreateBody>): AddSubscriberInput {
  return {
    email: s.email ?? "",
    componentIds: s.component_ids ?? [],
    skipConfirmation: s.skip_confirmation_notification ?? false,
  };
}

const StateQuery = z
  .enum([...SUBSCRIBER_STATES, "all"], { error: `One of ${[...SUBSCRIBER_STATES, "all"].join(", ")}` })
  .default("active");

/**
 * `?q=&state=&limit=&page=`. As on Statuspage, `state` defaults to active and
 * `all` lists every state.
 */
export function parseSubscriberQuery(params: URLSearchParams): ListSubscribersInput {
  const { q, limit, page } = parseListQuery(params);
  const states = params.getAll("state");
  const state = StateQuery.safeParse(states.length > 1 ? null : states[0]);
  if (!state.success) {
    const message = states.length > 1 ? "Give a single value" : state.error.issues[0].message;
    throw new ValidationError(`state: ${message}`, { state: [message] });
  }
  return { q, state: state.data === "all" ? undefined : state.data, page, perPage: limit };
}
