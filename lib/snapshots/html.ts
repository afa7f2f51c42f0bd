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
  // Classes and element types are read from the page without its scripts: the RSC payload is most of a render's
  // bytes (290 of 490 KB on the 10-year seed's `/`) and holds nothing a reader without JavaScript sees.
  const page = html.replace(SCRIPT, (tag, attrs: string) => (KEEP.test(attrs) ? tag : "")).replace(SCRIPT_PRELOAD, "");
  let used: Set<string> | undefined;
  let tags: Set<string> | undefined;
  return page.replace(STYLESHEET, (tag) => {
    const href = HREF.exec(tag)?.[1];
    const full = href?.startsWith("/_next/static/") ? readAsset(href) : null;
    const css = full === null ? null : prunedCss(full, (used ??= usedClasses(page)), (tags ??= usedTags(page)));
    // "</style" inside CSS would end the element early; Tailwind output never has it.
    return css !== null && !/<\/style/i.test(css) ? `<style>${css}</style>` : tag;
  });
}

/**
 * pruneCss results by stylesheet and the classes and types a page uses: every render of a page after a publish asks
 * again with the same ones (the stylesheets are the build's, so a handful of entries; bounded all the same).
 */
const pruned = new Map<string, Map<string, string>>();
const MAX_PRUNED = 64;

function prunedCss(css: string, used: Set<string>, tags: Set<string>): string {
  const key = `${[...used].sort().join(" ")}\n${[...tags].sort().join(" ")}`;
  let forCss = pruned.get(css);
  if (!forCss) pruned.set(css, (forCss = new Map()));
  let out = forCss.get(key);
  if (out === undefined) {
    if (forCss.size >= MAX_PRUNED) forCss.clear();
    out = pruneCss(css, used, tags);
    forCss.set(key, out);
  }
  return out;
}
