// Browser end-to-end test of the playground in real headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core). It types a broken Dockerfile,
// checks the squiggle covers exactly the bad flag and the problems list says
// what and where, fixes the typo through the list, and checks all is clean.
// Screenshots go to tests/e2e/artifacts/.
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

// Selects everything in the editor and types `text`, key by key.
async function replaceDocument(text) {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text);
}

// Hovers a squiggle and returns its lint tooltip.
async function tooltipOf(squiggle) {
  await squiggle.hover();
  const tooltip = page.locator(".cm-tooltip-lint");
  await tooltip.waitFor();
  return tooltip;
}

test("the example loads with its real findings listed", async () => {
  await page.goto(playground.server.url);
  await page.locator(".cm-content").waitFor();
  // The example installs unpinned apk packages, one of them without --no-cache.
  const items = page.getByTestId("problems").locator("li");
  await items.first().waitFor();
  const texts = await items.allInnerTexts();
  assert.equal(texts.length, 4);
  assert.match(texts[0], /DL3018[\s\S]*Pin versions in apk add[\s\S]*5:24/);
  assert.match(texts[1], /DL3018[\s\S]*5:31/);
  assert.match(texts[2], /DL3019[\s\S]*--no-cache[\s\S]*11:5/);
  assert.match(texts[3], /DL3018[\s\S]*11:13/);
  assert.deepEqual(await page.locator(".cm-lintRange-warning").allTextContents(), ["nodejs", "npm", "nodejs"]);
  assert.equal(await page.getByTestId("status").textContent(), "3 warnings");
});

test("a broken Dockerfile is underlined where it is wrong, as you type", async () => {
  await replaceDocument("FROM alpine:3.20 AS build\nFROM alpine:3.20\nCOPY --form=build /src /dst\nENV PATH\n");

  const squiggles = page.locator(".cm-lintRange-error");
  await squiggles.first().waitFor();
  assert.deepEqual(await squiggles.allTextContents(), ["--form=build", "PATH"]);

  const items = page.getByTestId("problems").locator("li");
  assert.equal(await items.count(), 2);
  const first = await items.nth(0).innerText();
  assert.match(first, /unknown flag: --form \(did you mean from\?\)/);
  assert.match(first, /3:6/);
  assert.match(await items.nth(1).innerText(), /ENV must have two arguments[\s\S]*4:5/);
  assert.equal(await page.getByTestId("status").textContent(), "2 errors");
  await page.screenshot({ path: path.join(artifacts, "editor-errors.png") });

  // The severity filter hides errors from the list, not from the editor.
  assert.equal(await page.getByTestId("filter-error").textContent(), "Errors 2");
  await page.getByTestId("filter-error").click();
  assert.equal(await page.getByTestId("filter-error").getAttribute("aria-pressed"), "false");
  assert.equal(await items.count(), 0);
  assert.equal(await squiggles.count(), 2);
  await page.getByTestId("filter-error").click();
  assert.equal(await items.count(), 2);
});

test("fixing the typo through the problems list clears it", async () => {
  // Clicking a problem puts the cursor at its start: "|--form=build".
  await page.getByTestId("problems").locator("li button").first().click();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Delete");
  await page.keyboard.press("Delete");
  await page.keyboard.type("ro");
  // And give ENV its value.
  await page.keyboard.press("Control+End");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("End");
  await page.keyboard.type("=/usr/bin");

  await page.getByTestId("no-problems").waitFor();
  assert.equal(await page.locator(".cm-lintRange-error").count(), 0);
  assert.deepEqual(await page.locator(".cm-line").allTextContents(), [
    "FROM alpine:3.20 AS build",
    "FROM alpine:3.20",
    "COPY --from=build /src /dst",
    "ENV PATH=/usr/bin",
    "",
  ]);
  await page.screenshot({ path: path.join(artifacts, "editor-fixed.png") });
});

test("a lint finding shows its rule and its quick fix applies", async () => {
  await replaceDocument("FROM alpine:3.20\nENV NODE_ENV production\n");

  const warning = page.locator(".cm-lintRange-warning");
  await warning.first().waitFor();
  assert.deepEqual(await warning.allTextContents(), ["NODE_ENV production"]);
  const item = page.getByTestId("problems").locator("li");
  assert.equal(await item.count(), 1);
  assert.match(await item.innerText(), /LegacyKeyValueFormat[\s\S]*legacy "ENV key value" format[\s\S]*2:5/);

  // The tooltip names the rule, links its page and offers the fix.
  const tooltip = await tooltipOf(warning.first());
  assert.equal(await tooltip.locator("a.layerlab-rule-link").getAttribute("href"), "#rule/LegacyKeyValueFormat");
  assert.match(await tooltip.innerText(), /LegacyKeyValueFormat · legacy-key-value-format · rule page/);
  await page.screenshot({ path: path.join(artifacts, "editor-quickfix.png") });
  await tooltip.getByText("Use key=value").click();

  await page.getByTestId("no-problems").waitFor();
  assert.deepEqual(await page.locator(".cm-line").allTextContents(), [
    "FROM alpine:3.20",
    "ENV NODE_ENV=production",
    "",
  ]);
  assert.deepEqual(consoleErrors, []);
});

test("'Ignore here' inserts the rule's pragma and silences it", async () => {
  await replaceDocument("FROM alpine\n");
  const warning = page.locator(".cm-lintRange-warning");
  await warning.first().waitFor();
  const tooltip = await tooltipOf(warning.first());
  await tooltip.getByText("Ignore here").click();
  await page.getByTestId("no-problems").waitFor();
  assert.deepEqual(await page.locator(".cm-line").allTextContents(), [
    "# hadolint ignore=DL3006",
    "FROM alpine",
    "",
  ]);
  assert.deepEqual(consoleErrors, []);
});


test("a rule's page opens from its diagnostic, offline, and leads back", async () => {
  await replaceDocument("FROM alpine\n");
  const warning = page.locator(".cm-lintRange-warning");
  await warning.first().waitFor();
  const tooltip = await tooltipOf(warning.first());
  await tooltip.locator("a.layerlab-rule-link").click();

  const rulePage = page.getByTestId("rule-page");
  await rulePage.waitFor();
  assert.match(await rulePage.locator("h3").innerText(), /DL3006\s+tag-image-version\s+warning/i);
  // Rendered from the rule's doc comment: sections and a Dockerfile example.
  assert.deepEqual(await rulePage.locator(".doc h2").allTextContents(), [
    "What it does", "Why is this bad?", "Example", "Use instead",
  ]);
  assert.ok((await rulePage.locator(".doc pre code").count()) >= 2);
  await page.screenshot({ path: path.join(artifacts, "rule-page.png") });

  // The index lists every rule; the way back is the problems list.
  await rulePage.getByText("All rules").click();
  const index = page.getByTestId("rule-index");
  await index.waitFor();
  assert.ok((await index.locator("li").count()) >= 30);
  await index.getByText("← Problems").click();
  await page.getByTestId("problems").waitFor();
  assert.deepEqual(consoleErrors, []);
});

test("a shell rule points into the RUN script and its fix edits the command", async () => {
  await replaceDocument("FROM alpine:3.20\nRUN apk add curl=8.9.1-r1 \\\n && wget https://example.com/x\n");
  const infos = page.locator(".cm-lintRange-info");
  await infos.first().waitFor();
  // DL3019 covers the apk command; DL3047 the wget command on the next line.
  assert.deepEqual(await infos.allTextContents(), ["apk add curl=8.9.1-r1", "wget https://example.com/x"]);
  assert.equal(await page.getByTestId("status").textContent(), "2 info");
  const tooltip = await tooltipOf(infos.first());
  assert.match(await tooltip.innerText(), /DL3019 · apk-no-cache · rule page/);
  await tooltip.getByText("Add --no-cache").click();
  await page.locator(".cm-line", { hasText: "--no-cache" }).waitFor();
  // (The editor keeps the continuation's indent on the last, empty line.)
  assert.deepEqual((await page.locator(".cm-line").allTextContents()).slice(0, 3), [
    "FROM alpine:3.20",
    "RUN apk add --no-cache curl=8.9.1-r1 \\",
    " && wget https://example.com/x",
  ]);
  await page.screenshot({ path: path.join(artifacts, "shell-rule-fix.png") });
  assert.deepEqual(consoleErrors, []);
});

test("highlighting knows parser directives and heredocs", async () => {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  // insertText: one edit, no auto-closed quotes.
  await page.keyboard.insertText(
    '# syntax=docker/dockerfile:1\n# a comment\nFROM alpine:3.20\nRUN <<EOF\nRUN is text here\nEOF\nRUN echo "done"\n# escape=`\n' +
      // A here-string is no heredoc; a heredoc on a continuation line is.
      "RUN tr a-z A-Z <<<hello && \\\n    cat <<-END-OF-FILE\nRUN, still text\nEND-OF-FILE\nCOPY x /y\n",
  );
  const line = (n) => page.locator(".cm-line").nth(n - 1);
  await line(13).waitFor();
  const colour = (n, text) =>
    line(n).locator("span", { hasText: text }).first().evaluate((el) => getComputedStyle(el).color);
  const [directive, value, comment, keyword, body, end, string, late, continued, after] = await Promise.all([
    colour(1, "syntax"),
    colour(1, "docker/dockerfile:1"),
    colour(2, "a comment"),
    colour(3, "FROM"),
    colour(5, "RUN is text here"),
    colour(6, "EOF"),
    colour(7, '"done"'),
    colour(8, "escape"),
    colour(11, "RUN, still text"),
    colour(13, "COPY"),
  ]);
  // A directive's name reads as an instruction's; after the first line, a
  // directive is only a comment.
  assert.equal(directive, keyword);
  assert.equal(value, string);
  assert.equal(late, comment);
  assert.notEqual(comment, keyword);
  // The heredoc's body reads as a string, though it starts with RUN; its
  // end word as the instruction keywords.
  assert.equal(body, string);
  assert.notEqual(body, keyword);
  assert.equal(end, keyword);
  assert.equal(await line(5).locator("span").count(), 1, "the body is one token");
  assert.equal(continued, string);
  assert.equal(after, keyword, "every heredoc ended");
  assert.deepEqual(consoleErrors, []);
});
