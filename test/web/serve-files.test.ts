// serveFiles: a folder served as web.http, over HTTP/1.1 and HTTP/2; nothing outside it, ever.
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, type ServeFilesOptions, serveFiles } from "../../src/index.js";
import { type Transport, send } from "./http-client.js";

/** A folder under the system's temporary folder, removed after the tests. */
function makeTree(): { base: string; root: string } {
  const base = mkdtempSync(join(tmpdir(), "tsgrpc-serve-files-"));
  const root = join(base, "public");
  mkdirSync(join(root, "docs"), { recursive: true });
  mkdirSync(join(root, "empty"));
  mkdirSync(join(root, ".git"));
  mkdirSync(join(root, "with space"));
  writeFileSync(join(root, "index.html"), "<!doctype html><title>home</title>");
  writeFileSync(join(root, "hello.txt"), "hello, world");
  writeFileSync(join(root, "app.JS"), "console.log(1);");
  writeFileSync(join(root, "data.unknownext"), "??");
  writeFileSync(join(root, "big.bin"), Buffer.alloc(1024 * 1024 + 7, 0x61));
  writeFileSync(join(root, "docs", "index.html"), "<p>docs</p>");
  writeFileSync(join(root, "with space", "ü.txt"), "unicode");
  writeFileSync(join(root, ".env"), "SECRET=1");
  writeFileSync(join(root, ".git", "config"), "[core]");
  writeFileSync(join(base, "outside.txt"), "outside the root");
  mkdirSync(join(base, "public-evil"));
  writeFileSync(join(base, "public-evil", "x.txt"), "a sibling folder whose name starts like the root");
  symlinkSync(join(base, "outside.txt"), join(root, "link-out.txt"));
  symlinkSync(join(base, "public-evil"), join(root, "link-dir-out"));
  symlinkSync(join(root, "hello.txt"), join(root, "link-in.txt"));
  utimesSync(join(root, "hello.txt"), new Date("2024-05-01T10:00:00Z"), new Date("2024-05-01T10:00:00Z"));
  return { base, root };
}

describe("serveFiles", () => {
  let base: string;
  let root: string;
  before(() => {
    ({ base, root } = makeTree());
  });
  after(() => {
    rmSync(base, { recursive: true, force: true });
  });

  async function serve(options?: ServeFilesOptions): Promise<{ server: Server; port: number }> {
    const server = new Server({ logger: null, web: { http: serveFiles(root, options) } });
    const port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
    return { server, port };
  }

  for (const transport of ["HTTP/1.1", "HTTP/2 (h2c)"] as Transport[])
    describe(transport, () => {
      let server: Server;
      let port: number;
      before(async () => {
        ({ server, port } = await serve());
      });
      after(async () => {
        await server.forceShutdown();
      });
      const get = (path: string, headers?: Record<string, string>, method = "GET") => send(transport, port, { method, path, headers });

      it("serves a file with its type, length and validators", async () => {
        const answer = await get("/hello.txt?v=2");
        expect(answer.status).to.equal(200);
        expect(answer.body.toString()).to.equal("hello, world");
        expect(answer.headers).to.include({
          "content-type": "text/plain; charset=utf-8",
          "content-length": "12",
          "last-modified": "Wed, 01 May 2024 10:00:00 GMT",
          "cache-control": "no-cache",
          "accept-ranges": "bytes",
          "x-content-type-options": "nosniff",
        });
        expect(answer.headers.etag).to.match(/^W\/"c-[0-9a-f]+"$/);
      });

      it("picks the content-type by extension, case-insensitive; unknown is octet-stream", async () => {
        expect((await get("/app.JS")).headers["content-type"]).to.equal("text/javascript; charset=utf-8");
        expect((await get("/data.unknownext")).headers["content-type"]).to.equal("application/octet-stream");
        expect((await get("/")).headers["content-type"]).to.equal("text/html; charset=utf-8");
      });

      it("answers HEAD with the headers and no body", async () => {
        const answer = await get("/hello.txt", undefined, "HEAD");
        expect(answer.status).to.equal(200);
        expect(answer.headers["content-length"]).to.equal("12");
        expect(answer.body.length).to.equal(0);
      });

      it("streams a large file whole", async () => {
        const answer = await get("/big.bin");
        expect(answer.body.length).to.equal(1024 * 1024 + 7);
        expect(answer.body.every((byte) => byte === 0x61)).to.equal(true);
      });

      it("serves a folder's index.html, redirecting a folder URL without its final slash", async () => {
        expect((await get("/")).body.toString()).to.include("home");
        expect((await get("/docs/")).body.toString()).to.equal("<p>docs</p>");
        const redirect = await get("/docs?x=1");
        expect(redirect.status).to.equal(301);
        expect(redirect.headers.location).to.equal("/docs/?x=1");
        expect((await get("/empty/")).status).to.equal(404);
        expect((await get("/with%20space/%C3%BC.txt")).body.toString()).to.equal("unicode");
        expect((await get("/with%20space")).headers.location).to.equal("/with%20space/");
      });

      it("never leaves the root: .., encoded slashes and dots, backslashes, NUL, links out", async () => {
        for (const path of [
          "/../outside.txt",
          "/%2e%2e/outside.txt",
          "/%2E%2E%2Foutside.txt",
          "/docs/..%2F..%2Foutside.txt",
          "/..%5Coutside.txt",
          "/hello.txt%00.html",
          "/link-out.txt",
          "/link-dir-out/x.txt",
          "/../public-evil/x.txt",
          "//outside.txt",
        ]) {
          const answer = await get(path);
          expect(answer.status, path).to.be.oneOf([400, 404]);
          expect(answer.body.toString(), path).not.to.include("outside");
          expect(answer.body.toString(), path).not.to.include("sibling");
        }
        expect((await get("/link-in.txt")).body.toString()).to.equal("hello, world");
      });

      it("hides dotfiles and dot-folders", async () => {
        expect((await get("/.env")).status).to.equal(404);
        expect((await get("/.git/config")).status).to.equal(404);
        expect((await get("/%2Eenv")).status).to.equal(404);
      });

      it("answers 404 for a missing file and 400 for a malformed path", async () => {
        const missing = await get("/nope.html");
        expect(missing.status).to.equal(404);
        expect(missing.body.toString()).to.equal("Not Found\n");
        expect((await get("/hello.txt/more")).status).to.equal(404);
        expect((await get("/%E0%A4%A")).status).to.equal(400);
      });

      it("answers 405 with Allow to another method", async () => {
        const answer = await send(transport, port, { method: "PUT", path: "/hello.txt", body: "x" });
        expect(answer.status).to.equal(405);
        expect(answer.headers.allow).to.equal("GET, HEAD");
      });

      it("answers 304 to a matching If-None-Match or an If-Modified-Since not before the file", async () => {
        const { etag } = (await get("/hello.txt")).headers;
        const notModified = await get("/hello.txt", { "if-none-match": `"other", ${etag}` });
        expect(notModified.status).to.equal(304);
        expect(notModified.body.length).to.equal(0);
        expect(notModified.headers.etag).to.equal(etag);
        expect((await get("/hello.txt", { "if-none-match": '"other"' })).status).to.equal(200);
        expect((await get("/hello.txt", { "if-modified-since": "Wed, 01 May 2024 10:00:00 GMT" })).status).to.equal(304);
        expect((await get("/hello.txt", { "if-modified-since": "Wed, 01 May 2024 09:59:59 GMT" })).status).to.equal(200);
        expect((await get("/hello.txt", { "if-modified-since": "yesterday" })).status).to.equal(200);
      });

      it("serves one byte range (206), refuses one past the end (416), and sends the whole file otherwise", async () => {
        const first = await get("/hello.txt", { range: "bytes=0-4" });
        expect(first.status).to.equal(206);
        expect(first.body.toString()).to.equal("hello");
        expect(first.headers["content-range"]).to.equal("bytes 0-4/12");
        expect((await get("/hello.txt", { range: "bytes=-5" })).body.toString()).to.equal("world");
        expect((await get("/hello.txt", { range: "bytes=7-" })).body.toString()).to.equal("world");
        expect((await get("/hello.txt", { range: "bytes=7-1000" })).headers["content-range"]).to.equal("bytes 7-11/12");
        const beyond = await get("/hello.txt", { range: "bytes=12-" });
        expect(beyond.status).to.equal(416);
        expect(beyond.headers["content-range"]).to.equal("bytes */12");
        for (const range of ["bytes=0-1,3-4", "bytes=5-2", "items=0-1", "bytes=-"])
          expect((await get("/hello.txt", { range })).status, range).to.equal(200);
        expect((await get("/hello.txt", { range: "bytes=0-4", "if-range": '"x"' })).status).to.equal(200);
      });
    });

  it("hands what it does not serve to the fallback: other methods and missing paths", async () => {
    const { server, port } = await serve({
      fallback: (request, response) => {
        response.writeHead(200, { "content-type": "text/plain" });
        response.end(`fallback ${request.method} ${request.url}`);
      },
    });
    try {
      expect((await send("HTTP/1.1", port, { method: "POST", path: "/api", body: "{}" })).body.toString()).to.equal("fallback POST /api");
      expect((await send("HTTP/2 (h2c)", port, { path: "/app/route" })).body.toString()).to.equal("fallback GET /app/route");
      expect((await send("HTTP/2 (h2c)", port, { path: "/hello.txt" })).body.toString()).to.equal("hello, world");
      // Refused paths are the fallback's too (it sees the request as sent), and it still sees no file outside.
      expect((await send("HTTP/1.1", port, { path: "/link-out.txt" })).body.toString()).to.equal("fallback GET /link-out.txt");
    } finally {
      await server.forceShutdown();
    }
  });

  it("takes options: no index, dotfiles, content-types, cache-control", async () => {
    const { server, port } = await serve({
      index: false,
      dotfiles: true,
      contentTypes: { unknownext: "application/x-test", ".TXT": "text/x-test" },
      cacheControl: "public, max-age=60",
    });
    try {
      expect((await send("HTTP/1.1", port, { path: "/" })).status).to.equal(404);
      expect((await send("HTTP/1.1", port, { path: "/.env" })).body.toString()).to.equal("SECRET=1");
      expect((await send("HTTP/1.1", port, { path: "/data.unknownext" })).headers["content-type"]).to.equal("application/x-test");
      const text = await send("HTTP/1.1", port, { path: "/hello.txt" });
      expect(text.headers["content-type"]).to.equal("text/x-test");
      expect(text.headers["cache-control"]).to.equal("public, max-age=60");
    } finally {
      await server.forceShutdown();
    }
  });

  it("accepts the absolute form of a request target (RFC 9112 §3.2.2)", async () => {
    const { server, port } = await serve();
    try {
      expect((await send("HTTP/1.1", port, { path: `http://127.0.0.1:${port}/hello.txt` })).body.toString()).to.equal("hello, world");
    } finally {
      await server.forceShutdown();
    }
  });

  it("refuses a root that is not a folder, and a bad index, at once", () => {
    expect(() => serveFiles(join(base, "nope"))).to.throw(TypeError, /^web: serveFiles: .* cannot be read/);
    expect(() => serveFiles(join(base, "outside.txt"))).to.throw(TypeError, /is not a folder$/);
    expect(() => serveFiles("")).to.throw(TypeError, /^web: serveFiles needs/);
    for (const index of ["", "../x.html", "a/b.html", ".hidden"])
      expect(() => serveFiles(root, { index }), index).to.throw(TypeError, /^web: serveFiles: index/);
  });
});
