import { describe, expect, it } from "vitest";
import { markdownToText, renderMarkdown } from "./render";

// Stored XSS payloads from REFERENCE.md: none may survive into the HTML.
const PAYLOADS: [string, string][] = [
  ["a script tag", "<script>alert(1)</script>"],
  ["an img onerror", "<img src=x onerror=alert(1)>"],
  ["an svg onload", "<svg onload=alert(1)></svg>"],
  ["an iframe", '<iframe src="https://evil.example"></iframe>'],
  [
    "an event handler on an allowed tag",
    '<a href="https://ok.example" onclick="alert(1)">x</a> <p onmouseover="alert(1)">y</p>',
  ],
  ["a javascript: link", "[x](javascript:alert(1))"],
  ["a JavaScript: link with odd case and spaces", "[x]( JaVaScRiPt:alert(1) )"],
  ["an entity-encoded scheme", "[x](jav&#x61;script:alert(1))"],
  ["a tab-split scheme", "[x](java\tscript:alert(1))"],
  ["a data: link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"],
  ["a vbscript: link", "[x](vbscript:msgbox(1))"],
  ["a markdown image with onerror-ish URL", '![x](https://evil.example/x.png" onerror="alert(1))'],
  ["a data: image", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"],
  ["an autolink to javascript:", "<javascript:alert(1)>"],
  ["a reference-style javascript: link", "[x][1]\n\n[1]: javascript:alert(1)"],
  ["a style tag", "<style>body{background:url(javascript:alert(1))}</style>"],
  ["an object/embed", '<object data="x.swf"></object><embed src="x.swf">'],
  ["a form", '<form action="https://evil.example"><button>go</button></form>'],
];

describe("renderMarkdown sanitizes", () => {
  // Payload text may survive as escaped text; what matters is the markup: no
  // dangerous element, no event handler attribute, no URL with another scheme.
  it.each(PAYLOADS)("%s", (_what, source) => {
    const tags =
      renderMarkdown(source)
        .toLowerCase()
        .match(/<[^>]*>/g) ?? [];
    for (const tag of tags) {
      expect(tag).not.toMatch(/^<\/?(script|img|svg|iframe|object|embed|style|form|button|input)\b/);
      expect(tag).not.toMatch(/\son[a-z]+\s*=/);
      for (const [, url] of tag.matchAll(/\s(?:href|src|action|formaction|xlink:href)\s*=\s*"([^"]*)"/g))
        expect(url).toMatch(/^(https?:|mailto:)/);
    }
  });

  it("keeps ordinary links but drops anything but http(s) and mailto", () => {
    const html = renderMarkdown(
      "[docs](https://acme.example/docs) [mail](mailto:ops@acme.example) [ftp](ftp://acme.example)",
    );
    expect(html).toContain('<a href="https://acme.example/docs">docs</a>');
    expect(html).toContain('<a href="mailto:ops@acme.example">mail</a>');
    expect(html).not.toContain("ftp://");
  });

  it("escapes HTML text instead of dropping the words", () => {
    const html = renderMarkdown("Use `<b>` tags & 2 < 3");
    expect(html).toContain("<code>&#x3C;b></code>");
    expect(html).not.toContain("<b>");
  });

  it("leaves template-looking text literal", () => {
    expect(renderMarkdown("{{7*7}} ${process.env.HERALD_SECRET}")).toBe("<p>{{7*7}} ${process.env.HERALD_SECRET}</p>");
  });
});

describe("renderMarkdown renders ordinary markdown", () => {
  it("paragraphs, bold, italics, lists, code and tables", () => {
    const html = renderMarkdown(
      [
        "We are **investigating** _elevated_ errors.",
        "",
        "- API",
        "- Dashboard",
        "",
        "1. first",
        "2. second",
        "",
        "```",
        "curl https://api.acme.example",
        "```",
        "",
        "| a | b |",
        "|---|---|",
        "| 1 | 2 |",
      ].join("\n"),
    );
    expect(html).toContain("<p>We are <strong>investigating</strong> <em>elevated</em> errors.</p>");
    expect(html).toMatch(/<ul>\s*<li>API<\/li>\s*<li>Dashboard<\/li>\s*<\/ul>/);
    expect(html).toMatch(/<ol>\s*<li>first<\/li>\s*<li>second<\/li>\s*<\/ol>/);
    expect(html).toContain("<pre><code>curl https://api.acme.example\n</code></pre>");
    expect(html).toContain("<table>");
  });

  it("gives a plain-text version for summaries", () => {
    expect(markdownToText("We are **investigating**. See [docs](https://x.example).\n\n```\ncode\n```")).toBe(
      "We are investigating. See docs.",
    );
  });
});
