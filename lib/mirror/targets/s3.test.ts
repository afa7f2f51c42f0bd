// The S3 endpoint is user-given: the SSRF rules of lib/net apply before and at connect time.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTargetUrl, guardedAgentLookup, type NetPolicy } from "../../net/fetch";
import { s3Target } from "./s3";

const STRICT: NetPolicy = { allowHttp: true, allowPrivate: false };
const guard = { check: (url: string) => void checkTargetUrl(url, STRICT), lookup: guardedAgentLookup(STRICT) };

describe("S3 target under the SSRF rules", () => {
  let hits = 0;
  const srv = createServer((_req, res) => {
    hits++;
    res.end();
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    port = (srv.address() as AddressInfo).port;
  });
  afterAll(() => srv.close());

  it("refuses a private address literal before sending anything", async () => {
    const t = s3Target({
      bucket: "b",
      endpoint: `http://127.0.0.1:${port}`,
      accessKeyId: "k",
      secretAccessKey: "s",
      guard,
    });
    await expect(t.begin({ full: false, remoteHead: null })).rejects.toThrow(
      /S3 endpoint refused: 127\.0\.0\.1 is not a public address/,
    );
    expect(hits).toBe(0);
  });

  it("refuses a name that resolves to loopback, at connect time", async () => {
    const t = s3Target({
      bucket: "b",
      endpoint: `http://localhost:${port}`,
      accessKeyId: "k",
      secretAccessKey: "s",
      guard,
    });
    await expect(t.put("index.html", Buffer.from("x"), "text/html")).rejects.toThrow(/not a public address/);
    expect(hits).toBe(0);
  });

  it("keeps the secret key out of its errors", async () => {
    const secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY";
    const t = s3Target({
      bucket: "b",
      endpoint: `http://localhost:${port}`,
      accessKeyId: "AKIAEXAMPLE",
      secretAccessKey: secret,
      guard,
    });
    const err = await t.put("a.json", Buffer.from("{}"), "application/json").catch((e: Error) => e);
    expect(String(err)).not.toContain(secret);
  });
});
