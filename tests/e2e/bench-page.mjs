// The page's benchmark (scripts/bench-page.sh runs it after a release
// build; not a test): in headless Debian Chromium,
//   1. bytes transferred, as a gzip-serving host would send them (every
//      file the page loads, gzip -9): up to the first findings (the page's
//      own module), and with the build worker the page then loads;
//   2. navigation → first findings on screen (the `layerlab:first-lint`
//      mark), median of 5 cold loads, against 1 s;
//   3. keystroke → findings on screen (`layerlab:lint` measures, from the
//      editor's change to the render after the new findings) while typing
//      into the largest corpus Dockerfile, p50 and p95, against 16 ms;
//   4. the build time of each example in playground/, opened through a
//      share link made by `layerlab share`.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { openPlayground } from "./serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "../..");
const dist = process.env.LAYERLAB_DIST ?? path.join(root, "dist");
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const kb = (n) => `${(n / 1000).toFixed(0)} KB`;

const pg = await openPlayground();
const { browser, server } = pg;
try {
  // 1. Bytes.
  const loaded = [];
  const context = await browser.newContext();
  const page = await context.newPage();
  // Requests from the page and from its worker alike.
  context.on("request", (r) => {
    const u = new URL(r.url());
    if (u.origin === new URL(server.url).origin) loaded.push(u.pathname.endsWith("/") ? u.pathname + "index.html" : u.pathname);
  });
  await page.goto(server.url);
  await page.waitForFunction(() => performance.getEntriesByName("layerlab:first-lint").length > 0);
  const beforeLint = loaded.length;
  // The worker starts loading once the page is up; a build waits for it.
  await page.getByTestId("build-button").click();
  await page.waitForFunction(() => /^Build #1 (done|failed)/.test(document.querySelector("[data-testid=build-state]")?.textContent ?? ""), null, { timeout: 180000 });
  const sum = (paths) => {
    let raw = 0, gz = 0;
    const rows = [];
    for (const p of [...new Set(paths)].sort()) {
      const file = path.join(dist, decodeURIComponent(p));
      if (!fs.existsSync(file)) continue;
      const bytes = fs.readFileSync(file);
      const z = zlib.gzipSync(bytes, { level: 9 }).length;
      raw += bytes.length;
      gz += z;
      rows.push(`  ${p.padEnd(48)} ${kb(bytes.length).padStart(9)} ${kb(z).padStart(9)} gz`);
    }
    return { raw, gz, rows };
  };
  const first = sum(loaded.slice(0, beforeLint));
  const all = sum(loaded);
  console.log(`page bytes to the first findings: ${kb(first.gz)} gzip (${kb(first.raw)} raw), target ≤ 600 KB`);
  console.log(`page bytes with the build worker: ${kb(all.gz)} gzip (${kb(all.raw)} raw)\n${all.rows.join("\n")}`);
  await context.close();

  // 2. Navigation → first findings.
  const firsts = [];
  for (let i = 0; i < 5; i++) {
    const c = await browser.newContext();
    const p = await c.newPage();
    await p.goto(server.url);
    await p.waitForFunction(() => performance.getEntriesByName("layerlab:first-lint").length > 0);
    firsts.push(await p.evaluate(() => performance.getEntriesByName("layerlab:first-lint")[0].startTime));
    await c.close();
  }
  console.log(`navigation → first lint: median ${quantile(firsts, 0.5).toFixed(0)} ms (runs: ${firsts.map((x) => x.toFixed(0)).join(", ")}), target ≤ 1000 ms`);

  // 3. Keystrokes on the largest corpus file.
  const corpus = path.join(root, "../shared/corpus");
  const largest = fs.readdirSync(corpus, { recursive: true })
    .map((f) => path.join(corpus, f))
    .filter((f) => fs.statSync(f).isFile())
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  const text = fs.readFileSync(largest, "utf8");
  const c3 = await browser.newContext();
  const p3 = await c3.newPage();
  await p3.goto(server.url);
  await p3.locator(".cm-content").waitFor();
  await p3.locator(".cm-content").click();
  await p3.keyboard.press("Control+a");
  await p3.keyboard.insertText(text);
  await p3.waitForTimeout(500);
  // Type into the middle of the file: a comment line's text, key by key.
  await p3.keyboard.press("Control+Home");
  for (let i = 0; i < Math.floor(text.split("\n").length / 2); i++) await p3.keyboard.press("ArrowDown");
  await p3.keyboard.press("End");
  await p3.keyboard.press("Enter");
  await p3.evaluate(() => performance.clearMeasures("layerlab:lint"));
  const typed = "# layerlab keystroke benchmark: typing into a large Dockerfile";
  for (const ch of typed) {
    await p3.keyboard.type(ch);
    await p3.waitForTimeout(40);
  }
  await p3.waitForTimeout(300);
  const times = await p3.evaluate(() => performance.getEntriesByName("layerlab:lint").map((m) => m.duration));
  console.log(`keystroke → findings on ${path.relative(corpus, largest)} (${(text.length / 1000).toFixed(1)} KB, ${times.length} keystrokes): p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms; target p95 ≤ 16 ms`);
  await c3.close();

  // 4. Build time per example, opened from a share link.
  const layerlab = [path.join(root, "target/release/layerlab"), path.join(root, "target/debug/layerlab")].find((p) => fs.existsSync(p));
  const examples = fs.readdirSync(path.join(root, "playground")).filter((d) => fs.existsSync(path.join(root, "playground", d, "Dockerfile"))).sort();
  for (const ex of examples) {
    const link = execFileSync(layerlab, ["share", "--base", server.url, path.join(root, "playground", ex)], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    const c = await browser.newContext();
    const p = await c.newPage();
    await p.goto(link);
    await p.locator(".cm-content").waitFor();
    const wanted = fs.readFileSync(path.join(root, "playground", ex, "Dockerfile"), "utf8").split("\n")[0];
    const opened = await p.locator(".cm-content").innerText();
    if (!opened.startsWith(wanted)) {
      console.log(`build ${ex}: the page did not open the link (it shows its default example)`);
      await c.close();
      continue;
    }
    await p.getByTestId("build-button").click();
    await p.waitForFunction(() => /^Build #1 (done|failed)/.test(document.querySelector("[data-testid=build-state]")?.textContent ?? ""), null, { timeout: 180000 });
    console.log(`build ${ex}: ${await p.getByTestId("build-state").innerText()}`);
    await c.close();
  }
} finally {
  await pg.close();
}
