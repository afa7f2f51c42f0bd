// The baseline: a bare node:http server answering with fixed bytes and headers
// (what Herald's snapshot server answers with), in its own process like Herald.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const [file, port] = process.argv.slice(2);
const routes: Record<string, { headers: Record<string, string>; body: string }> = JSON.parse(
  readFileSync(file, "utf8"),
);
const bytes = new Map(
  Object.entries(routes).map(([p, r]) => [p, { headers: r.headers, body: Buffer.from(r.body, "base64") }]),
);

createServer((req, res) => {
  const r = bytes.get(req.url ?? "/");
  if (!r) return void res.writeHead(404).end();
  res.writeHead(200, r.headers);
  res.end(r.body);
}).listen(Number(port), "127.0.0.1", () => console.log("ready"));
