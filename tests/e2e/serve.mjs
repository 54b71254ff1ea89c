// A minimal static server for dist/, used by the browser tests: serves .wasm
// as application/wasm (needed for streaming compilation) and nothing outside
// the folder. Listens on 127.0.0.1 on a free port.
import http from "node:http";
import fs from "node:fs/promises";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

export async function serve(root) {
  const base = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    let file = path.resolve(base, "." + decodeURIComponent(url.pathname));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    if (url.pathname.endsWith("/")) file = path.join(file, "index.html");
    try {
      const body = await fs.readFile(file);
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

// Opens the built page's server and a headless Debian Chromium on it, the
// same way for every e2e file. Console errors and uncaught exceptions are
// collected in `consoleErrors` for the tests to assert on.
export async function openPlayground() {
  const { chromium } = await import("../../www/node_modules/playwright-core/index.mjs");
  const { fileURLToPath } = await import("node:url");
  const { default: fsSync } = await import("node:fs");
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dist = process.env.LAYERLAB_DIST ?? path.join(here, "../../dist");
  const artifacts = path.join(here, "artifacts");
  if (!fsSync.existsSync(path.join(dist, "index.html"))) {
    throw new Error(`no build in ${dist}: run trunk build first`);
  }
  fsSync.mkdirSync(artifacts, { recursive: true });
  const server = await serve(dist);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  // The page follows the system theme; the tests and their screenshots see
  // the dark one (headless Chromium reports light).
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, colorScheme: "dark" });
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  return {
    server, browser, page, consoleErrors, artifacts,
    close: async () => { await browser.close(); await server.close(); },
  };
}
