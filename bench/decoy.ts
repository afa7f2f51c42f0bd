// The control target of bench/hostile.ts: in the control phase the hostile
// generators send the same traffic here while clean traffic goes to Herald, so
// the generators take the same CPU from the shared cores as during the attack
// and the attack phase differs only in where the hostile requests land.
// Answers like Herald's edge at its cheapest: a small 404, 413 for any body.
import { createServer } from "node:http";

const body = Buffer.from("<!doctype html><title>Not found</title><p>Nothing here.</p>".padEnd(1024, " "));
createServer((req, res) => {
  if (req.method === "POST") {
    res.writeHead(413, { "content-type": "text/plain", connection: "close" });
    res.end("Too large");
    res.once("finish", () => req.socket.destroySoon());
    return;
  }
  res.writeHead(404, { "content-type": "text/html; charset=utf-8", "content-length": body.length });
  res.end(body);
}).listen(Number(process.argv[2]), "127.0.0.1", () => console.log("ready"));
