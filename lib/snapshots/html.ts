// Public pages need no JavaScript: snapshot HTML drops Next's client runtime and
// RSC payload and inlines the stylesheet, so one response is the whole page.

const SCRIPT = /<script\b[^>]*>[\s\S]*?<\/script>/gi;
const SCRIPT_PRELOAD = /<link\b[^>]*\bas="script"[^>]*\/?>|<link\b[^>]*\brel="modulepreload"[^>]*\/?>/gi;
const STYLESHEET = /<link\b[^>]*\brel="stylesheet"[^>]*\/?>/gi;
const HREF = /\bhref="([^"]+)"/i;

/**
 * `readAsset` maps a `/_next/static/…` URL to the file's text (or null when it
 * cannot be read, in which case the link stays).
 */
export function staticHtml(html: string, readAsset: (href: string) => string | null): string {
  return html
    .replace(SCRIPT, "")
    .replace(SCRIPT_PRELOAD, "")
    .replace(STYLESHEET, (tag) => {
      const href = HREF.exec(tag)?.[1];
      const css = href?.startsWith("/_next/static/") ? readAsset(href) : null;
      // "</style" inside CSS would end the element early; Tailwind output never has it.
      return css !== null && !/<\/style/i.test(css) ? `<style>${css}</style>` : tag;
    });
}
