// Update bodies arrive as sanitized HTML (lib/markdown/render.ts); these
// descendant styles give them readable defaults without a typography plugin.
const STYLES =
  "space-y-2 break-words [&_a]:text-blue-700 [&_a]:underline dark:[&_a]:text-blue-400 [&_ul]:list-disc " +
  "[&_ol]:list-decimal [&_ul]:pl-5 [&_ol]:pl-5 [&_code]:rounded [&_code]:bg-zinc-100 [&_code]:px-1 " +
  "[&_code]:text-[0.9em] dark:[&_code]:bg-zinc-800 [&_pre]:overflow-x-auto [&_blockquote]:border-l-2 " +
  "[&_blockquote]:pl-3 [&_blockquote]:text-zinc-600 dark:[&_blockquote]:text-zinc-400 [&_h1]:font-semibold " +
  "[&_h2]:font-semibold [&_h3]:font-semibold [&_table]:text-left [&_td]:pr-4 [&_th]:pr-4";

/** `html` is always lib/markdown/render.ts output, which sanitizes. */
export function Markdown({ html, className = "" }: { html: string; className?: string }) {
  // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized markdown (see above)
  return <div className={`${STYLES} ${className}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
