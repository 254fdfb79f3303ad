import { constants as fsConstants, realpathSync, statSync } from "node:fs";
import { type FileHandle, open, realpath, stat } from "node:fs/promises";
import type { OutgoingHttpHeaders } from "node:http";
import { extname, join, sep } from "node:path";
import type { HttpRequest, HttpResponse } from "../http2/server/index.js";
import type { HttpHandler } from "./http-handler.js";

/** Options of serveFiles. */
export interface ServeFilesOptions {
  /** The file served for a folder's URL ("/docs/" → "docs/index.html"); false serves none (404). Default "index.html". */
  index?: string | false | undefined;
  /** The cache-control header of every file. Default "no-cache": the browser revalidates, which the ETag makes cheap. */
  cacheControl?: string | undefined;
  /** More content-types by extension, over the built-in table: `{ ".avif": "image/avif" }`. */
  contentTypes?: Readonly<Record<string, string>> | undefined;
  /** Serve files and folders whose name starts with "." (.env, .git). Default false: they are 404. */
  dotfiles?: boolean | undefined;
  /**
   * The handler of every request answered with no file: a method other than GET or HEAD, or a
   * path with no file under the folder. Chain another handler (an API) or an app's index.html here.
   * Default: a plain 405 or 404.
   */
  fallback?: HttpHandler | undefined;
}

/** Content-types by extension; text types say UTF-8. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".wav": "audio/wav",
  ".proto": "text/plain; charset=utf-8",
  ".bin": "application/octet-stream",
};
const DEFAULT_CONTENT_TYPE = "application/octet-stream";
const utf8 = new TextEncoder();

/** A file found for a request: its real path, open, with its size and modification time. */
interface FoundFile {
  handle: FileHandle;
  path: string;
  size: number;
  mtimeMs: number;
}

/** What resolving a URL path gave: a file, a folder URL missing its "/", or nothing to serve. */
type Lookup = { kind: "file"; file: FoundFile } | { kind: "redirect"; location: string } | { kind: "none"; status: 400 | 403 | 404 };

/**
 * A handler for `web.http` (or any node request listener) that serves the files under `root`:
 * GET and HEAD, a content-type by extension, Content-Length, ETag and Last-Modified with 304
 * answers, single byte ranges (206, 416), a folder's index.html (a folder URL without its final
 * "/" is redirected to it), and 404 for everything else. Nothing outside `root` is ever served:
 * "..", encoded slashes and NUL bytes in the path are refused, and a symbolic link is followed
 * only when its target is under `root` too. Dotfiles are not served unless asked. No folder listings.
 * Throws a TypeError at once when `root` is not a folder.
 */
export function serveFiles(root: string, options: ServeFilesOptions = {}): HttpHandler {
  if (typeof root !== "string" || root === "") throw new TypeError("web: serveFiles needs the path of a folder");
  let rootPath: string;
  try {
    rootPath = realpathSync(root);
  } catch (error) {
    throw new TypeError(`web: serveFiles: ${JSON.stringify(root)} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (!statSync(rootPath).isDirectory()) throw new TypeError(`web: serveFiles: ${JSON.stringify(root)} is not a folder`);
  const index = options.index ?? "index.html";
  if (index !== false && (typeof index !== "string" || index === "" || /[/\\\0]/.test(index) || index.startsWith(".")))
    throw new TypeError(`web: serveFiles: index ${JSON.stringify(index)} must be a plain file name, or false`);
  const cacheControl = options.cacheControl ?? "no-cache";
  const contentTypes: Readonly<Record<string, string>> = { ...CONTENT_TYPES, ...lowerKeys(options.contentTypes ?? {}) };
  const dotfiles = options.dotfiles ?? false;
  const fallback = options.fallback;

  /** The real path of `path` when it is inside the root (symbolic links resolved), else undefined. */
  async function inside(path: string): Promise<string | undefined> {
    const real = await realpath(path);
    return real === rootPath || real.startsWith(rootPath.endsWith(sep) ? rootPath : rootPath + sep) ? real : undefined;
  }

  async function openFile(path: string): Promise<Lookup> {
    const real = await inside(path);
    if (real === undefined) return { kind: "none", status: 404 };
    // O_NOFOLLOW: the path was just resolved, and a link swapped in since is not followed out of the root.
    const handle = await open(real, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
    try {
      const found = await handle.stat();
      if (found.isFile()) return { kind: "file", file: { handle, path: real, size: found.size, mtimeMs: found.mtimeMs } };
      await handle.close();
      if (found.isDirectory()) return { kind: "none", status: 403 };
      return { kind: "none", status: 404 };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async function lookup(target: string): Promise<Lookup> {
    const url = originForm(target);
    if (url === undefined) return { kind: "none", status: 400 };
    const end = url.search(/[?#]/);
    const pathname = end < 0 ? url : url.slice(0, end);
    const query = end < 0 || url[end] === "#" ? "" : url.slice(end).replace(/#.*$/, "");
    const segments: string[] = [];
    for (const raw of pathname.split("/")) {
      if (raw === "") continue;
      let segment: string;
      try {
        segment = decodeURIComponent(raw);
      } catch {
        return { kind: "none", status: 400 };
      }
      if (segment === "." || segment === ".." || /[/\\\0]/.test(segment)) return { kind: "none", status: 404 };
      if (!dotfiles && segment.startsWith(".")) return { kind: "none", status: 404 };
      segments.push(segment);
    }
    const path = join(rootPath, ...segments);
    try {
      const real = await inside(path);
      if (real === undefined) return { kind: "none", status: 404 };
      if (!(await stat(real)).isDirectory()) return await openFile(real);
      if (!pathname.endsWith("/")) return { kind: "redirect", location: `/${segments.map(encodeURIComponent).join("/")}/${query}` };
      if (index === false) return { kind: "none", status: 404 };
      const found = await openFile(join(real, index));
      return found.kind === "none" && found.status === 403 ? { kind: "none", status: 404 } : found;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP" || code === "ENAMETOOLONG") return { kind: "none", status: 404 };
      if (code === "EACCES" || code === "EPERM") return { kind: "none", status: 403 };
      throw error;
    }
  }

  return async (request, response) => {
    const method = request.method;
    if (method !== "GET" && method !== "HEAD") {
      if (fallback !== undefined) return fallback(request, response);
      plainAnswer(response, 405, "Method Not Allowed", { allow: "GET, HEAD" });
      return;
    }
    const found = await lookup(request.url ?? "");
    if (found.kind === "redirect") {
      plainAnswer(response, 301, "Moved Permanently", { location: found.location });
      return;
    }
    if (found.kind === "none") {
      if (found.status === 404 && fallback !== undefined) return fallback(request, response);
      plainAnswer(response, found.status, found.status === 404 ? "Not Found" : found.status === 403 ? "Forbidden" : "Bad Request");
      return;
    }
    await sendFile(request, response, found.file, method === "HEAD", {
      contentType: contentTypes[extname(found.file.path).toLowerCase()] ?? DEFAULT_CONTENT_TYPE,
      cacheControl,
    });
  };
}

/** Answers one found file: 304, 206, 416 or 200, with the body unless HEAD. Closes the file. */
async function sendFile(
  request: HttpRequest,
  response: HttpResponse,
  file: FoundFile,
  isHead: boolean,
  settings: { contentType: string; cacheControl: string },
): Promise<void> {
  const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
  const lastModified = new Date(Math.floor(file.mtimeMs / 1000) * 1000);
  const validators: OutgoingHttpHeaders = {
    etag,
    "last-modified": lastModified.toUTCString(),
    "cache-control": settings.cacheControl,
  };
  if (isNotModified(request, etag, lastModified)) {
    await file.handle.close();
    response.writeHead(304, validators);
    response.end();
    return;
  }
  const range = request.headers["if-range"] === undefined ? byteRange(request.headers.range, file.size) : undefined;
  if (range === "unsatisfiable") {
    await file.handle.close();
    plainAnswer(response, 416, "Range Not Satisfiable", { "content-range": `bytes */${file.size}` });
    return;
  }
  const [start, end] = range ?? [0, file.size - 1];
  const headers: OutgoingHttpHeaders = {
    ...validators,
    "content-type": settings.contentType,
    "content-length": Math.max(0, end - start + 1),
    "accept-ranges": "bytes",
    "x-content-type-options": "nosniff",
  };
  if (range !== undefined) headers["content-range"] = `bytes ${start}-${end}/${file.size}`;
  response.writeHead(range === undefined ? 200 : 206, headers);
  if (isHead || end < start) {
    await file.handle.close();
    response.end();
    return;
  }
  const body = file.handle.createReadStream({ start, end });
  // A file that cannot be read to its end (removed, I/O error) cuts the response off: its length was promised.
  body.once("error", () => response.destroy());
  response.once("close", () => body.destroy());
  body.pipe(response);
}

/** If-None-Match (weak comparison) decides when present; else If-Modified-Since. RFC 9110 §13.2.2. */
function isNotModified(request: HttpRequest, etag: string, lastModified: Date): boolean {
  const noneMatch = request.headers["if-none-match"];
  if (noneMatch !== undefined) {
    const opaque = etag.slice(2);
    return String(noneMatch)
      .split(",")
      .map((tag) => tag.trim())
      .some((tag) => tag === "*" || tag === etag || tag === opaque || tag.replace(/^W\//, "") === opaque);
  }
  const since = request.headers["if-modified-since"];
  if (since === undefined) return false;
  const sinceMs = Date.parse(String(since));
  return Number.isFinite(sinceMs) && lastModified.getTime() <= sinceMs;
}

/**
 * The one byte range a Range header asks for, "unsatisfiable", or undefined to send the whole
 * file (no header, a malformed one, or several ranges, which a server may ignore: RFC 9110 §14.2).
 */
function byteRange(header: string | undefined, size: number): [number, number] | "unsatisfiable" | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== "" && Number(match[2]) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return [start, end];
}

function plainAnswer(response: HttpResponse, status: number, text: string, headers: OutgoingHttpHeaders = {}): void {
  const body = utf8.encode(`${text}\n`);
  response.writeHead(status, {
    ...headers,
    "content-type": "text/plain; charset=utf-8",
    "content-length": body.length,
    "x-content-type-options": "nosniff",
  });
  response.end(body);
}

/**
 * The path and query of a request target: as it is ("/a?b"), or from the absolute form an
 * HTTP/1.1 server must accept ("http://host/a?b", RFC 9112 §3.2.2); undefined for anything else ("*").
 */
function originForm(target: string): string | undefined {
  if (target.startsWith("/")) return target;
  if (!/^https?:\/\//i.test(target)) return undefined;
  try {
    const parsed = new URL(target);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return undefined;
  }
}

function lowerKeys(table: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(table)) out[(key.startsWith(".") ? key : `.${key}`).toLowerCase()] = value;
  return out;
}
