// SSRF (issue 12 §4): every forbidden address class is refused before a byte
// is sent, whether written as a literal, reached through a name (incl. one
// that resolves to 127.0.0.1) or through a redirect; plus the deadline, the
// body cap and dropped connections.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyAddress, isForbiddenAddress } from "./address";
import { NetError, type NetPolicy, safeFetch } from "./fetch";

const STRICT: NetPolicy = { allowHttp: true, allowPrivate: false };
const LOCAL: NetPolicy = { allowHttp: true, allowPrivate: true };

describe("isForbiddenAddress", () => {
  const forbidden: [string, string][] = [
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["::1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"], // AWS/GCP/Azure metadata
    ["fe80::1", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["100.100.100.200", "carrierGradeNat"], // Alibaba metadata
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["ff02::1", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["fc00::1", "uniqueLocal"],
    ["fd00:ec2::254", "uniqueLocal"], // AWS IPv6 metadata
    ["::ffff:127.0.0.1", "loopback"], // IPv4-mapped, dotted
    ["::ffff:7f00:1", "loopback"], // IPv4-mapped, hex
    ["::ffff:169.254.169.254", "linkLocal"],
    ["::ffff:10.0.0.1", "private"],
    ["::127.0.0.1", "loopback"],
    ["::5db8:d822", "ipv4Compatible"], // ::93.184.216.34
    ["64:ff9b::7f00:1", "rfc6052"], // NAT64 of 127.0.0.1
    ["2002:7f00:1::1", "6to4"],
    ["192.0.2.1", "reserved"],
    ["not an address", "invalid"],
  ];
  it.each(forbidden)("refuses %s (%s)", (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
    expect(isForbiddenAddress(ip)).toBe(true);
  });
  it.each(["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"])("allows %s", (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });
});

describe("safeFetch", () => {
  let server: http.Server;
  let port: number;
  const hits: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? "");
      if (req.url === "/redirect") {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/inside` }).end();
      } else if (req.url === "/slow") {
        // never answers; the client's deadline ends it
      } else if (req.url === "/big") {
        res.writeHead(200);
        const chunk = Buffer.alloc(64 * 1024, 97);
        for (let i = 0; i < 16; i++) res.write(chunk);
        res.end();
      } else if (req.url === "/drop") {
        req.socket.destroy();
      } else {
        res.end("ok");
      }
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  async function refused(
    url: string,
    policy: NetPolicy,
    resolve?: (h: string) => Promise<{ address: string; family: number }[]>,
  ) {
    const before = hits.length;
    const err = await safeFetch(url, { policy, resolve }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NetError);
    expect(hits.length).toBe(before); // nothing reached the server
    return err as NetError;
  }

  it("reaches a local server only when private addresses are allowed", async () => {
    const res = await safeFetch(`http://127.0.0.1:${port}/hello`, { policy: LOCAL });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe("ok");
    expect((await refused(`http://127.0.0.1:${port}/hello`, STRICT)).code).toBe("forbidden_address");
  });

  it("refuses loopback however it is written: IPv6, mapped, decimal, a name", async () => {
    for (const host of ["[::1]", "[::ffff:127.0.0.1]", "2130706433", "0x7f.0.0.1", "localhost"]) {
      expect((await refused(`http://${host}:${port}/x`, STRICT)).code).toBe("forbidden_address");
    }
  });

  it("refuses a public-looking name that resolves to 127.0.0.1 at connect time (DNS rebinding)", async () => {
    let calls = 0;
    // A validator asking first would have seen a public address; the connection's own lookup gets loopback.
    const rebinding = async (_host: string) =>
      calls++ === 0 ? [{ address: "93.184.216.34", family: 4 }] : [{ address: "127.0.0.1", family: 4 }];
    await rebinding("hooks.example.com");
    const err = await refused(`http://hooks.example.com:${port}/x`, STRICT, rebinding);
    expect(err.message).toContain("127.0.0.1");
  });

  it("refuses a name with any private record among public ones", async () => {
    const mixed = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.5", family: 4 },
    ];
    expect((await refused(`http://mixed.example.com:${port}/x`, STRICT, mixed)).code).toBe("forbidden_address");
  });

  it("refuses metadata, private and CGNAT literals", async () => {
    for (const host of ["169.254.169.254", "10.0.0.1", "100.100.100.200", "[fd00:ec2::254]", "0.0.0.0"]) {
      expect((await refused(`http://${host}/latest/meta-data/`, STRICT)).code).toBe("forbidden_address");
    }
  });

  it("requires https unless http is allowed, and refuses credentials and other schemes", async () => {
    const httpsOnly: NetPolicy = { allowHttp: false, allowPrivate: true };
    expect((await refused(`http://127.0.0.1:${port}/x`, httpsOnly)).code).toBe("bad_url");
    expect((await refused("file:///etc/passwd", LOCAL)).code).toBe("bad_url");
    expect((await refused(`http://user:pw@127.0.0.1:${port}/x`, LOCAL)).code).toBe("bad_url");
    expect((await refused("not a url", LOCAL)).code).toBe("bad_url");
  });

  it("does not follow a redirect to a private address", async () => {
    const before = hits.length;
    const res = await safeFetch(`http://127.0.0.1:${port}/redirect`, { policy: LOCAL });
    expect(res.status).toBe(302);
    expect(hits.slice(before)).toEqual(["/redirect"]); // /inside never requested
  });

  it("ends a request that gets no answer at the deadline", async () => {
    const err = await safeFetch(`http://127.0.0.1:${port}/slow`, { policy: LOCAL, timeoutMs: 150 }).catch(
      (e: NetError) => e,
    );
    expect(err).toBeInstanceOf(NetError);
    expect((err as NetError).code).toBe("timeout");
  });

  it("caps the response body", async () => {
    const res = await safeFetch(`http://127.0.0.1:${port}/big`, { policy: LOCAL, maxResponseBytes: 1000 });
    expect(res.truncated).toBe(true);
    expect(res.body.length).toBe(1000);
  });

  it("reports a dropped connection as a network failure", async () => {
    const err = await safeFetch(`http://127.0.0.1:${port}/drop`, { policy: LOCAL }).catch((e: NetError) => e);
    expect((err as NetError).code).toBe("network");
  });
});
