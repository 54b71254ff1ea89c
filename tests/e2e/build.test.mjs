// Browser end-to-end test of the build panel in real headless Chromium: the
// page builds the example Dockerfile against its example context with the
// Rust core compiled to wasm, a second build is all cache hits, an edit
// misses with its reason, the Layers tab shows what a layer changed, and a
// failed build points back into the editor. Screenshots go to
// tests/e2e/artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { openPlayground } from "./serve.mjs";

let page, consoleErrors, artifacts, playground;

before(async () => {
  playground = await openPlayground();
  ({ page, consoleErrors, artifacts } = playground);
});

after(async () => {
  await playground?.close();
});

// Waits until build number `n` has finished, and returns the status line.
async function finished(n) {
  const state = page.getByTestId("build-state");
  await page.waitForFunction(
    (n) => /^Build #(\d+) (done|failed)/.exec(document.querySelector("[data-testid=build-state]")?.textContent ?? "")?.[1] === String(n),
    n,
  );
  return state.innerText();
}

// The log as [head, end] per step: "#4 [deps 4/5] COPY …", "#4 CACHED".
async function log() {
  const steps = page.getByTestId("step");
  const out = [];
  for (let i = 0; i < (await steps.count()); i++) {
    const s = steps.nth(i);
    out.push([await s.locator(".head").innerText(), await s.getByTestId("step-end").innerText()]);
  }
  return out;
}

async function replaceDocument(text) {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text);
}

let firstImageId;

test("the page builds the example: every step, the alpine base, the image", async () => {
  await page.goto(playground.server.url);
  await page.locator(".cm-content").waitFor();
  await page.getByTestId("build-button").click();
  // A build request shows the Build tab.
  assert.equal(await page.getByTestId("tab-build").getAttribute("aria-selected"), "true");
  assert.match(await finished(1), /Build #1 done in \d+(\.\d+)? m?s · 2 of 10 steps cached/);

  const steps = await log();
  assert.equal(steps.length, 10);
  assert.match(steps[0][0], /^#1 \[deps 1\/5\] FROM docker\.io\/library\/alpine:3\.20@sha256:[0-9a-f]{64}$/);
  assert.equal(steps[0][1], "#1 CACHED");
  assert.deepEqual(steps.slice(1, 5).map(([h]) => h), [
    "#2 [deps 2/5] RUN apk add --no-cache nodejs npm",
    "#3 [deps 3/5] WORKDIR /app",
    "#4 [deps 4/5] COPY package.json package-lock.json ./",
    "#5 [deps 5/5] RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev",
  ]);
  assert.match(steps[5][0], /^#6 \[stage-1 1\/5\] FROM docker\.io\/library\/alpine:3\.20@sha256:/);
  assert.equal(steps[9][0], "#10 [stage-1 5/5] COPY . .");
  for (const [, end] of [...steps.slice(1, 5), ...steps.slice(6)]) assert.match(end, /^#\d+ DONE \d+\.\ds$/);

  // The first build of a step says so; apk is simulated, so no notice.
  const second = page.getByTestId("step").nth(1);
  assert.equal(await second.getByTestId("miss-reason").innerText(), "#2 cache miss: not in the cache (first build of this step)");
  assert.equal(await second.getByTestId("notice").count(), 0);

  const id = page.getByTestId("image-id");
  assert.match(await id.innerText(), /^sha256:[0-9a-f]{12}$/);
  firstImageId = await id.getAttribute("title");
  assert.match(firstImageId, /^sha256:[0-9a-f]{64}$/);
  assert.ok(firstImageId.startsWith(await id.innerText()));
  assert.match(await page.getByTestId("manifest-digest").innerText(), /^sha256:[0-9a-f]{64}$/);
  assert.match(await page.getByTestId("image-size").innerText(), /^[\d.]+ MB compressed · [\d.]+ MB uncompressed · 5 layers$/);
  assert.equal(await page.getByTestId("cache-summary").innerText(), "2 of 10 steps cached");

  // The context the build read (listed under Files), with what .dockerignore leaves out.
  const context = page.getByTestId("context");
  assert.match(await context.innerText(), /server\.js\s+599 B/);
  assert.match(await context.innerText(), /README\.md\s+ignored/);
  assert.equal(await page.getByTestId("context-summary").innerText(), "Context: 4 sent, 1 ignored by .dockerignore");
  assert.equal(
    await page.getByTestId("build-context").innerText(),
    "Context: 4 files, 1.22 kB sent to the build; 1 left out by .dockerignore (edit them under Files).",
  );
  await page.screenshot({ path: path.join(artifacts, "build.png") });
  assert.deepEqual(consoleErrors, []);
});

test("a second build (Ctrl+Enter in the editor) takes every step from the cache", async () => {
  const lines = await page.locator(".cm-line").allTextContents();
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+Enter");
  await finished(2);
  const steps = await log();
  assert.equal(steps.length, 10);
  for (const [i, [, end]] of steps.entries()) assert.equal(end, `#${i + 1} CACHED`);
  assert.equal(await page.getByTestId("cache-summary").innerText(), "10 of 10 steps cached");
  assert.equal(await page.getByTestId("image-id").getAttribute("title"), firstImageId);
  // The shortcut built; it did not also insert a line.
  assert.deepEqual(await page.locator(".cm-line").allTextContents(), lines);
});

test("editing a COPY destination misses the cache: instruction changed", async () => {
  await page.locator(".cm-line", { hasText: "COPY package.json package-lock.json ./" }).click();
  await page.keyboard.press("End");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Backspace");
  await page.keyboard.type("/app/");
  await page.locator(".cm-line", { hasText: "COPY package.json package-lock.json /app/" }).waitFor();
  await page.getByTestId("build-button").click();
  await finished(3);

  const steps = await log();
  assert.deepEqual(steps.slice(0, 3).map(([, end]) => end), ["#1 CACHED", "#2 CACHED", "#3 CACHED"]);
  assert.equal(steps[3][0], "#4 [deps 4/5] COPY package.json package-lock.json /app/");
  assert.match(steps[3][1], /^#4 DONE/);
  const step4 = page.getByTestId("step").nth(3);
  assert.equal(
    await step4.getByTestId("miss-reason").innerText(),
    "#4 cache miss: instruction changed (was: COPY package.json package-lock.json ./)",
  );
  assert.equal(
    await page.getByTestId("step").nth(4).getByTestId("miss-reason").innerText(),
    "#5 cache miss: parent step #4 was rebuilt",
  );
  assert.deepEqual(consoleErrors, []);
});

test("the Layers tab lists the layers; the COPY layer shows the files it added", async () => {
  // The tabs are keyboard accessible: arrows move and select.
  await page.getByTestId("tab-build").focus();
  await page.keyboard.press("ArrowRight");
  const layersTab = page.getByTestId("tab-layers");
  assert.equal(await layersTab.getAttribute("aria-selected"), "true");
  assert.ok(await layersTab.evaluate((el) => el === document.activeElement));

  const layers = page.getByTestId("layer");
  assert.equal(await layers.count(), 5);
  const rows = await layers.allInnerTexts();
  assert.match(rows[0], /ADD alpine-minirootfs-3\.20\.3-x86_64\.tar\.gz \//);
  assert.equal(await layers.nth(0).getByTestId("layer-origin").innerText(), "base");
  assert.match(rows[1], /RUN \/bin\/sh -c apk add nodejs # buildkit/);
  // The final stage's first steps were cached in build #3; COPY --from follows deps, which was rebuilt.
  assert.equal(await layers.nth(1).getByTestId("layer-origin").innerText(), "CACHED");
  assert.match(rows[4], /COPY \. \. # buildkit/);
  for (const row of rows) assert.match(row, /diff_id sha256:[0-9a-f]{12}\s+digest sha256:[0-9a-f]{12}/);

  await layers.nth(4).click();
  assert.equal(await layers.nth(4).getAttribute("aria-pressed"), "true");
  const files = page.getByTestId("layer-file");
  const server = files.filter({ hasText: "/app/server.js" });
  assert.equal(await server.count(), 1);
  assert.equal(await server.getAttribute("class"), "added");
  assert.match(await server.innerText(), /^A\s+\/app\/server\.js\s+599 B$/);
  // README.md is in the context but .dockerignore keeps it out.
  assert.equal(await files.filter({ hasText: "README.md" }).count(), 0);
  const added = await page.locator(".layer-files .added").first().evaluate((el) => getComputedStyle(el).color);
  assert.equal(added, "rgb(90, 209, 138)");
  await page.screenshot({ path: path.join(artifacts, "layers.png") });

  // apk is simulated: its RUN's layer holds what the packages install.
  await layers.nth(1).click();
  const node = page.getByTestId("layer-file").filter({ hasText: "/usr/bin/node" });
  await node.first().waitFor();
  assert.equal(await node.first().getAttribute("class"), "added");
  assert.deepEqual(consoleErrors, []);
});

test("FROM an image layerlab does not have fails at the FROM; the button jumps there", async () => {
  await replaceDocument("FROM node:18\nWORKDIR /app\nCOPY . .\n");
  // Built from the Layers tab: a failure brings the log forward.
  assert.equal(await page.getByTestId("tab-layers").getAttribute("aria-selected"), "true");
  await page.getByTestId("build-button").click();
  assert.match(await finished(4), /Build #4 failed/);
  const error = page.getByTestId("build-error");
  assert.match(await error.innerText(), /docker\.io\/library\/node:18: not found: layerlab works offline/);
  assert.match(await error.innerText(), /alpine \(3\.21, 3\.20, 3\.19\), busybox \(1\.36\), debian \(bookworm/);
  // The image of the last good build stays, marked as such.
  assert.match(await page.getByTestId("build-result").innerText(), /from build #3, the last that succeeded/);
  assert.ok(await page.getByTestId("image-id").isVisible());
  assert.equal(await page.getByTestId("tab-build").getAttribute("aria-selected"), "true");

  const jump = page.getByTestId("jump-to-error");
  assert.equal(await jump.innerText(), "Show in Dockerfile (1:6)");
  await page.screenshot({ path: path.join(artifacts, "build-error.png") });
  await jump.click();
  assert.ok(await page.locator(".cm-content").evaluate((el) => el.contains(document.activeElement)));
  // The cursor is at the image name: typing lands there.
  await page.keyboard.type("x");
  assert.equal(await page.locator(".cm-line").first().textContent(), "FROM xnode:18");
  assert.deepEqual(consoleErrors, []);
});

test("what a RUN prints is in the log", async () => {
  await replaceDocument("FROM alpine:3.20\nRUN echo hello from RUN && id -un\n");
  await page.getByTestId("build-button").click();
  assert.match(await finished(5), /Build #5 done/);
  const out = page.getByTestId("output");
  assert.deepEqual(await out.allInnerTexts(), ["#2 hello from RUN", "#2 root"]);
  assert.deepEqual(consoleErrors, []);
});

test("the apt lesson in the page: the rm layer hides the lists with whiteouts and adds nothing", async () => {
  await replaceDocument(
    "FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*\n",
  );
  await page.getByTestId("build-button").click();
  const state = await finished(6);
  assert.match(state, /Build #6 done/);
  const steps = await log();
  assert.match(steps[0][0], /FROM docker\.io\/library\/debian:bookworm@sha256:[0-9a-f]{64}$/);
  const install = page.getByTestId("step").nth(2);
  assert.match(await install.innerText(), /Setting up curl/);
  assert.equal(await install.getByTestId("notice").count(), 0);

  await page.getByTestId("tab-layers").click();
  const layers = page.getByTestId("layer");
  assert.equal(await layers.count(), 4);
  const rows = await layers.allInnerTexts();
  assert.match(rows[0], /# debian\.sh --arch 'amd64' out\/ 'bookworm'/);
  assert.match(rows[1], /apt-get update/);
  assert.match(rows[1], /\d+(\.\d+)? MB/);
  await layers.nth(3).click();
  const files = page.getByTestId("layer-file");
  const lists = files.filter({ hasText: "_main_binary-amd64_Packages.lz4" });
  assert.ok((await lists.count()) >= 1);
  assert.equal(await lists.first().getAttribute("class"), "deleted");
  await page.screenshot({ path: path.join(artifacts, "apt-lesson.png") });
  assert.deepEqual(consoleErrors, []);
});
