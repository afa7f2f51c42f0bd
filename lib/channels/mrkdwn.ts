// Incident markdown → Slack mrkdwn that says what the author wrote and nothing
// more: &, < and > are escaped (so no <!channel>, <@U…> or <url|label> can be
// smuggled in), bare @channel/@here/@everyone are broken with a zero-width
// joiner, and links are rebuilt only from http(s) URLs.
import type { Nodes, Root } from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";

const parser = unified().use(remarkParse).use(remarkGfm).freeze();

const ZWJ = "\u200d";

/** Escapes text for any mrkdwn position. */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(channel|here|everyone)\b/gi, `@${ZWJ}$1`);
}

function safeUrl(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== "https:" && u.protocol !== "http:") return null;
    // "|" and ">" would end the link early; the URL parser has already %-encoded spaces.
    return u.href.replace(/\|/g, "%7C").replace(/>/g, "%3E").replace(/</g, "%3C");
  } catch {
    return null;
  }
}

function inline(nodes: Nodes[]): string {
  return nodes.map(node).join("");
}

function node(n: Nodes): string {
  switch (n.type) {
    case "text":
      return escapeMrkdwn(n.value);
    case "strong":
      return `*${inline(n.children)}*`;
    case "emphasis":
      return `_${inline(n.children)}_`;
    case "delete":
      return `~${inline(n.children)}~`;
    case "inlineCode":
      return `\`${escapeMrkdwn(n.value.replace(/`/g, "'"))}\``;
    case "code":
      return `\`\`\`${escapeMrkdwn(n.value.replace(/```/g, "'''"))}\`\`\``;
    case "link": {
      const label = inline(n.children) || escapeMrkdwn(n.url);
      const url = safeUrl(n.url);
      return url ? `<${url}|${label.replace(/\|/g, "/")}>` : label;
    }
    case "image":
      return escapeMrkdwn(n.alt ?? "");
    case "break":
      return "\n";
    case "heading":
      return `*${inline(n.children)}*`;
    case "paragraph":
      return inline(n.children);
    case "blockquote":
      return n.children
        .map(node)
        .join("\n")
        .split("\n")
        .map((l) => `> ${l}`)
        .join("\n");
    case "list":
      return n.children
        .map((item, i) => `${n.ordered ? `${(n.start ?? 1) + i}.` : "•"} ${item.children.map(node).join("\n")}`)
        .join("\n");
    case "thematicBreak":
      return "―――";
    case "html":
      // Raw HTML is shown as text, escaped.
      return escapeMrkdwn(n.value);
    case "table":
      return n.children.map((row) => row.children.map((cell) => inline(cell.children)).join(" | ")).join("\n");
    case "root":
      return n.children.map(node).join("\n\n");
    default:
      return "children" in n ? inline(n.children as Nodes[]) : "value" in n ? escapeMrkdwn(String(n.value)) : "";
  }
}

export function markdownToMrkdwn(markdown: string): string {
  return node(parser.parse(markdown) as Root).trim();
}
