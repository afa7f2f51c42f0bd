import rehypeSanitize, { defaultSchema } from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";

// Markdown → HTML through an allow-list sanitizer (GitHub's schema, tightened):
// raw HTML in the source is dropped, only http(s)/mailto links survive, no
// images (they'd be tracking pixels in emails and mixed content on the page).
const schema = {
  ...defaultSchema,
  tagNames: (defaultSchema.tagNames ?? []).filter(
    (t) => !["img", "picture", "source", "input", "details", "summary"].includes(t),
  ),
  protocols: { href: ["http", "https", "mailto"] },
  clobberPrefix: "md-",
};

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype) // allowDangerousHtml stays off: raw HTML never reaches the tree
  .use(rehypeSanitize, schema)
  .use(rehypeStringify)
  .freeze();

// Every render of the feeds, the history and the pages after a publish would parse the same recent updates again
// (100 per feed, ~3 ms each): the HTML is kept per source text, most recently used last, within a bound.
const MEMO_ENTRIES = 1000;
const memo = new Map<string, string>();

export function renderMarkdown(source: string): string {
  let html = memo.get(source);
  if (html !== undefined) memo.delete(source);
  else {
    html = String(processor.processSync(source));
    if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
  }
  memo.set(source, html);
  return html;
}

/** Plain text for feeds' summaries, OG images and email subjects. */
export function markdownToText(source: string): string {
  return source
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[*_`~#>|]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}
