// The uptime bars' items are built as an HTML string (components/status/uptime-bars.tsx), not by React, so the
// escaping React did is theirs to do: an incident name is staff-typed text that every reader's page shows.
import { describe, expect, it } from "vitest";
import { itemsHtml } from "@/components/status/uptime-bars";
import type { UptimeDayDto } from "@/lib/uptime/load";

function days(n: number): UptimeDayDto[] {
  return Array.from({ length: n }, (_, i) => ({
    date: `2026-02-${String(i + 1).padStart(2, "0")}`,
    worst: "operational",
    uptimePercent: 100,
    downMinutes: 0,
    incidents: [],
  }));
}

describe("uptime bar items", () => {
  const hostile = `<img src=x onerror=alert(1)> "Tom's" & <b>bold</b>`;
  const window = days(28);
  window[20] = {
    ...window[20],
    worst: "partial_outage",
    uptimePercent: 95,
    downMinutes: 72,
    incidents: [{ id: "abc123", name: hostile, kind: "incident" }],
  };

  it("escapes incident names in the label and links the day to the incident", () => {
    const html = itemsHtml(window, true);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>bold");
    expect(html).toContain(
      '<li class="p"><a href="/incidents/abc123"><span><b>Feb 21</b>: partial outage, 95% up, 1 h 12 min down' +
        "<i>&lt;img src=x onerror=alert(1)&gt; &quot;Tom&apos;s&quot; &amp; &lt;b&gt;bold&lt;/b&gt;</i>" +
        "</span></a></li>",
    );
  });

  it("folds quiet days into one item spanning their columns; group bars count incidents instead of naming them", () => {
    const html = itemsHtml(window, false);
    expect(html.startsWith('<li class="o" style="--n:20"><span><b>Feb 1 – Feb 20</b>: no downtime</span></li>')).toBe(
      true,
    );
    expect(html).toContain("<i>1 incident</i>");
    expect(html).not.toContain("onerror");
  });
});
