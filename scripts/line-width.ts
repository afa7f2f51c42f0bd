// `npm run lint`, after Biome: no line of source over the formatter's width (Biome does not break strings or
// comments, so this check keeps them within it too).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const WIDTH = JSON.parse(readFileSync("biome.json", "utf8")).formatter.lineWidth as number;
const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "*.ts", "*.tsx", "*.js", "*.mjs"], {
  encoding: "utf8",
})
  .split("\n")
  .filter((f) => f && !f.startsWith("db/migrations/"));

const long: string[] = [];
for (const file of files) {
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if ([...line].length > WIDTH) long.push(`${file}:${i + 1}: ${[...line].length} characters`);
    });
}
if (long.length) {
  console.error(`${long.length} line(s) over ${WIDTH} characters:\n${long.join("\n")}`);
  process.exit(1);
}
console.log(`line width: ${files.length} files within ${WIDTH} characters`);
