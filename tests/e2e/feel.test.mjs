// The page's feel in real headless Chromium: the loading state gives way to
// the app, the theme follows the choice (and the OS under "System") and
// survives a reload, the help panel lists the shortcuts from the keyboard,
// and a build's result is announced in a live region.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { openPlayground } from "./serve.mjs";

let playground, page;

before(async () => {
  playground = await openPlayground();
  page = playground.page;
});

after(async () => {
  await playground?.close();
});

test("the loading state is replaced by the app", async () => {
  await page.goto(playground.server.url);
  await page.locator(".cm-content").waitFor();
  assert.equal(await page.locator("#boot").count(), 0);
  assert.deepEqual(playground.consoleErrors, []);
});

test("dark, light and system themes apply to the page and the editor, and persist", async () => {
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  const editorBg = () => page.locator(".cm-editor").evaluate((el) => getComputedStyle(el).backgroundColor);
  await page.emulateMedia({ colorScheme: "dark" });
  await page.getByTestId("theme").selectOption("system");
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  const dark = await editorBg();
  await page.emulateMedia({ colorScheme: "light" });
  // The OS's change arrives as an event: wait for it.
  await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
  assert.notEqual(await editorBg(), dark);
  await page.getByTestId("theme").selectOption("dark");
  assert.equal(await theme(), "dark");
  await page.reload();
  await page.locator(".cm-content").waitFor();
  assert.equal(await theme(), "dark", "the choice survives a reload");
  assert.equal(await page.getByTestId("theme").inputValue(), "dark");
  await page.getByTestId("theme").selectOption("light");
  await page.screenshot({ path: path.join(playground.artifacts, "light.png") });
  await page.getByTestId("theme").selectOption("system");
});

test("? opens the shortcuts outside the editor, Esc closes them; typing ? in the editor types", async () => {
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("?");
  const panel = page.getByTestId("help-panel");
  await panel.waitFor();
  assert.match(await panel.innerText(), /Ctrl\+Enter[\s\S]*Build/);
  assert.equal(await page.getByTestId("help-button").getAttribute("aria-expanded"), "true");
  await page.keyboard.press("Escape");
  assert.equal(await panel.count(), 0);
  await page.locator(".cm-content").click();
  await page.keyboard.press("End");
  await page.keyboard.type("?");
  assert.equal(await panel.count(), 0);
  assert.match(await page.locator(".cm-content").innerText(), /\?/);
  await page.keyboard.press("Backspace");
});

test("a build's result is announced in a live region", async () => {
  await page.getByTestId("build-button").click();
  const live = page.locator("[aria-live=polite][data-testid=build-state]");
  await page.waitForFunction(() => /^Build #\d+ done/.test(document.querySelector("[data-testid=build-state]")?.textContent ?? ""));
  assert.match(await live.innerText(), /Build #\d+ done/);
});
