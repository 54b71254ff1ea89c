// Starts the build worker (src/web/worker.rs): wasm-bindgen's glue, then its
// module. A module that does not load or start rejects a promise, which a
// page never hears of from a worker; so the failure is sent to the page as
// an answer to call 0, in src/web/protocol.rs's format, and the page fails
// its waiting calls (src/web/backend.rs).
importScripts("./layerlab-worker.js");
wasm_bindgen("./layerlab-worker_bg.wasm").catch((e) => {
  postMessage(JSON.stringify({ id: 0, body: { Failed: `its module did not start: ${e}` } }));
});
