// The embeddable status widget: an HTML document for <iframe src="/embed">
// and a script (/embed.js) that draws the same thing inside the host page
// from /api/v2/summary.json. Pure functions; all text is escaped.
import { IMPACT_LABELS, INCIDENT_STATUS_LABELS } from "@/db/constants";
import { INDICATOR_COLORS } from "../badges/badge";
import { escapeXml } from "../feeds/xml";
import type { StatusPageData } from "../public/loaders";

/** The iframe document: overall status, open incidents and maintenances in progress, each linking to the page. */
export function embedHtml(data: Pick<StatusPageData, "page" | "overall" | "active">, baseUrl: string): string {
  const e = escapeXml;
  const items = data.active
    .map((i) => {
      const kind = i.kind === "maintenance" ? "Maintenance" : i.impact === "none" ? "No impact" : `${IMPACT_LABELS[i.impact]} impact`;
      return `<li><a href="${e(`${baseUrl}/incidents/${i.id}`)}" target="_blank" rel="noopener">${e(i.name)}</a><span>${e(`${kind} · ${INCIDENT_STATUS_LABELS[i.status]}`)}</span></li>`;
    })
    .join("");
  const color = INDICATOR_COLORS[data.overall.indicator];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(`${data.page.name} status`)}</title>
<style>
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#18181b;background:#fff}
.w{border:1px solid #e4e4e7;border-left:6px solid ${color};border-radius:8px;padding:10px 14px}
.s{display:flex;align-items:center;gap:8px;font-weight:600;color:inherit;text-decoration:none}
.s:hover{text-decoration:underline}
.d{width:10px;height:10px;border-radius:50%;background:${color};flex:none}
ul{margin:8px 0 0;padding:0;list-style:none}li{margin-top:6px}li a{color:#1d4ed8}li span{display:block;font-size:12px;color:#52525b}
.p{margin-top:8px;font-size:12px;color:#52525b}
@media (prefers-color-scheme:dark){body{background:#18181b;color:#f4f4f5}.w{border-color:#3f3f46;border-left-color:${color}}li a{color:#93c5fd}li span,.p{color:#a1a1aa}}
</style></head>
<body><div class="w">
<a class="s" href="${e(baseUrl)}/" target="_blank" rel="noopener"><span class="d" aria-hidden="true"></span>${e(data.overall.description)}</a>
${items ? `<ul>${items}</ul>` : ""}
<div class="p"><a href="${e(baseUrl)}/" target="_blank" rel="noopener" style="color:inherit">${e(`${data.page.name} status`)}</a></div>
</div></body></html>
`;
}

/**
 * `<script src="…/embed.js" async></script>` puts the widget where the tag
 * is; `data-mode="iframe"` on the tag inserts the /embed iframe instead. The
 * widget lives in a shadow root so the host page's CSS cannot reach it, and
 * writes text with textContent only.
 */
export function embedScript(): string {
  return `(function () {
  var s = document.currentScript;
  if (!s) return;
  var origin = new URL(s.src).origin;
  var host = document.createElement("div");
  host.className = "herald-status";
  s.parentNode.insertBefore(host, s);
  if (s.getAttribute("data-mode") === "iframe") {
    var f = document.createElement("iframe");
    f.src = origin + "/embed";
    f.title = "Service status";
    f.style.cssText = "border:0;width:100%;max-width:420px;height:" + (s.getAttribute("data-height") || "140") + "px";
    host.appendChild(f);
    return;
  }
  var colors = ${JSON.stringify(INDICATOR_COLORS)};
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  fetch(origin + "/api/v2/summary.json").then(function (r) { return r.json(); }).then(function (d) {
    var url = d.page.url || origin;
    var color = colors[d.status.indicator] || "#555";
    var box = document.createElement("div");
    box.style.cssText = "font:14px/1.4 system-ui,sans-serif;border:1px solid #d4d4d8;border-left:6px solid " + color + ";border-radius:8px;padding:8px 12px;max-width:420px;background:#fff;color:#18181b";
    var a = document.createElement("a");
    a.href = url; a.target = "_blank"; a.rel = "noopener";
    a.style.cssText = "font-weight:600;color:inherit;text-decoration:none";
    a.textContent = "\\u25CF " + d.status.description;
    box.appendChild(a);
    var open = d.incidents.concat(d.scheduled_maintenances.filter(function (m) { return m.status === "in_progress" || m.status === "verifying"; }));
    open.forEach(function (i) {
      var l = document.createElement("a");
      l.href = i.shortlink; l.target = "_blank"; l.rel = "noopener";
      l.style.cssText = "display:block;margin-top:4px;color:#1d4ed8";
      l.textContent = i.name + " (" + i.status.replace("_", " ") + ")";
      box.appendChild(l);
    });
    root.appendChild(box);
  }).catch(function () {});
})();
`;
}
