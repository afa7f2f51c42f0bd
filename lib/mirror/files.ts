// How the public site becomes static files (issue 16): a snapshot key maps to a
// file path any static host serves without configuration, and mirrored HTML
// gets links absolute to the public URL (so a copy served from elsewhere, or a
// Pages project path, still points at the status domain) with the history's
// `?quarter=2026-Q3` turned into a path (static hosts ignore query strings).
import { isQuarterKey } from "../public/history-keys";
import { isAppPath, NOT_FOUND_PAGE, pathUnder } from "../snapshots/routes";

/** The file a snapshot key is stored as. */
export function fileForKey(key: string): string {
  if (key === NOT_FOUND_PAGE) return "404.html";
  const q = key.indexOf("?");
  if (q !== -1) {
    const pathname = key.slice(0, q);
    const quarter = new URLSearchParams(key.slice(q + 1)).get("quarter");
    if (pathname === "/history" && quarter && isQuarterKey(quarter)) return `history/${quarter}/index.html`;
    return fileForKey(pathname);
  }
  if (key === "/") return "index.html";
  const last = key.slice(key.lastIndexOf("/") + 1);
  // A path with an extension is a file (feeds, JSON, badges, images); a page is a directory's index.html.
  return last.includes(".") ? key.slice(1) : `${key.slice(1)}/index.html`;
}

/** Where a root-relative link points on the mirror. */
export function mirrorHref(href: string): string {
  const m = /^\/history\?(?:[^#]*&)?quarter=(\d{4}-Q[1-4])(?:&[^#]*)?(#.*)?$/.exec(href);
  return m ? `/history/${m[1]}/${m[2] ?? ""}` : href;
}

const LINK_ATTR = /(\s(?:href|src|action|poster)=)(["'])(\/(?!\/)[^"']*)\2/gi;
const CSS_URL = /url\((["']?)(\/(?!\/)[^)"']*)\1\)/gi;
const FORM_END = /<\/form>/gi;

/** Shown inside every form on the mirror: the form posts to the live site, which may be the thing that is down. */
export const MIRROR_FORM_NOTE =
  '<p data-herald-mirror style="font-size:0.875rem;opacity:0.8;margin-top:0.5rem">' +
  "This copy of the status page is served from a static mirror. " +
  "If sending this form fails, the live site cannot be reached right now: please try again later.</p>";

/** Root-relative references in a mirrored HTML page (links, assets, form targets, CSS urls), before rewriting. */
export function rootRelativeRefs(html: string): string[] {
  const refs = new Set<string>();
  for (const m of html.matchAll(LINK_ATTR)) refs.add(decodeEntities(m[3]));
  for (const m of html.matchAll(CSS_URL)) refs.add(decodeEntities(m[2]));
  return [...refs];
}

/**
 * The HTML as the mirror serves it: absolute links to `baseUrl`, history
 * pages as paths, forms that say they need the live site.
 */
export function mirrorHtml(html: string, baseUrl: string): string {
  return html
    .replace(
      LINK_ATTR,
      (_m, attr: string, quote: string, href: string) =>
        `${attr}${quote}${baseUrl}${mirrorHref(decodeEntities(href)).replaceAll("&", "&amp;")}${quote}`,
    )
    .replace(CSS_URL, (_m, quote: string, href: string) => `url(${quote}${baseUrl}${href}${quote})`)
    .replace(FORM_END, `${MIRROR_FORM_NOTE}</form>`);
}

function decodeEntities(s: string): string {
  return s.replaceAll("&amp;", "&");
}

/**
 * Root-relative references the mirror must hold besides the public pages:
 * Next's static assets and files in public/ (anything with an extension
 * outside the application's paths). Paths only the live site can answer (the
 * subscription forms) get a page saying so: `needsOrigin`.
 */
export function classifyRef(ref: string): "asset" | "needsOrigin" | "page" {
  const pathname = ref.split(/[?#]/)[0];
  if (pathUnder(pathname, "/_next")) return "asset";
  if (isAppPath(pathname)) return "needsOrigin";
  const last = pathname.slice(pathname.lastIndexOf("/") + 1);
  return last.includes(".") ? "asset" : "page";
}

/** The body of a page that exists only on the live site (a subscription form's target). */
export function needsOriginPage(siteName: string, baseUrl: string): string {
  const esc = (s: string) =>
    s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>Not available right now · ${esc(siteName)}</title></head>`,
    '<body style="font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">',
    "<main><h1>Not available right now</h1>",
    `<p>This copy of ${esc(siteName)} is served from a static mirror because the live site cannot be reached. `,
    "Subscribing and managing subscriptions need the live site: please try again later.</p>",
    `<p><a href="${esc(baseUrl)}/">Current status</a></p></main></body></html>`,
  ].join("");
}
