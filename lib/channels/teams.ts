// Microsoft Teams through a Workflows webhook ("Post to a channel when a
// webhook request is received"): a message with one Adaptive Card attachment.
// Office 365 connectors are retired. Text is plain (markdownToText).
import { COMPONENT_STATUS_LABELS, type ComponentStatus, IMPACT_LABELS } from "@/db/constants";
import { markdownToText } from "../markdown/render";
import { type ChannelAdapter, componentTitle, truncate } from "./types";

const card = (body: unknown[], actions: unknown[]) =>
  JSON.stringify({
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body,
          actions,
        },
      },
    ],
  });

// Adaptive Card TextBlocks read a markdown subset; plain text must not turn into links or emphasis.
const plain = (s: string) => s.replace(/([\\*_[\]()`#>~-])/g, "\\$1");

export const teamsAdapter: ChannelAdapter = {
  kind: "teams",
  renderEvent(ev) {
    const facts = [
      { title: "Status", value: ev.label },
      ev.incidentKind === "maintenance"
        ? { title: "Type", value: "Scheduled maintenance" }
        : { title: "Impact", value: IMPACT_LABELS[ev.impact] },
      ...ev.affected.map((a) => ({
        title: truncate(a.name, 100),
        value: COMPONENT_STATUS_LABELS[a.status as ComponentStatus] ?? a.status,
      })),
    ];
    const body: unknown[] = [
      { type: "TextBlock", text: plain(ev.pageName), isSubtle: true, spacing: "None" },
      { type: "TextBlock", text: plain(truncate(ev.incident.name, 250)), weight: "Bolder", size: "Medium", wrap: true },
      { type: "FactSet", facts },
    ];
    const text = markdownToText(ev.body);
    if (text) body.push({ type: "TextBlock", text: plain(truncate(text, 4000)), wrap: true });
    return card(body, [{ type: "Action.OpenUrl", title: "View on the status page", url: ev.url }]);
  },
  renderComponent(ev) {
    const u = ev.component_update;
    const facts = [{ title: "Status", value: COMPONENT_STATUS_LABELS[u.new_status] }];
    if (u.old_status) facts.push({ title: "Previously", value: COMPONENT_STATUS_LABELS[u.old_status] });
    const body: unknown[] = [
      { type: "TextBlock", text: plain(ev.pageName), isSubtle: true, spacing: "None" },
      {
        type: "TextBlock",
        text: plain(truncate(componentTitle(ev), 250)),
        weight: "Bolder",
        size: "Medium",
        wrap: true,
      },
      { type: "FactSet", facts },
    ];
    return card(body, [{ type: "Action.OpenUrl", title: "View on the status page", url: ev.url }]);
  },
  renderNotice(n) {
    const body: unknown[] = [
      { type: "TextBlock", text: plain(n.title), weight: "Bolder", wrap: true },
      { type: "TextBlock", text: plain(n.text), wrap: true },
    ];
    if (n.code) body.push({ type: "TextBlock", text: `Code: ${n.code}`, fontType: "Monospace", size: "Large" });
    return card(body, [{ type: "Action.OpenUrl", title: "Status page", url: n.root }]);
  },
};
