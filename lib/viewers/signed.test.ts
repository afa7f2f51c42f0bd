import { describe, expect, it } from "vitest";
import { readSignedJson, signJson } from "./signed";

const SECRET = "a-secret-of-this-install-0123456789";
const read = (value: string) => readSignedJson("viewer", value, SECRET, 4096);

describe("signed values", () => {
  it("reads what this install signed for the purpose, and nothing else", () => {
    const signed = signJson("viewer", { email: "a@example.com" }, SECRET);
    expect(read(signed)).toEqual({ email: "a@example.com" });
    expect(readSignedJson("sso-flow", signed, SECRET, 4096)).toBeNull();
    expect(readSignedJson("viewer", signed, "another-install-secret-0123456789", 4096)).toBeNull();
    expect(readSignedJson("viewer", signed, SECRET, signed.length - 1)).toBeNull();
    const [payload, mac] = signed.split(".");
    expect(read(`${Buffer.from('{"email":"b@example.com"}').toString("base64url")}.${mac}`)).toBeNull();
    expect(read(payload)).toBeNull();
  });

  // A 32-byte MAC is 43 base64url characters, the last of which carries 2 unused bits: decoded, four strings give the
  // same bytes. A test that "forged" a cookie by changing its last character passed it 1 time in 16.
  it("takes the signature in its one encoding only: unused bits set or characters added change it", () => {
    for (let i = 0; i < 64; i++) {
      const signed = signJson("viewer", { n: i }, SECRET);
      const dot = signed.indexOf(".");
      const mac = signed.slice(dot + 1);
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const last = alphabet.indexOf(mac.at(-1)!);
      expect(last % 4, "a canonical encoding leaves the unused bits clear").toBe(0);
      for (const spare of [1, 2, 3]) {
        const same = `${signed.slice(0, dot)}.${mac.slice(0, -1)}${alphabet[last + spare]}`;
        expect(Buffer.from(same.slice(dot + 1), "base64url")).toEqual(Buffer.from(mac, "base64url"));
        expect(read(same)).toBeNull();
      }
      expect(read(`${signed}=`)).toBeNull();
      expect(read(`${signed.slice(0, dot)}.${mac.slice(0, 10)}*${mac.slice(10)}`)).toBeNull();
    }
  });
});
