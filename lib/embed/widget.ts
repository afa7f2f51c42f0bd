// The embeddable status widget in its two forms: an HTML document drawn from
// one EmbedModel (./model.ts) for <iframe src="/embed">, and a script
// (/embed.js) that reads that document and puts its widget in a shadow root of
// the host page. Pure functions; all text is escaped.
import { escapeXml } from "../feeds/xml";
import type { EmbedModel } from "./model";

/** The message the iframe posts to its parent whenever its content's height changes. */
export const EMBED_HEIGHT_MESSAGE = "herald:embed-height";

/**
 * The widget's look, light and dark (it follows the reader's colour scheme
 * like the status page). Scoped to .w so it works in the iframe and inside
 * the script's shadow root alike.
 */
export function embedCss(color: string): string {
  return `.w{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#18181b;background:#fff;border:1px solid
  #e4e4e7;border-left:6px solid ${color};border-radius:8px;padding:10px 14px;box-sizing:border-box;text-align:left}
.s{display:flex;align-items:center;gap:8px;font-weight:600;color:inherit;text-decoration:none}
.s:hover{text-decoration:underline}
.d{width:10px;height:10px;border-radius:50%;background:${color};flex:none}
.w ul{margin:8px 0 0;padding:0;list-style:none}.w li{margin-top:6px}.w li a{color:#1d4ed8}.w li
span{display:block;font-size:12px;color:#52525b}
.p{margin-top:8px;font-size:12px;color:#52525b}.p a{color:inherit}
@media (prefers-color-scheme:dark){.w{background:#18181b;color:#f4f4f5;border-color:#3f3f46;border-left-color:${color}}
.w li a{color:#93c5fd}.w li span,.p{color:#a1a1aa}}`;
}

/** The widget itself: overall status, then each open item linking to its page. */
export function embedMarkup(m: EmbedModel): string {
  const e = escapeXml;
  const link = (href: string, inner: string, cls = "") =>
    `<a${cls ? ` class="${cls}"` : ""} href="${e(href)}" target="_blank" rel="noopener">${inner}</a>`;
  const items = m.items.map((i) => `<li>${link(i.url, e(i.name))}<span>${e(i.label)}</span></li>`).join("");
  return (
    `<div class="w" data-indicator="${e(m.indicator)}">` +
    link(`${m.baseUrl}/`, `<span class="d" aria-hidden="true"></span>${e(m.description)}`, "s") +
    (items ? `<ul>${items}</ul>` : "") +
    `<div class="p">${link(`${m.baseUrl}/`, e(`${m.pageName} status`))}</div></div>`
  );
}

// Posts the body's height to the parent on load and on every resize (text
// wrapping at another width, fonts loading). Inline and marked data-keep, so
// the snapshot server keeps it (lib/snapshots/html.ts drops other scripts)
// and its hash-based CSP (lib/snapshots/csp.ts) allows it; it loads nothing.
const HEIGHT_SCRIPT =
  `(function(){function ` +
  `h(){parent.postMessage({type:"${EMBED_HEIGHT_MESSAGE}",heigh` +
  `t:Math.ceil(document.body.getBoundingClientRect().height)},"` +
  `*")}h();addEventListener("load",h);if(window.ResizeObserver)` +
  `new ResizeObserver(h).observe(document.body)})();`;

// Inherited properties cross a shadow boundary: reset them, so a host page's
// letter-spacing or line-height doesn't change the widget.
const SHADOW_HOST_CSS = ":host{all:initial;display:block;max-width:420px}";

/** The iframe document. */
export function embedHtml(m: EmbedModel): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeXml(`${m.pageName} status`)}</title>
<style>
html,body{margin:0;background:transparent}
${embedCss(m.color)}
</style></head>
<body>${embedMarkup(m)}
<script data-keep>${HEIGHT_SCRIPT}</script>
</body></html>
`;
}

/** The iframe's height before it reports its own: the status line and the footer (data-height overrides it). */
const FIRST_IFRAME_HEIGHT = 76;

/**
 * `<script src="…/embed.js" async></script>` puts the widget where the tag is, in a shadow root so the host page's
 * CSS cannot reach it. The script carries no status: it reads the widget from /embed (the iframe document, served
 * with CORS), so it stays the same file from one change to the next, and a host or a mirror caching it never shows an
 * old status. The stylesheet is adopted (not a <style> element or style attributes), so a host CSP that forbids inline
 * styles does not strip it. `data-mode="iframe"`, a browser without shadow DOM, or /embed unreadable from the host
 * (its CSP's connect-src, a mirror without CORS) inserts the /embed iframe instead, sized from the heights the iframe
 * posts. A `?token=` on the script's URL (a private page's viewer token) is passed on to /embed. The script reads
 * /embed without cookies (a reader signed in to an audience sees the public widget; the iframe shows their view).
 */
export function embedScript(pageName: string): string {
  return `(function () {
  var s = document.currentScript;
  if (!s) return;
  var origin = new URL(s.src).origin;
  var token = /[?&]token=([^&#]*)/.exec(s.src);
  var url = origin + "/embed" + (token ? "?token=" + token[1] : "");
  var host = document.createElement("div");
  host.className = "herald-status";
  s.parentNode.insertBefore(host, s);
  function frame() {
    var f = document.createElement("iframe");
    f.src = url;
    f.title = ${JSON.stringify(`${pageName} status`)};
    f.style.cssText = "border:0;display:block;width:100%;max-width:420px;height:" +
    (Number(s.getAttribute("data-height")) || ${FIRST_IFRAME_HEIGHT}) + "px";
    window.addEventListener("message", function (ev) {
      var d = ev.data;
      if (ev.source !== f.contentWindow || ev.origin !== origin || !d || d.type !==
      ${JSON.stringify(EMBED_HEIGHT_MESSAGE)}) return;
      if (typeof d.height === "number" && d.height > 0 && d.height < 10000) f.style.height = Math.ceil(d.height) + "px";
    });
    host.appendChild(f);
  }
  if (s.getAttribute("data-mode") === "iframe" || !host.attachShadow || !window.fetch || !window.DOMParser)
    return frame();
  fetch(url, { credentials: "omit" })
    .then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    })
    .then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var widget = doc.querySelector(".w");
      var style = doc.querySelector("style");
      if (!widget || !style) throw new Error("not a widget");
      var css = ${JSON.stringify(SHADOW_HOST_CSS)} + style.textContent;
      var node = document.importNode(widget, true);
      var sheet = null;
      if (window.ShadowRoot && "adoptedStyleSheets" in ShadowRoot.prototype && typeof CSSStyleSheet === "function" &&
      "replaceSync" in CSSStyleSheet.prototype) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
      }
      // Last: what could fail is done, so the iframe (the catch) never lands under a shadow root that hides it.
      var root = host.attachShadow({ mode: "open" });
      if (sheet) root.adoptedStyleSheets = [sheet];
      else {
        var el = document.createElement("style");
        el.textContent = css;
        root.appendChild(el);
      }
      root.appendChild(node);
    })
    .catch(frame);
})();
`;
}
