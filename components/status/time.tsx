import { formatDate, formatDateTime } from "@/lib/time/format";

/**
 * A moment in the page's time zone; the machine-readable value is always UTC.
 * Full timestamps carry `data-l` for LOCAL_TIME_SCRIPT, which may rewrite the
 * text in the browser (hence suppressHydrationWarning for signed-in readers,
 * whose pages hydrate).
 */
export function Time({ at, timeZone, dateOnly = false }: { at: Date; timeZone: string; dateOnly?: boolean }) {
  if (dateOnly) return <time dateTime={at.toISOString()}>{formatDate(at, timeZone)}</time>;
  return (
    <time dateTime={at.toISOString()} data-l="" suppressHydrationWarning>
      {formatDateTime(at, timeZone)}
    </time>
  );
}

/**
 * Optional progressive enhancement (DESIGN.md §4), inlined by the public layout
 * and kept by the snapshot's script stripping (`data-keep`): when the reader's
 * time zone differs from the page's (`[data-tz]` in the footer), timestamps are
 * shown in the reader's zone with its abbreviation, the page's time stays in
 * the tooltip, and the footer note says so. Without it the page is complete.
 */
export const LOCAL_TIME_SCRIPT =
  '(()=>{const n=document.querySelector("[data-tz]"),z=Intl.Dat' +
  "eTimeFormat().resolvedOptions().timeZone;if(!n||!z||n.datase" +
  "t.tz===z)return;" +
  "const f=new Intl.DateTimeFormat(void " +
  '0,{year:"numeric",month:"short",day:"numeric",hour:"2-digit"' +
  ',minute:"2-digit",timeZoneName:"short"});' +
  'for(const t of document.querySelectorAll("time[data-l]")){t.' +
  'title=t.textContent+" ' +
  '("+n.dataset.tz+")";t.textContent=f.format(new ' +
  "Date(t.dateTime))}" +
  'n.textContent="Times are shown in your time zone, "+z+". Hover a time to see it in "+n.dataset.tz+"."})()';
