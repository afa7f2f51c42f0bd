// One stylesheet serves the console and the public site; a public snapshot
// inlines only the rules its own HTML can match, which keeps `/` within its
// 15 KB gzip budget. Conservative by construction: a style rule is dropped
// only when every selector in its list names a class the page never uses or
// an element type it has none of; at-rules other than grouping ones
// (@keyframes, @font-face…) are always kept, and @property too unless nothing
// reads its custom property.

const GROUPING = /^@(layer|media|supports|container)\b/i;
const CLASS_SELECTOR = /\.((?:\\[0-9a-fA-F]{1,6} ?|\\[^0-9a-fA-F]|[\w-])+)/g;
const CLASS_ATTR = /\bclass="([^"]*)"/g;

/** Every class name used in the HTML's class attributes (entities decoded as React writes them). */
export function usedClasses(html: string): Set<string> {
  const out = new Set<string>();
  for (const m of html.matchAll(CLASS_ATTR)) {
    const value = m[1]
      .replaceAll("&amp;", "&")
      .replaceAll("&quot;", '"')
      .replaceAll("&#x27;", "'")
      .replaceAll("&lt;", "<")
      .replaceAll("&gt;", ">");
    for (const c of value.split(/\s+/)) if (c) out.add(c);
  }
  return out;
}

/** Every element type in the HTML, lowercase, with the ones a parser adds on its own. */
export function usedTags(html: string): Set<string> {
  const out = new Set(["html", "head", "body", "tbody"]);
  for (const m of html.matchAll(/<([a-zA-Z][\w-]*)/g)) out.add(m[1].toLowerCase());
  return out;
}

function unescapeIdent(s: string): string {
  return s.replace(/\\([0-9a-fA-F]{1,6}) ?|\\(.)/g, (_, hex: string | undefined, ch: string | undefined) =>
    hex ? String.fromCodePoint(parseInt(hex, 16)) : ch!,
  );
}

/** Splits on commas outside parentheses and brackets. */
function splitSelectors(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (ch === "\\") i++;
    else if (ch === "(" || ch === "[") depth++;
    else if (ch === ")" || ch === "]") depth--;
    else if (ch === "," && depth === 0) {
      out.push(list.slice(start, i));
      start = i + 1;
    }
  }
  out.push(list.slice(start));
  return out;
}

function selectorUsed(selector: string, used: Set<string>, tags?: Set<string>): boolean {
  // Classes inside :not(…) need not be present for the selector to match.
  const positive = selector.replace(/:not\((?:[^()]|\([^()]*\))*\)/g, "");
  for (const m of positive.matchAll(CLASS_SELECTOR)) if (!used.has(unescapeIdent(m[1]))) return false;
  return !tags || typesPresent(selector, tags);
}

/**
 * False when the selector's own compounds (not the insides of :is(), :where(),
 * :not()… nor attribute values) name an element type the page has none of.
 */
function typesPresent(selector: string, tags: Set<string>): boolean {
  let s = selector.replace(/\\[0-9a-fA-F]{1,6} ?|\\./g, "_");
  for (let prev = ""; prev !== s; ) [prev, s] = [s, s.replace(/\([^()]*\)/g, "")];
  s = s.replace(/\[[^\]]*\]/g, "");
  for (const m of s.matchAll(/(?:^|[\s>+~])([a-zA-Z][\w-]*)/g)) if (!tags.has(m[1].toLowerCase())) return false;
  return true;
}

/** Index just past the block that opens at `open` (a "{"), skipping strings and comments. */
function blockEnd(css: string, open: number): number {
  let depth = 0;
  for (let i = open; i < css.length; i++) {
    const ch = css[i];
    if (ch === "\\") i++;
    else if (ch === '"' || ch === "'") {
      for (i++; i < css.length && css[i] !== ch; i++) if (css[i] === "\\") i++;
    } else if (ch === "/" && css[i + 1] === "*") i = css.indexOf("*/", i + 2) + 1 || css.length;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i + 1;
  }
  return css.length;
}

/**
 * The CSS without the style rules `used` cannot match, nor the custom
 * properties nothing reads: theme variables, and Tailwind's registrations
 * (`@property --tw-…` and their fallback block) of variables no `var()` reads.
 * Input is minified build output.
 */
export function pruneCss(css: string, used: Set<string>, tags?: Set<string>): string {
  return pruneRegistrations(pruneThemeVariables(pruneRules(css, used, tags)));
}

const THEME = ":root,:host{";

/**
 * Drops `--name:value` declarations of the theme blocks (Tailwind's
 * `:root,:host`, once plain and once inside `@supports (color:lab(…))`) that
 * no `var(--name)` elsewhere reads.
 */
function pruneThemeVariables(css: string): string {
  const blocks: { open: number; end: number; decls: string[] }[] = [];
  for (let at = css.indexOf(THEME); at !== -1; ) {
    const open = at + THEME.length - 1;
    const end = blockEnd(css, open);
    blocks.push({ open, end, decls: splitDeclarations(css.slice(open + 1, end - 1)) });
    at = css.indexOf(THEME, end);
  }
  if (!blocks.length) return css;
  let outside = css.slice(0, blocks[0].open);
  blocks.forEach((b, i) => (outside += css.slice(b.end - 1, blocks[i + 1]?.open ?? css.length)));
  const read = new Set([...outside.matchAll(/var\((--[\w-]+)/g)].map((m) => m[1]));
  const all = blocks.flatMap((b) => b.decls);
  // Theme variables may read each other (--default-font-family: var(--font-sans)).
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of all) {
      if (!read.has(d.slice(0, d.indexOf(":")))) continue;
      for (const m of d.matchAll(/var\((--[\w-]+)/g)) {
        if (read.has(m[1])) continue;
        read.add(m[1]);
        grew = true;
      }
    }
  }
  let out = "";
  let from = 0;
  for (const b of blocks) {
    const kept = b.decls.filter((d) => !d.startsWith("--") || read.has(d.slice(0, d.indexOf(":"))));
    out += `${css.slice(from, b.open + 1)}${kept.join(";")}`;
    from = b.end - 1;
  }
  return out + css.slice(from);
}

const REGISTRATION = /@property (--[\w-]+)\{[^{}]*\}/g;
const FALLBACK = "@layer properties{";

/**
 * Drops `@property --x{…}` rules, and `--x:…` declarations of the
 * `@layer properties` block (Tailwind's fallback for browsers without
 * `@property`), for the variables no `var(--x)` reads: a custom property
 * nothing reads cannot change how the page renders.
 */
function pruneRegistrations(css: string): string {
  const layer = css.indexOf(FALLBACK);
  const layerEnd = layer === -1 ? -1 : blockEnd(css, layer + FALLBACK.length - 1);
  const rest = layer === -1 ? css : css.slice(0, layer) + css.slice(layerEnd);
  const read = new Set([...rest.matchAll(/var\((--[\w-]+)/g)].map((m) => m[1]));
  let out = css.replace(REGISTRATION, (rule, name: string) => (read.has(name) ? rule : ""));
  if (layer === -1) return out;
  // The fallback block: declarations only, inside an @supports and a universal rule.
  const start = out.indexOf(FALLBACK);
  const end = blockEnd(out, start + FALLBACK.length - 1);
  const pruned = out.slice(start, end).replace(/\{([^{}]*)\}/g, (_block, body: string) => {
    const kept = splitDeclarations(body).filter((d) => !d.startsWith("--") || read.has(d.slice(0, d.indexOf(":"))));
    return `{${kept.join(";")}}`;
  });
  out = out.slice(0, start) + pruned + out.slice(end);
  return out;
}

/** Splits a declaration block on semicolons outside strings and parentheses. */
function splitDeclarations(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\") i++;
    else if (ch === '"' || ch === "'") {
      for (i++; i < body.length && body[i] !== ch; i++) if (body[i] === "\\") i++;
    } else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === ";" && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
  }
  if (body.slice(start).trim()) out.push(body.slice(start));
  return out;
}

function pruneRules(css: string, used: Set<string>, tags?: Set<string>): string {
  let out = "";
  let i = 0;
  while (i < css.length) {
    const brace = css.indexOf("{", i);
    const semi = css.indexOf(";", i);
    // A statement at-rule (`@layer a,b;`, `@import …;`) or trailing text.
    if (brace === -1 || (semi !== -1 && semi < brace && css[i] === "@")) {
      const end = brace === -1 ? css.length : semi + 1;
      out += css.slice(i, end);
      i = end;
      continue;
    }
    const end = blockEnd(css, brace);
    const prelude = css.slice(i, brace).trim();
    const body = css.slice(brace + 1, end - 1);
    if (GROUPING.test(prelude)) {
      const inner = pruneRules(body, used, tags);
      if (inner.trim() || /^@layer\b/i.test(prelude)) out += `${prelude}{${inner}}`;
    } else if (prelude.startsWith("@") || splitSelectors(prelude).some((s) => selectorUsed(s, used, tags))) {
      out += `${prelude}{${body}}`;
    }
    i = end;
  }
  return out;
}
