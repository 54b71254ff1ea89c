// Trunk's post-build hook: drops the `name` custom section (function names,
// 94 KB of the page's gzip) from the wasm files in Trunk's staging dir.
// `strip = true` in Cargo would drop it too, but with it `target_features`,
// which wasm-bindgen needs (it warns without it); wasm-bindgen and Trunk
// have no option for this one section. Everything else is kept byte for byte.
import fs from "node:fs";
import path from "node:path";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error("TRUNK_STAGING_DIR is not set: run from Trunk's post_build hook");

// An unsigned LEB128 at `at`: [value, next offset].
function leb(bytes, at) {
  let value = 0, shift = 0, b;
  do {
    b = bytes[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [value, at];
}

for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".wasm"))) {
  const p = path.join(dir, file);
  const bytes = fs.readFileSync(p);
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error(`${file} is not wasm`);
  const kept = [bytes.subarray(0, 8)];
  for (let at = 8; at < bytes.length; ) {
    const start = at;
    const id = bytes[at++];
    const [size, body] = leb(bytes, at);
    at = body + size;
    if (id === 0) {
      const [len, name] = leb(bytes, body);
      if (bytes.toString("utf8", name, name + len) === "name") continue;
    }
    kept.push(bytes.subarray(start, at));
  }
  fs.writeFileSync(p, Buffer.concat(kept));
}
