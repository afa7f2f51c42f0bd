// Slack incoming webhooks: `{text, blocks}` (Block Kit). Every piece of user
// text goes through escapeMrkdwn / markdownToMrkdwn (lib/channels/mrkdwn.ts).
import { COMPONENT_STATUS_LABELS, type ComponentStatus, IMPACT_LABELS } from "@/db/constants";
import { escapeMrkdwn, markdownToMrkdwn } from "./mrkdwn";
import { type ChannelAdapter, componentChangeLine, componentTitle, truncate } from "./types";

const statusLabel = (s: string) => COMPONENT_STATUS_LABELS[s as ComponentStatus] ?? s;
// Slack's limit on a section's text is 3,000 characters; fields are 10 at most.
const TEXT_MAX = 2900;

export const slackAdapter: ChannelAdapter = {
  kind: "slack",
  renderEvent(ev) {
    const name = escapeMrkdwn(ev.incident.name);
    const facts = [
      `*Status:* ${escapeMrkdwn(ev.label)}`,
      ev.incidentKind === "maintenance" ? "*Scheduled maintenance*" : `*Impact:* ${IMPACT_LABELS[ev.impact]}`,
    ].join("  ·  ");
    const blocks: unknown[] = [
      { type: "section", text: { type: "mrkdwn", text: `*<${ev.url}|${truncate(name, 200)}>*\n${facts}` } },
    ];
    const body = markdownToMrkdwn(ev.body);
    if (body) blocks.push({ type: "section", text: { type: "mrkdwn", text: truncate(body, TEXT_MAX) } });
    if (ev.affected.length)
      blocks.push({
        type: "section",
        fields: ev.affected.slice(0, 10).map((a) => ({
          type: "mrkdwn",
          text: `*${escapeMrkdwn(truncate(a.name, 100))}*\n${statusLabel(a.status)}`,
        })),
      });
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `${escapeMrkdwn(ev.pageName)} · <${ev.root}|status page>` }],
    });
    // `text` is the notification's fallback (push, screen readers): plain, escaped too.
    return JSON.stringify({ text: escapeMrkdwn(`[${ev.pageName}] ${ev.label}: ${ev.incident.name}`), blocks });
  },
  renderComponent(ev) {
    const name = escapeMrkdwn(truncate(componentTitle(ev), 200));
    const line = escapeMrkdwn(componentChangeLine(ev));
    return JSON.stringify({
      text: escapeMrkdwn(`[${ev.pageName}] ${componentTitle(ev)}: ${componentChangeLine(ev)}`),
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: `*<${ev.url}|${name}>*\n*Status:* ${line}` } },
        {
          type: "context",
          elements: [{ type: "mrkdwn", text: `${escapeMrkdwn(ev.pageName)} · <${ev.root}|status page>` }],
        },
      ],
    });
  },
  renderNotice(n) {
    const text = `*${escapeMrkdwn(n.title)}*\n${escapeMrkdwn(n.text)}${n.code ? `\nCode: \`${n.code}\`` : ""}`;
    return JSON.stringify({
      text: escapeMrkdwn(n.title),
      blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
    });
  },
};
