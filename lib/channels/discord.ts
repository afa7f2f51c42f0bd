// Discord webhooks: `{content, embeds: [{title, url, description, color,
// fields}]}`, the embed coloured by impact. `allowed_mentions: {parse: []}`
// keeps @everyone/@here/role mentions in incident text from pinging anyone.
import { COMPONENT_STATUS_LABELS, type ComponentStatus, IMPACT_LABELS, type Impact } from "@/db/constants";
import { type ChannelAdapter, componentChangeLine, componentTitle, truncate } from "./types";

export const IMPACT_COLORS: Record<Impact | "maintenance" | "resolved", number> = {
  none: 0x95a5a6,
  minor: 0xf1c40f,
  major: 0xe67e22,
  critical: 0xe74c3c,
  maintenance: 0x3498db,
  resolved: 0x2ecc71,
};

/** A component change is coloured by its new status, on the same scale as impacts. */
const STATUS_COLORS: Record<ComponentStatus, number> = {
  operational: IMPACT_COLORS.resolved,
  degraded_performance: IMPACT_COLORS.minor,
  partial_outage: IMPACT_COLORS.major,
  major_outage: IMPACT_COLORS.critical,
  under_maintenance: IMPACT_COLORS.maintenance,
};

const NO_MENTIONS = { parse: [] as string[] };

export const discordAdapter: ChannelAdapter = {
  kind: "discord",
  renderEvent(ev) {
    const closed = ["resolved", "postmortem", "completed"].includes(ev.incident.status);
    const color = closed
      ? IMPACT_COLORS.resolved
      : ev.incidentKind === "maintenance"
        ? IMPACT_COLORS.maintenance
        : IMPACT_COLORS[ev.impact];
    const fields = [
      { name: "Status", value: truncate(ev.label, 1024), inline: true },
      ev.incidentKind === "maintenance"
        ? { name: "Type", value: "Scheduled maintenance", inline: true }
        : { name: "Impact", value: IMPACT_LABELS[ev.impact], inline: true },
    ];
    if (ev.affected.length)
      fields.push({
        name: "Affected components",
        value: truncate(
          ev.affected
            .map((a) => `${a.name}: ${COMPONENT_STATUS_LABELS[a.status as ComponentStatus] ?? a.status}`)
            .join("\n"),
          1024,
        ),
        inline: false,
      });
    return JSON.stringify({
      allowed_mentions: NO_MENTIONS,
      embeds: [
        {
          title: truncate(ev.incident.name, 256),
          url: ev.url,
          description: truncate(ev.body, 4000),
          color,
          fields,
          timestamp: ev.at.toISOString(),
          footer: { text: truncate(ev.pageName, 2048) },
        },
      ],
    });
  },
  renderComponent(ev) {
    return JSON.stringify({
      allowed_mentions: NO_MENTIONS,
      embeds: [
        {
          title: truncate(componentTitle(ev), 256),
          url: ev.url,
          description: truncate(componentChangeLine(ev), 4000),
          color: STATUS_COLORS[ev.component_update.new_status],
          timestamp: ev.at.toISOString(),
          footer: { text: truncate(ev.pageName, 2048) },
        },
      ],
    });
  },
  renderNotice(n) {
    return JSON.stringify({
      allowed_mentions: NO_MENTIONS,
      embeds: [
        {
          title: truncate(n.title, 256),
          url: n.root,
          description: n.code ? `${n.text}\n\nCode: \`${n.code}\`` : n.text,
          color: IMPACT_COLORS.maintenance,
          footer: { text: truncate(n.pageName, 2048) },
        },
      ],
    });
  },
};
