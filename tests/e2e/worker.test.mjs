// The build worker in real headless Chromium: builds run in a web worker
// (dist/worker-loader.js), so the editor keeps linting while a
// build runs and the log grows step by step; the Layers tab compares the
// latest image with the one before it; a rule page is rendered by the
// worker. Screenshots go to docs/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openPlayground } from "./serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const shots = path.join(here, "../../docs/screenshots");

let playground, page, consoleErrors;

before(async () => {
  playground = await openPlayground();
  ({ page, consoleErrors } = playground);
});

after(async () => {
  await playground?.close();
});

const buildState = () => page.getByTestId("build-state").innerText();

async function finished(n) {
  await page.waitForFunction(
    (n) => /^Build #(\d+) (done|failed)/.exec(document.querySelector("[data-testid=build-state]")?.textContent ?? "")?.[1] === String(n),
    n,
    { timeout: 120000 },
  );
  return buildState();
}

test("the editor lints while a build runs in the worker, and the log grows step by step", async () => {
  await page.goto(playground.server.url);
  await page.getByTestId("examples").selectOption("ubuntu-nginx");
  await page.locator(".cm-line", { hasText: "FROM ubuntu" }).waitFor();
  const workers = [];
  page.on("worker", (w) => workers.push(w.url()));
  // Steps as the log shows them while the build runs.
  await page.evaluate(() => {
    window.seenSteps = [];
    new MutationObserver(() => {
      if (/^Building/.test(document.querySelector("[data-testid=build-state]")?.textContent ?? "")) {
        window.seenSteps.push(document.querySelectorAll("[data-testid=step]").length);
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.getByTestId("build-button").click();
  assert.match(await buildState(), /^Building/);

  // Typed while the worker builds: the page's thread is free to lint it.
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.insertText("\nMAINTAINER someone@example.com");
  await page.locator(".cm-line", { hasText: "MAINTAINER" }).locator(".cm-lintRange").waitFor();
  assert.match(await buildState(), /^Building/, "the finding came before the build ended");

  assert.match(await finished(1), /^Build #1 done/);
  const steps = await page.getByTestId("step").count();
  const seen = await page.evaluate(() => window.seenSteps);
  // The log had some steps, then more, before the build ended.
  assert.ok(seen.some((n) => n > 0 && n < steps), `steps seen while building: ${seen}; at the end ${steps}`);
  assert.ok(workers.some((u) => u.endsWith("/worker-loader.js")), `workers: ${workers}`);
  assert.deepEqual(consoleErrors, []);
});

test("the Layers tab compares the image with the build before: reused layers, new ones and why", async () => {
  // The text typed above is not built yet: build it, then change one step.
  await page.getByTestId("build-button").click();
  await finished(2);
  await page.locator(".cm-line", { hasText: "MAINTAINER" }).click();
  await page.keyboard.press("End");
  await page.keyboard.insertText("\nRUN echo changed > /etc/motd");
  await page.getByTestId("build-button").click();
  assert.match(await finished(3), /^Build #3 done/);

  await page.getByTestId("tab-layers").click();
  const compare = page.getByTestId("compare");
  assert.match(await compare.locator("summary").innerText(), /^Compare with build #2$/);
  const layers = await page.getByTestId("layer").count();
  const rows = compare.getByTestId("compare-row");
  assert.equal(await rows.count(), layers);
  const fates = await rows.evaluateAll((els) => els.map((e) => e.dataset.fate));
  // Everything below the new RUN is the same blob; the RUN's layer is new.
  assert.deepEqual(fates, [...Array(layers - 1).fill("reused"), "new"]);
  assert.match(await rows.last().innerText(), /RUN \/bin\/sh -c echo changed > \/etc\/motd/);
  assert.match(await rows.last().locator(".fate").innerText(), /^new: step #\d+ ran: .+/);
  assert.match(
    await page.getByTestId("compare-summary").innerText(),
    new RegExp(`^Build #3 against build #2: ${layers - 1} of ${layers} layers reused; 1 new, [\\d.]+ ?k?B that a push or pull`),
  );
  await page.screenshot({ path: path.join(shots, "compare.png") });

  // Built again unchanged: the same image, nothing to move.
  await page.getByTestId("build-button").click();
  await finished(4);
  await page.getByTestId("tab-layers").click();
  assert.match(await page.getByTestId("compare-summary").innerText(), /^Build #4 made the same image as build #3: nothing new to push or pull\.$/);
  assert.deepEqual(consoleErrors, []);
});

test("a rule page opened from a link is rendered by the worker", async () => {
  await page.goto(`${playground.server.url}#rule/DL4000`);
  const doc = page.getByTestId("rule-doc");
  await doc.locator("p").first().waitFor();
  assert.match(await doc.innerText(), /MAINTAINER/);
  assert.equal(await doc.getByText("Loading…").count(), 0);
  assert.deepEqual(consoleErrors, []);
});

test("when the worker cannot start, a build says so and the playground is kept", async () => {
  const context = await playground.browser.newContext({ colorScheme: "dark" });
  const p = await context.newPage();
  // The worker's script does not load (a proxy, a truncated deploy).
  await p.route("**/worker-loader.js", (route) => route.abort());
  await p.goto(playground.server.url);
  await p.locator(".cm-content").waitFor();
  await p.locator(".cm-content").click();
  await p.keyboard.press("Control+End");
  await p.keyboard.insertText("\n# kept");
  await p.getByTestId("build-button").click();
  await p.waitForFunction(() => /^Build #1 failed/.test(document.querySelector("[data-testid=build-state]")?.textContent ?? ""));
  assert.match(await p.getByTestId("build-error").innerText(), /the build worker stopped \(.+\); the next build starts a new one/);
  // Typing and lint go on; what was typed is still there.
  assert.equal(await p.locator(".cm-line", { hasText: "# kept" }).count(), 1);

  // The script loads, but not the worker's module: the loader says so.
  await p.unroute("**/worker-loader.js");
  await p.route("**/layerlab-worker_bg.wasm", (route) => route.fulfill({ status: 404, body: "gone" }));
  await p.getByTestId("build-button").click();
  await p.waitForFunction(() => /^Build #2 failed/.test(document.querySelector("[data-testid=build-state]")?.textContent ?? ""));
  assert.match(await p.getByTestId("build-error").innerText(), /the build worker stopped \(its module did not start: .+\)/);

  // Once it all loads again, the next build starts a new worker.
  await p.unroute("**/layerlab-worker_bg.wasm");
  await p.getByTestId("build-button").click();
  await p.waitForFunction(() => /^Build #3 done/.test(document.querySelector("[data-testid=build-state]")?.textContent ?? ""), null, { timeout: 120000 });
  await context.close();
});
