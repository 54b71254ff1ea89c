// A tiny HTTP service: a greeting, and /health for the HEALTHCHECK.
const http = require("node:http");

const port = Number(process.env.PORT ?? 3000);

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok\n");
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ hello: "layers", pid: process.pid }) + "\n");
});

server.listen(port, () => console.log(`listening on :${port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
