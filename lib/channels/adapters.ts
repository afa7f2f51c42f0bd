import type { ChannelKind } from "@/db/constants";
import { discordAdapter } from "./discord";
import { slackAdapter } from "./slack";
import { teamsAdapter } from "./teams";
import type { ChannelAdapter } from "./types";
import { webhookAdapter } from "./webhook";

/** A Record over CHANNEL_KINDS: a new kind does not compile without its adapter. */
export const ADAPTERS: Record<ChannelKind, ChannelAdapter> = {
  webhook: webhookAdapter,
  slack: slackAdapter,
  teams: teamsAdapter,
  discord: discordAdapter,
};
