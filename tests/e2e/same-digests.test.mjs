// The page and the CLI make the same image from the same input: each
// example of playground/ is built by `layerlab build` into a fresh store and,
// opened from the link `layerlab share` makes, by the page in real headless
// Chromium; the image ID (config digest), the manifest digest and every
// layer digest must be equal.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openPlayground } from "./serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "../..");
const CI = !!process.env.CI && process.env.CI !== "false";
const layerlab = [path.join(root, "target/debug/layerlab"), path.join(root, "target/release/layerlab")]
  .find((p) => fs.existsSync(p));
if (!layerlab && CI) throw new Error("no layerlab binary under CI (cargo test builds target/debug/layerlab)");

let playground;
const dirs = [];

before(async () => {
  if (layerlab) playground = await openPlayground();
});

after(async () => {
  await playground?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// What the CLI made: image ID, manifest digest, layer digests.
function cliBuild(example) {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "layerlab-e2e-same-"));
  dirs.push(data);
  const env = { ...process.env, LAYERLAB_DATA_DIR: data };
  delete env.SOURCE_DATE_EPOCH;
  const id = execFileSync(layerlab, ["build", "-q", "-t", "same:test", path.join(root, "playground", example)], { env })
    .toString().trim();
  const index = JSON.parse(fs.readFileSync(path.join(data, "index.json"), "utf8"));
  const desc = index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === "docker.io/library/same:test");
  const blob = (d) => fs.readFileSync(path.join(data, "blobs", ...d.split(":")), "utf8");
  const manifest = JSON.parse(blob(desc.digest));
  return { id, manifest: desc.digest, layers: manifest.layers.map((l) => l.digest) };
}

async function pageBuild(example) {
  const link = execFileSync(layerlab, ["share", "--base", playground.server.url, path.join(root, "playground", example)], { stdio: ["ignore", "pipe", "ignore"] })
    .toString().trim();
  const context = await playground.browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  try {
    await page.goto(link);
    await page.locator(".cm-content").waitFor();
    await page.getByTestId("build-button").click();
    await page.waitForFunction(() => /^Build #1 (done|failed)/.test(document.querySelector("[data-testid=build-state]")?.textContent ?? ""), null, { timeout: 120000 });
    const state = await page.getByTestId("build-state").innerText();
    assert.match(state, /^Build #1 done/, `${example}: ${state}`);
    const id = await page.getByTestId("image-id").getAttribute("title");
    const manifest = await page.getByTestId("manifest-digest").innerText();
    await page.getByTestId("tab-layers").click();
    const layers = await page.locator("[data-testid=layer] .ids span:nth-child(2)").evaluateAll((els) => els.map((e) => e.title));
    return { id, manifest, layers };
  } finally {
    await context.close();
  }
}

for (const example of ["node-tini", "multi-stage", "apt-layers", "scratch-static", "cache-order"]) {
  test(`${example}: the page and the CLI make the same image`, { skip: !layerlab && "no layerlab binary" }, async () => {
    const cli = cliBuild(example);
    const web = await pageBuild(example);
    assert.deepEqual(web.layers, cli.layers, `${example}: layer digests`);
    assert.equal(web.id, cli.id, `${example}: image ID`);
    assert.equal(web.manifest, cli.manifest, `${example}: manifest digest`);
  });
}
