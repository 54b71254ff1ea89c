// Browser end-to-end test of the Images tab and dive's view in the Layers
// tab, in real headless Chromium: a build names its image playground:latest;
// the tab lists the store as `docker images` does, tags, untags, shows
// history and inspect, and a rebuild leaves the old image dangling for
// prune; the stage graph draws the example's two stages; the apt lesson's
// lists show up as wasted space pointing at `apt-get update`; a label with
// markup stays text. Screenshots go to docs/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openPlayground } from "./serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const shots = path.join(here, "../../docs/screenshots");

let page, consoleErrors, playground;

before(async () => {
  playground = await openPlayground();
  ({ page, consoleErrors } = playground);
});

after(async () => {
  await playground?.close();
});

async function finished(n) {
  await page.waitForFunction(
    (n) => /^Build #(\d+) (done|failed)/.exec(document.querySelector("[data-testid=build-state]")?.textContent ?? "")?.[1] === String(n),
    n,
  );
  return page.getByTestId("build-state").innerText();
}

async function replaceDocument(text) {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  // insertText: no auto-closed quotes or completions in the way.
  await page.keyboard.insertText(text);
}

// A row of the listing of the store as it is now: while a newer listing is
// on its way, the table shows the last one, marked aria-busy.
const row = (ref) => page.locator(`[data-testid=images-table][aria-busy=false] [data-testid=image-row][data-ref="${ref}"]`);
const output = () => page.getByTestId("images-output");
const settled = () => page.locator("[data-testid=images-table][aria-busy=false]").waitFor();

// The output's text without its `$ command` line, once the listing shows
// what the command did.
async function printed() {
  const text = await output().innerText();
  await settled();
  return text.slice(text.indexOf("\n") + 1);
}

let firstId;

test("a build names its image playground:latest; the Images tab lists it with the Build tab's ID", async () => {
  await page.goto(playground.server.url);
  await page.locator(".cm-content").waitFor();
  await page.getByTestId("build-button").click();
  assert.match(await finished(1), /Build #1 done/);
  firstId = await page.getByTestId("image-id").getAttribute("title");
  assert.match(firstId, /^sha256:[0-9a-f]{64}$/);

  await page.getByTestId("tab-images").click();
  assert.equal(await page.getByTestId("tab-images").getAttribute("aria-selected"), "true");
  const header = await page.locator(".images-table .term-line.header").innerText();
  assert.match(header, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
  const line = await row("playground:latest").innerText();
  assert.match(line, new RegExp(`^playground\\s+latest\\s+${firstId.slice(7, 19)}\\s+\\S.*\\s+[\\d.]+MB$`));
  // The base the build resolved is in the store too, by its name.
  assert.equal(await row("alpine:3.20").count(), 1);
  assert.deepEqual(consoleErrors, []);
});

test("docker tag adds a second row with the same ID; rmi of that name only untags", async () => {
  await row("playground:latest").click();
  await page.getByTestId("tag-input").fill("playground:v1");
  await page.getByTestId("tag-button").click();
  await row("playground:v1").waitFor();
  // The table was refreshed in place: the keyboard's focus is where it was.
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "tag-button");
  assert.match(await output().innerText(), /^\$ docker tag playground:latest playground:v1\n?$/);
  assert.match(await row("playground:v1").innerText(), new RegExp(`^playground\\s+v1\\s+${firstId.slice(7, 19)}\\s`));
  await page.screenshot({ path: path.join(shots, "images.png") });

  await row("playground:v1").click();
  await page.getByTestId("rmi-button").click();
  assert.equal(await printed(), "Untagged: playground:v1\n");
  assert.equal(await row("playground:v1").count(), 0);
  assert.equal(await row("playground:latest").count(), 1);

  // By ID while two names point at it: Docker's conflict (-f would force it).
  await row("playground:latest").click();
  await page.getByTestId("tag-input").fill("other");
  await page.getByTestId("tag-button").click();
  await row("other:latest").waitFor();
  const short = firstId.slice(7, 19);
  await page.getByTestId("rmi-id-button").click();
  assert.match(await output().innerText(), new RegExp(`^\\$ docker rmi ${short}\n`));
  assert.equal(
    await printed(),
    `Error response from daemon: conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories\n`,
  );
  assert.equal(await output().getAttribute("class"), "term-output failed");
  // Removing the name `other` leaves the image to playground:latest.
  await row("other:latest").click();
  await page.getByTestId("rmi-button").click();
  assert.equal(await printed(), "Untagged: other:latest\n");
  assert.match(await row("playground:latest").innerText(), new RegExp(short));
  assert.deepEqual(consoleErrors, []);
});

test("system df reports the store as Docker's table", async () => {
  await page.getByTestId("df-button").click();
  const text = await printed();
  assert.match(text, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\n/);
  assert.match(text, /\nImages\s+2\s+0\s+[\d.]+MB\s+[\d.]+MB \(100%\)\n/);
  assert.match(text, /\nBuild Cache\s+\d+\s+0\s+/);
  await page.getByTestId("df-verbose-button").click();
  assert.match(await printed(), /^Images space usage:\n\nREPOSITORY\s+TAG\s+IMAGE ID/);
});

let secondId;

test("a rebuild moves the name: the old image is <none>, and prune dangling removes it", async () => {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.insertText('LABEL x="<img src=x onerror=window.__pwned=1>"\n');
  await page.getByTestId("build-button").click();
  assert.match(await finished(2), /Build #2 done/);
  secondId = await page.getByTestId("image-id").getAttribute("title");
  assert.notEqual(secondId, firstId);

  await page.getByTestId("tab-images").click();
  assert.match(await row("playground:latest").innerText(), new RegExp(secondId.slice(7, 19)));
  const dangling = row(firstId.slice(7, 19));
  assert.match(await dangling.innerText(), new RegExp(`^<none>\\s+<none>\\s+${firstId.slice(7, 19)}\\s`));

  await page.getByTestId("prune-button").click();
  const report = await printed();
  assert.match(report, /^Deleted Images:\n/);
  assert.ok(report.includes(`deleted: ${firstId}\n`), report);
  assert.match(report, /\nTotal reclaimed space: \S+\n$/);
  assert.equal(await dangling.count(), 0);
  assert.equal(await row("playground:latest").count(), 1);
  assert.deepEqual(consoleErrors, []);
});

test("history and inspect of the image; the label's markup stays text", async () => {
  await row("playground:latest").click();
  await page.getByTestId("history-button").click();
  const history = (await printed()).split("\n").filter(Boolean);
  assert.match(history[0], /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
  assert.match(history[1], new RegExp(`^${secondId.slice(7, 19)}\\s+.*LABEL x=.*\\s+0B\\s+buildkit\\.dockerfile\\.v0$`));
  assert.ok(history.some((l) => /^<missing>\s.*COPY \. \. # buildkit\s+[\d.]+k?B\s+buildkit\.dockerfile\.v0$/.test(l)), history.join("\n"));

  await page.getByTestId("inspect-button").click();
  const json = JSON.parse(await printed());
  assert.equal(json.length, 1);
  assert.equal(json[0].Id, secondId);
  assert.deepEqual(json[0].RepoTags, ["playground:latest"]);
  assert.equal(json[0].Config.Labels.x, "<img src=x onerror=window.__pwned=1>");
  assert.equal(await output().locator("img").count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(consoleErrors, []);
});

test("the stage graph: deps feeds the final stage by COPY --from, which ships", async () => {
  const stages = page.getByTestId("stage");
  assert.equal(await stages.count(), 2);
  assert.deepEqual(await stages.evaluateAll((els) => els.map((e) => e.dataset.name)), ["deps", "stage-1"]);
  assert.match(await stages.nth(0).textContent(), /FROM alpine:3\.20/);
  assert.match(await stages.nth(1).textContent(), /ships/);
  const edges = page.getByTestId("stage-edge");
  assert.equal(await edges.count(), 1);
  assert.deepEqual(
    await edges.first().evaluate((e) => [e.dataset.kind, e.dataset.from, e.dataset.to]),
    ["--from", "deps", "stage-1"],
  );

  // What FROM names is someone else's text: drawn as text, not markup.
  await replaceDocument("FROM alpine:3.20 AS base\nFROM base AS mid\nFROM <b>x</b> AS unused\nFROM base\nCOPY --from=1 / /\n");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=stage]").length === 4);
  assert.deepEqual(
    await page.getByTestId("stage-edge").evaluateAll((els) => els.map((e) => `${e.dataset.kind} ${e.dataset.from}→${e.dataset.to}`)),
    ["FROM base→mid", "FROM base→stage-3", "--from mid→stage-3"],
  );
  assert.equal(await page.locator(".stage-graph b").count(), 0);
  assert.match(await stages.nth(2).textContent(), /FROM <b>x<\/b>.*skipped/);
  await page.getByTestId("stages").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, "stages.png") });
  assert.deepEqual(consoleErrors, []);
});

test("the apt lesson in dive's view: the lists are wasted space, pointing at apt-get update", async () => {
  await replaceDocument("FROM debian:bookworm\nRUN apt-get update\nRUN apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n");
  await page.getByTestId("build-button").click();
  assert.match(await finished(3), /Build #3 done/);
  await page.getByTestId("tab-layers").click();
  const score = await page.getByTestId("efficiency-score").innerText();
  assert.match(score, /^\d+ %$/);
  assert.ok(Number.parseInt(score) < 100, score);
  assert.match(await page.getByTestId("wasted-bytes").innerText(), /^[\d.]+ (kB|MB)$/);
  const lists = page.getByTestId("wasted-row").filter({ hasText: "/var/lib/apt/lists/" });
  assert.ok((await lists.count()) >= 1);
  const first = lists.first();
  const by = await first.getByTestId("wasted-layer").allInnerTexts();
  assert.match(by[0], /^2 A\s+RUN apt-get update$/);
  assert.match(by.at(-1), /^4 D\s+RUN rm -rf \/var\/lib\/apt\/lists\/\*$/);
  // The title has the layer's whole history row and the step.
  assert.match(
    await first.getByTestId("wasted-layer").first().getAttribute("title"),
    /^layer 2 \(step #2\) writes [\d.]+ [kM]B here: RUN \/bin\/sh -c apt-get update # buildkit$/,
  );
  // Five rows at first; the rest on request.
  assert.equal(await page.getByTestId("wasted-row").count(), 5);
  await page.getByTestId("wasted-more").click();
  assert.ok((await page.getByTestId("wasted-row").count()) > 5);
  // The largest first: the Packages index.
  assert.match(await page.getByTestId("wasted-row").first().innerText(), /Packages/);

  // Following a wasted row's layer chooses it.
  await first.getByTestId("wasted-layer").first().click();
  assert.equal(await page.getByTestId("layer").nth(1).getAttribute("aria-pressed"), "true");
  await page.getByTestId("layer").nth(3).click();
  const deleted = page.getByTestId("layer-file").filter({ hasText: "_Packages" }).first();
  assert.equal(await deleted.getAttribute("class"), "deleted");
  assert.equal(await deleted.evaluate((el) => getComputedStyle(el).color), "rgb(255, 107, 107)");

  // Everything up to here: debian's files unchanged, curl added, the lists removed.
  await page.getByTestId("show-tree").click();
  const tree = page.getByTestId("layer-tree");
  await tree.waitFor();
  const curl = tree.locator("li.added", { hasText: "/usr/bin/curl" }).first();
  assert.match(await curl.innerText(), /^A\s+\/usr\/bin\/curl\s/);
  assert.equal(await curl.evaluate((el) => getComputedStyle(el).color), "rgb(90, 209, 138)");
  const removed = tree.locator("li.deleted", { hasText: "/var/lib/apt/lists/" });
  assert.ok((await removed.count()) >= 1);
  assert.ok((await tree.locator("li.unchanged").count()) > 100);
  // The score, the layers and the top of the table in one picture.
  await page.locator("#panel-layers").evaluate((el) => { el.scrollTop = 0; });
  await page.screenshot({ path: path.join(shots, "layers-efficiency.png") });
  assert.deepEqual(consoleErrors, []);
});
