// Public pages need no JavaScript: snapshot HTML drops Next's client runtime and
// RSC payload and inlines the rules of the stylesheet that the page can use
// (prune-css.ts), so one response is the whole page.
// A script marked `data-keep` (the optional local-time script,
// components/status/time.tsx) survives.
import { pruneCss, usedClasses, usedTags } from "./prune-css";

const SCRIPT = /<script\b([^>]*)>[\s\S]*?<\/script>/gi;
const KEEP = /\bdata-keep\b/;
const SCRIPT_PRELOAD = /<link\b[^>]*\bas="script"[^>]*\/?>|<link\b[^>]*\brel="modulepreload"[^>]*\/?>/gi;
const STYLESHEET = /<link\b[^>]*\brel="stylesheet"[^>]*\/?>/gi;
const HREF = /\bhref="([^"]+)"/i;

/**
 * `readAsset` maps a `/_next/static/…` URL to the file's text (or null when it
 * cannot be read, in which case the link stays).
 */
export function staticHtml(html: string, readAsset: (href: string) => string | null): string {
  let used: Set<string> | undefined;
  let tags: Set<string> | undefined;
  return html
    .replace(SCRIPT, (tag, attrs: string) => (KEEP.test(attrs) ? tag : ""))
    .replace(SCRIPT_PRELOAD, "")
    .replace(STYLESHEET, (tag) => {
      const href = HREF.exec(tag)?.[1];
      const full = href?.startsWith("/_next/static/") ? readAsset(href) : null;
      const css = full === null ? null : pruneCss(full, (used ??= usedClasses(html)), (tags ??= usedTags(html)));
      // "</style" inside CSS would end the element early; Tailwind output never has it.
      return css !== null && !/<\/style/i.test(css) ? `<style>${css}</style>` : tag;
    });
}
