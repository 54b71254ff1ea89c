// Push and pull from the page, in real headless Chromium, against real
// registries (Debian's docker-registry, distribution 2.8) on loopback:
// - a registry without auth that sends CORS headers: the page pushes the
//   image it built, skopeo reads the same digests back, a second push sends
//   no layer, and a fresh page pulls the image and builds FROM it;
// - a registry with htpasswd auth, whose own answer to the browser's
//   preflight is 401: the direct push fails and says so, and the same push
//   through `layerlab relay` succeeds (skopeo checks it with the password).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openPlayground } from "./serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "../..");
const CI = !!process.env.CI && process.env.CI !== "false";
const USER = "tester";
const PASS = "s3cret-pass";

function have(cmd) {
  return (process.env.PATH ?? "").split(":").some((d) => d && fs.existsSync(path.join(d, cmd)));
}

// The tools this file needs; under CI they must be there (scripts/setup.sh
// --test installs them), elsewhere their absence skips the file.
const layerlab = [path.join(root, "target/debug/layerlab"), path.join(root, "target/release/layerlab")]
  .find((p) => fs.existsSync(p));
const missing = [["docker-registry", have("docker-registry")], ["htpasswd", have("htpasswd")],
  ["skopeo", have("skopeo")], ["layerlab (cargo build)", !!layerlab]].filter(([, ok]) => !ok).map(([n]) => n);
if (missing.length && CI) throw new Error(`missing under CI: ${missing.join(", ")}`);
const skip = missing.length ? `missing ${missing.join(", ")}` : false;

async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

async function waitFor(url, headers = {}) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url, { headers });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} never answered`);
}

const children = [];
const dirs = [];

// A registry on loopback with CORS headers for any origin, as an operator
// would configure it for browsers; with `auth` it also asks for htpasswd.
async function startRegistry(auth) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layerlab-e2e-reg-"));
  dirs.push(dir);
  const port = await freePort();
  let authYaml = "";
  if (auth) {
    const line = execFileSync("htpasswd", ["-Bbn", USER, PASS]).toString().trim();
    fs.writeFileSync(path.join(dir, "htpasswd"), line + "\n");
    authYaml = `auth:\n  htpasswd:\n    realm: layerlab-e2e\n    path: ${dir}/htpasswd\n`;
  }
  const list = (xs) => `[${xs.map((x) => `'${x}'`).join(", ")}]`;
  fs.writeFileSync(path.join(dir, "config.yml"), `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${dir}/data
${authYaml}http:
  addr: 127.0.0.1:${port}
  headers:
    Access-Control-Allow-Origin: ['*']
    Access-Control-Allow-Methods: ${list(["HEAD", "GET", "OPTIONS", "DELETE", "POST", "PUT", "PATCH"])}
    Access-Control-Allow-Headers: ${list(["Authorization", "Accept", "Content-Type", "Content-Range"])}
    Access-Control-Expose-Headers: ${list(["Location", "Docker-Content-Digest", "WWW-Authenticate", "Range", "Docker-Upload-UUID"])}
`);
  const child = spawn("docker-registry", ["serve", path.join(dir, "config.yml")], { stdio: "ignore" });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}/v2/`);
  return `127.0.0.1:${port}`;
}

let playground, page, reg, authReg;

before(async () => {
  if (skip) return;
  playground = await openPlayground();
  page = playground.page;
  reg = await startRegistry(false);
  authReg = await startRegistry(true);
});

after(async () => {
  await playground?.close();
  for (const c of children) c.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function skopeo(...args) {
  return execFileSync("skopeo", ["--insecure-policy", ...args]).toString();
}

async function buildExample(p = page) {
  await p.goto(playground.server.url);
  await p.locator(".cm-content").waitFor();
  await p.getByTestId("build-button").click();
  await p.waitForFunction(() => /^Build #1 done/.test(document.querySelector("[data-testid=build-state]")?.textContent ?? ""));
  return p.getByTestId("manifest-digest").innerText();
}

async function fill(p, fields) {
  for (const [id, value] of Object.entries(fields)) await p.getByTestId(id).fill(value);
}

async function transfer(p, button) {
  await p.getByTestId(button).click();
  await p.locator("[data-testid=transfer-ok], [data-testid=transfer-error]").first().waitFor({ timeout: 60000 });
  const rows = await p.getByTestId("transfer-row").allInnerTexts();
  const ok = await p.getByTestId("transfer-ok").count() ? await p.getByTestId("transfer-ok").innerText() : null;
  const error = await p.getByTestId("transfer-error").count() ? await p.getByTestId("transfer-error").innerText() : null;
  return { rows, ok, error };
}

let manifest;

test("the page pushes its image with fetch; skopeo reads back the digests layerlab computed", { skip }, async () => {
  manifest = await buildExample();
  const imageId = await page.getByTestId("image-id").getAttribute("title");
  await page.getByTestId("tab-registry").click();
  await fill(page, { "push-registry": reg, "push-repository": "demo/page", "push-tag": "v1" });
  const first = await transfer(page, "push-button");
  assert.equal(first.error, null, first.error ?? "");
  assert.ok(first.rows.includes(`The push refers to repository [${reg}/demo/page]`), first.rows.join("\n"));
  const pushed = first.rows.filter((r) => /^[0-9a-f]{12}: Pushed$/.test(r));
  assert.ok(pushed.length >= 2, first.rows.join("\n"));
  const digestLine = first.rows.find((r) => r.startsWith("v1: digest: "));
  assert.match(digestLine, new RegExp(`^v1: digest: ${manifest} size: \\d+$`));
  await page.screenshot({ path: path.join(playground.artifacts, "push.png") });

  // skopeo, an independent client: the registry holds exactly these bytes.
  const raw = skopeo("inspect", "--tls-verify=false", "--raw", `docker://${reg}/demo/page:v1`);
  const sha = (await import("node:crypto")).createHash("sha256").update(raw).digest("hex");
  assert.equal(`sha256:${sha}`, manifest);
  const m = JSON.parse(raw);
  assert.equal(m.config.digest, imageId);
  const info = JSON.parse(skopeo("inspect", "--tls-verify=false", `docker://${reg}/demo/page:v1`));
  assert.equal(info.Digest, manifest);
  assert.deepEqual(info.Layers, m.layers.map((l) => l.digest));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "layerlab-e2e-copy-"));
  dirs.push(out);
  skopeo("copy", "--src-tls-verify=false", `docker://${reg}/demo/page:v1`, `oci:${out}:v1`);

  // Again: every layer is there already, nothing is sent.
  const second = await transfer(page, "push-button");
  assert.equal(second.error, null);
  assert.equal(second.rows.filter((r) => /: Pushed$/.test(r)).length, 0, second.rows.join("\n"));
  assert.equal(second.rows.filter((r) => /: Layer already exists$/.test(r)).length, pushed.length);
});

test("a fresh page pulls the image into its store and builds FROM it", { skip }, async () => {
  const context = await playground.browser.newContext();
  const p = await context.newPage();
  try {
    await p.goto(playground.server.url);
    await p.locator(".cm-content").waitFor();
    await p.getByTestId("tab-registry").click();
    await fill(p, { "pull-ref": `${reg}/demo/page:v1` });
    const pulled = await transfer(p, "pull-button");
    assert.equal(pulled.error, null, pulled.error ?? "");
    assert.ok(pulled.rows.some((r) => /^[0-9a-f]{12}: Pull complete$/.test(r)), pulled.rows.join("\n"));
    assert.ok(pulled.rows.includes(`Digest: ${manifest}`), pulled.rows.join("\n"));
    assert.match(pulled.ok, /Downloaded newer image/);

    await p.locator(".cm-content").click();
    await p.keyboard.press("Control+a");
    await p.keyboard.press("Delete");
    await p.keyboard.type(`FROM ${reg}/demo/page:v1\nRUN ls /app\n`);
    await p.getByTestId("build-button").click();
    await p.waitForFunction(() => /^Build #1 (done|failed)/.test(document.querySelector("[data-testid=build-state]")?.textContent ?? ""));
    const state = await p.getByTestId("build-state").innerText();
    assert.match(state, /^Build #1 done/, state);
    const log = await p.getByTestId("build-log").innerText();
    assert.match(log, new RegExp(`FROM ${reg.replace(/\./g, "\\.")}/demo/page:v1`));
    assert.match(log, /server\.js/);
  } finally {
    await context.close();
  }
});

test("the htpasswd registry refuses the browser's preflight; through layerlab relay the push succeeds", { skip }, async () => {
  await page.getByTestId("tab-registry").click();
  await fill(page, {
    "push-registry": authReg, "push-repository": "demo/private", "push-tag": "v1",
    "reg-user": USER, "reg-password": PASS, "reg-relay": "",
  });
  const direct = await transfer(page, "push-button");
  assert.equal(direct.ok, null);
  assert.match(direct.error, /preflight/);
  assert.match(direct.error, /layerlab relay --registry 127\.0\.0\.1:\d+/);
  await page.screenshot({ path: path.join(playground.artifacts, "push-cors-error.png") });

  const relayPort = await freePort();
  const origin = new URL(playground.server.url).origin;
  const relay = spawn(layerlab, ["relay", "--listen", `127.0.0.1:${relayPort}`, "--allow-origin", origin,
    "--registry", authReg], { stdio: "ignore" });
  children.push(relay);
  await waitFor(`http://127.0.0.1:${relayPort}/`);
  await fill(page, { "reg-relay": `http://127.0.0.1:${relayPort}` });
  const relayed = await transfer(page, "push-button");
  assert.equal(relayed.error, null, relayed.error ?? "");
  assert.ok(relayed.rows.some((r) => r.startsWith(`v1: digest: ${manifest} `)), relayed.rows.join("\n"));
  const raw = skopeo("inspect", "--tls-verify=false", "--raw", "--creds", `${USER}:${PASS}`, `docker://${authReg}/demo/private:v1`);
  const sha = (await import("node:crypto")).createHash("sha256").update(raw).digest("hex");
  assert.equal(`sha256:${sha}`, manifest);

  // The password reached no storage (nothing asked to remember it).
  const stored = await page.evaluate(() => [sessionStorage, localStorage]
    .flatMap((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`)).join("\n"));
  assert.ok(!stored.includes(PASS), stored);
  assert.ok(!stored.includes(USER), stored);
});
