// Test fixture for transitions.test.ts: one scheduler process. Usage:
//   tsx race-worker.fixture.ts <database url> <now ISO>
// Prints "ready" once loaded and connected, waits for a line on stdin (the test
// sends it to both processes at once, so they race), then prints the number of
// transitions it performed.
import { openDb } from "@/db/client";
import { runMaintenanceTransitions } from "./transitions";

const [url, nowIso] = process.argv.slice(2);
const { db, client } = openDb({ url });
const now = new Date(nowIso);
await db.get(`select 1`);
process.stdout.write("ready\n");
await new Promise((r) => process.stdin.once("data", r));
const n = await runMaintenanceTransitions({ db, now: () => now });
client.close();
process.stdout.write(String(n));
