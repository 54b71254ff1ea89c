// Browser end-to-end test of the playground's whole state in real headless
// Chromium: every example (from playground/) opens and builds; a context
// file made in the page is copied by the build, and editing it misses the
// cache at its COPY; build arguments and the target stage reach the build;
// a share link opens the same playground in a fresh browser (without
// building it); Back returns to the playground an example replaced; the last
// state survives a reload and New resets it; names and contents from
// someone else's link stay text; the page works 390 px wide. Screenshots
// go to docs/screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openPlayground } from "./serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const examplesDir = path.join(here, "../../playground");
const shots = path.join(here, "../../docs/screenshots");
const PAYLOAD = "<img src=x onerror=window.__pwned=1>";

let page, consoleErrors, playground, browser;

before(async () => {
  playground = await openPlayground();
  ({ page, consoleErrors, browser } = playground);
  fs.mkdirSync(shots, { recursive: true });
});

after(async () => {
  await playground?.close();
});

// Presses Build and waits for that build to end; returns the status line.
async function build(p = page) {
  const state = p.getByTestId("build-state");
  const prev = Number(/^Build #(\d+)/.exec(await state.textContent())?.[1] ?? 0);
  await p.getByTestId("build-button").click();
  await p.waitForFunction(
    (prev) => {
      const m = /^Build #(\d+) (done|failed)/.exec(document.querySelector("[data-testid=build-state]")?.textContent ?? "");
      return m && Number(m[1]) > prev;
    },
    prev,
    { timeout: 180_000 },
  );
  return state.innerText();
}

// The log as [head, end] per step.
async function log(p = page) {
  const steps = p.getByTestId("step");
  const out = [];
  for (let i = 0; i < (await steps.count()); i++) {
    const s = steps.nth(i);
    out.push([await s.locator(".head").innerText(), await s.getByTestId("step-end").innerText()]);
  }
  return out;
}

async function replaceDocument(text, p = page) {
  await p.getByTestId("open-dockerfile").click();
  await p.locator(".cm-content").click();
  await p.keyboard.press("Control+a");
  await p.keyboard.press("Delete");
  await p.keyboard.type(text);
}

async function editorText(p = page) {
  return (await p.locator(".cm-line").allTextContents()).join("\n");
}

async function contextPaths(p = page) {
  // The tree shows names under their folders; data-path is the whole path.
  return await p.getByTestId("context-file").evaluateAll((els) => els.map((e) => e.dataset.path));
}

// Makes a context file through the page: New file, a name, a text.
async function makeFile(name, text, p = page) {
  await p.getByTestId("new-file").click();
  const nameField = p.getByTestId("file-name");
  await nameField.fill(name);
  await nameField.press("Enter");
  await p.locator(`[data-testid=context-file].selected[data-path="${name}"]`).waitFor();
  await p.getByTestId("file-content").fill(text);
}

async function openFile(name, p = page) {
  await p.locator(`[data-testid=context-file][data-path="${name}"]`).click();
}

test("every example opens from the menu and builds", async () => {
  await page.goto(playground.server.url);
  await page.locator(".cm-content").waitFor();
  const select = page.getByTestId("examples");
  const keys = (await select.locator("option").evaluateAll((os) => os.map((o) => o.value))).filter(Boolean);
  assert.deepEqual(keys.sort(), fs.readdirSync(examplesDir).sort());
  // The default is the first, by its name.
  assert.equal(await select.locator("option:checked").textContent(), "Node.js service (multi-stage)");

  for (const key of keys) {
    await select.selectOption(key);
    const dir = path.join(examplesDir, key);
    const dockerfile = fs.readFileSync(path.join(dir, "Dockerfile"), "utf8");
    await page.locator(".cm-line").first().filter({ hasText: dockerfile.split("\n")[0] }).waitFor();
    const files = fs.readdirSync(dir).filter((f) => f !== "Dockerfile").sort();
    assert.deepEqual((await contextPaths()).sort(), files, key);
    const state = await build();
    assert.match(state, /^Build #\d+ done/, `${key}: ${state}\n${await page.getByTestId("build-panel").innerText()}`);
    if (key === "scratch-static") {
      // FROM scratch: the one layer is the binary's.
      await page.getByTestId("tab-layers").click();
      assert.equal(await page.getByTestId("layer").count(), 1);
      await page.getByTestId("layer").first().click();
      assert.match(await page.getByTestId("layer-file").first().innerText(), /\/hello/);
      await page.getByTestId("tab-build").click();
    }
    if (key === "multi-stage") {
      // The runtime stage: alpine's layer and the binary, not the Go toolchain.
      await page.getByTestId("tab-layers").click();
      assert.equal(await page.getByTestId("layer").count(), 2);
      await page.screenshot({ path: path.join(shots, "examples.png") });
      await page.getByTestId("tab-build").click();
    }
  }
  assert.deepEqual(consoleErrors, []);
});

test("Back returns to the playground an example replaced", async () => {
  await page.getByTestId("examples").selectOption("scratch-static");
  await replaceDocument("FROM busybox:1.36\n# mine\n");
  await page.getByTestId("examples").selectOption("apt-layers");
  await page.locator(".cm-line", { hasText: "apt-get update" }).first().waitFor();
  await page.goBack();
  await page.locator(".cm-line", { hasText: "# mine" }).waitFor();
  assert.equal(await editorText(), "FROM busybox:1.36\n# mine\n");
  assert.deepEqual(await contextPaths(), ["hello"]);
  assert.deepEqual(consoleErrors, []);
});

let shareLink;

test("a new context file is copied; editing it misses the cache at its COPY, naming it", async () => {
  await page.getByTestId("reset").click();
  await page.locator(".cm-line", { hasText: "A small Node.js service" }).waitFor();
  await replaceDocument(
    "FROM alpine:3.20 AS base\nWORKDIR /srv\nARG GREETING=hello\nCOPY notes.txt ./\nRUN echo $GREETING && cat notes.txt\n\nFROM base AS final\nRUN echo final\n",
  );
  await makeFile("notes.txt", "a note from the context\n");
  assert.ok((await contextPaths()).includes("notes.txt"));
  await page.getByTestId("file-executable").check();
  // The options are the Build tab's, above the log.
  await page.getByTestId("tab-build").click();
  await page.getByTestId("build-args").fill("GREETING=hi from a build arg\n");
  await page.getByTestId("target").selectOption("base");
  assert.match(await build(), /done/);
  let steps = await log();
  assert.deepEqual(steps.map(([h]) => h.replace(/@sha256:.*/, "")), [
    "#1 [base 1/4] FROM docker.io/library/alpine:3.20",
    "#2 [base 2/4] WORKDIR /srv",
    "#3 [base 3/4] COPY notes.txt ./",
    "#4 [base 4/4] RUN echo $GREETING && cat notes.txt",
  ]);
  assert.deepEqual(await page.getByTestId("output").allInnerTexts(), ["#4 hi from a build arg", "#4 a note from the context"]);

  await openFile("notes.txt");
  await page.getByTestId("file-content").fill("a changed note\n");
  assert.match(await build(), /done/);
  steps = await log();
  assert.deepEqual(steps.slice(0, 2).map(([, end]) => end), ["#1 CACHED", "#2 CACHED"]);
  assert.match(steps[2][1], /^#3 DONE/);
  const reason = await page.getByTestId("step").nth(2).getByTestId("miss-reason").innerText();
  assert.match(reason, /^#3 cache miss: .*notes\.txt/);
  assert.deepEqual(await page.getByTestId("output").allInnerTexts(), ["#4 hi from a build arg", "#4 a changed note"]);
  await page.screenshot({ path: path.join(shots, "context.png") });
  assert.deepEqual(consoleErrors, []);
});

test("Share puts the whole playground in the link; a fresh browser opens it without building", async () => {
  // The open tab and the chosen layer travel too.
  await page.getByTestId("tab-layers").click();
  await page.getByTestId("layer").nth(2).click();
  await page.getByTestId("share-button").click();
  const field = page.getByTestId("share-link");
  shareLink = await field.inputValue();
  assert.ok(shareLink.startsWith(`${playground.server.url}#s=1.`), shareLink);
  assert.equal(page.url(), shareLink);
  await page.getByTestId("share-status").filter({ hasText: /Copied|Copy the selected link/ }).waitFor();
  await page.screenshot({ path: path.join(shots, "share.png") });

  const fresh = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  try {
    const p2 = await fresh.newPage();
    const errors = [];
    p2.on("pageerror", (e) => errors.push(String(e)));
    await p2.goto(shareLink);
    await p2.locator(".cm-line", { hasText: "ARG GREETING=hello" }).waitFor();
    assert.equal(await editorText(p2), await editorText(page));
    assert.deepEqual(await contextPaths(p2), await contextPaths(page));
    await openFile("notes.txt", p2);
    assert.equal(await p2.getByTestId("file-content").inputValue(), "a changed note\n");
    assert.equal(await p2.getByTestId("file-executable").isChecked(), true);
    assert.equal(await p2.getByTestId("build-args").inputValue(), "GREETING=hi from a build arg\n");
    assert.equal(await p2.getByTestId("target").inputValue(), "base");
    // The open tab came along; nothing was built.
    assert.equal(await p2.getByTestId("tab-layers").getAttribute("aria-selected"), "true");
    assert.equal(await p2.getByTestId("build-state").textContent(), "Not built yet");
    assert.match(await build(p2), /done/);
    // The link's layer is chosen in the first image built.
    assert.equal(await p2.getByTestId("layer").nth(2).getAttribute("aria-pressed"), "true");
    assert.match(await p2.getByTestId("layer-detail").innerText(), /COPY notes\.txt/);
    assert.deepEqual(await p2.getByTestId("output").allTextContents(), ["#4 hi from a build arg", "#4 a changed note"]);
    assert.deepEqual(errors, []);
  } finally {
    await fresh.close();
  }
  assert.deepEqual(consoleErrors, []);
});

test("a link too long for chat offers the state file, which opens the same playground", async () => {
  // Text that does not compress: the link grows with it.
  let seed = 7;
  const noise = Array.from({ length: 4000 }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return "abcdefghijklmnopqrstuvwxyz0123456789"[seed % 36];
  }).join("");
  await makeFile("noise.txt", noise);
  await page.getByTestId("share-button").click();
  await page.getByTestId("share-too-long").waitFor();
  assert.match(await page.getByTestId("share-too-long").innerText(), /too long for most chat apps/);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-state").click()]);
  const state = fs.readFileSync(await download.path(), "utf8");
  assert.match(state, /"layerlab": 1/);

  const fresh = await browser.newContext();
  try {
    const p2 = await fresh.newPage();
    await p2.goto(playground.server.url);
    await p2.locator(".cm-content").waitFor();
    await p2.getByTestId("share-button").click();
    await p2.getByTestId("open-state").setInputFiles({ name: "state.json", mimeType: "application/json", buffer: Buffer.from(state) });
    await p2.locator(".cm-line", { hasText: "ARG GREETING=hello" }).waitFor();
    assert.deepEqual(await contextPaths(p2), await contextPaths(page));
    await openFile("noise.txt", p2);
    assert.equal(await p2.getByTestId("file-content").inputValue(), noise);
    // A broken file is refused with a reason, and the playground stays.
    await p2.getByTestId("open-state").setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from('{"layerlab": 1, "files": [{"path": "../x", "mode": "0644", "text": ""}]}') });
    await p2.getByTestId("notice").filter({ hasText: /bad\.json could not be opened: .*\.\./ }).waitFor();
    assert.ok((await contextPaths(p2)).includes("noise.txt"));
  } finally {
    await fresh.close();
  }
  await page.getByTestId("share-close").click();
  assert.deepEqual(consoleErrors, []);
});

test("uploads: files join the context, a folder becomes it (its Dockerfile opens)", async () => {
  await page.getByTestId("upload-files").setInputFiles([
    { name: "extra.txt", mimeType: "text/plain", buffer: Buffer.from("uploaded\n") },
  ]);
  await page.getByTestId("context-file").filter({ hasText: "extra.txt" }).waitFor();
  assert.ok((await contextPaths()).includes("notes.txt"));

  await page.getByTestId("upload-folder").setInputFiles(path.join(examplesDir, "node-tini"));
  await page.locator(".cm-line", { hasText: "FROM node:6-alpine" }).waitFor();
  assert.deepEqual((await contextPaths()).sort(), [".dockerignore", "index.js", "package.json"]);
  assert.equal(await page.getByTestId("examples").inputValue(), "");
  assert.deepEqual(consoleErrors, []);
});

test("the last playground survives a reload; New returns to the default example", async () => {
  await replaceDocument("FROM busybox:1.36\n# kept across reloads\n");
  await page.waitForTimeout(900);
  await page.reload();
  await page.locator(".cm-line", { hasText: "# kept across reloads" }).waitFor();
  assert.deepEqual((await contextPaths()).sort(), [".dockerignore", "index.js", "package.json"]);
  await page.getByTestId("reset").click();
  await page.locator(".cm-line", { hasText: "A small Node.js service" }).waitFor();
  assert.deepEqual(await contextPaths(), [".dockerignore", "README.md", "package-lock.json", "package.json", "server.js"]);
  await page.waitForTimeout(900);
  await page.reload();
  await page.locator(".cm-line", { hasText: "A small Node.js service" }).waitFor();
  // An example reopened unedited is that example again.
  assert.equal(await page.getByTestId("examples").inputValue(), "node-service");
  assert.deepEqual(consoleErrors, []);
});

test("names and contents from someone else's playground render as text", async () => {
  const fresh = await browser.newContext();
  try {
    const p = await fresh.newPage();
    await p.goto(playground.server.url);
    await p.locator(".cm-content").waitFor();
    await replaceDocument(`# ${PAYLOAD}\nFROM busybox:1.36\nARG NOTE\nCOPY *.txt /in/\nRUN echo $NOTE && cat /in/*.txt\n`, p);
    await makeFile(`${PAYLOAD}.txt`, `${PAYLOAD}\n`, p);
    await p.getByTestId("tab-build").click();
    await p.getByTestId("build-args").fill(`NOTE=${PAYLOAD}`);
    assert.match(await build(p), /done/);
    assert.deepEqual(await p.getByTestId("output").allInnerTexts(), [`#3 ${PAYLOAD}`, `#3 ${PAYLOAD}`]);
    assert.ok((await contextPaths(p)).includes(`${PAYLOAD}.txt`));
    // Through a link, into another fresh page.
    await p.getByTestId("share-button").click();
    const link = await p.getByTestId("share-link").inputValue();
    const p2 = await fresh.newPage();
    await p2.goto(link);
    await p2.locator(".cm-line", { hasText: "ARG NOTE" }).waitFor();
    await openFile(`${PAYLOAD}.txt`, p2);
    assert.equal(await p2.getByTestId("file-content").inputValue(), `${PAYLOAD}\n`);
    await p2.getByTestId("tab-problems").click();
    for (const q of [p, p2]) {
      await q.waitForTimeout(300);
      assert.equal(await q.evaluate(() => window.__pwned), undefined);
      assert.equal(await q.locator("img").count(), 0);
    }
  } finally {
    await fresh.close();
  }
});

test("a damaged link says why and opens the default example; rule routes still work", async () => {
  const fresh = await browser.newContext();
  try {
    const p = await fresh.newPage();
    const errors = [];
    p.on("pageerror", (e) => errors.push(String(e)));
    await p.goto(`${playground.server.url}#s=1.bm90IGRlZmxhdGU`);
    await p.getByTestId("notice").filter({ hasText: /This link could not be opened: the link is damaged/ }).waitFor();
    await p.locator(".cm-line", { hasText: "A small Node.js service" }).waitFor();
    assert.equal(await p.getByTestId("examples").inputValue(), "node-service");
    await p.goto(`${playground.server.url}#s=9.abc`);
    await p.getByTestId("notice").filter({ hasText: /format version 9/ }).waitFor();
    // A share fragment is not a rule route; a rule route still is one.
    await p.goto(`${playground.server.url}#rules`);
    await p.getByTestId("rule-index").waitFor();
    await p.goto(`${playground.server.url}#rule/DL3018`);
    await p.getByTestId("rule-page").filter({ hasText: "DL3018" }).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await fresh.close();
  }
});

test("390 px wide: the editor, the files and Build are there and work", async () => {
  const narrow = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const p = await narrow.newPage();
    const errors = [];
    p.on("pageerror", (e) => errors.push(String(e)));
    await p.goto(playground.server.url);
    await p.locator(".cm-content").waitFor();
    for (const id of ["build-button", "files", "share-button", "examples"]) {
      assert.ok(await p.getByTestId(id).isVisible(), id);
    }
    assert.ok(await p.locator(".cm-content").isVisible());
    assert.ok(await p.getByTestId("context-file").first().isVisible());
    // Nothing wider than the screen.
    assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 390));
    assert.match(await build(p), /done/);
    await p.screenshot({ path: path.join(shots, "mobile.png") });
    await openFile("server.js", p);
    assert.ok(await p.getByTestId("file-content").isVisible());
    await p.screenshot({ path: path.join(shots, "mobile-file.png") });
    assert.deepEqual(errors, []);
  } finally {
    await narrow.close();
  }
});

test("the Files list is a tree: each folder named once, its files under it", async () => {
  const fresh = await browser.newContext({ viewport: { width: 1280, height: 760 }, colorScheme: "dark" });
  try {
    const p = await fresh.newPage();
    await p.goto(playground.server.url);
    await p.locator(".cm-content").waitFor();
    for (const name of ["src/lib/util.js", "src/app.js", "docs/guide.md"]) await makeFile(name, `// ${name}\n`, p);
    const rows = await p.locator("ul.file-list li").evaluateAll((els) =>
      els.slice(1).map((li) => `${li.style.getPropertyValue("--depth")}:${li.querySelector(".path").textContent}`),
    );
    // Sorted by path: a folder's row, then what it holds, one level deeper.
    assert.deepEqual(rows, [
      "0:.dockerignore", "0:README.md", "0:docs/", "1:guide.md", "0:package-lock.json", "0:package.json",
      "0:server.js", "0:src/", "1:app.js", "1:lib/", "2:util.js",
    ]);
    // The file opens by its whole path.
    await openFile("src/lib/util.js", p);
    assert.equal(await p.getByTestId("file-name").inputValue(), "src/lib/util.js");
    await p.screenshot({ path: path.join(shots, "context-tree.png") });
  } finally {
    await fresh.close();
  }
});
