import { readFileSync } from "node:fs";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { encodeFileDescriptor, type FileDescriptorSource, topLevelWhere } from "./file-descriptor.js";
import { describeProtoText } from "./proto-source.js";

/** The .proto files of the well-known types shipped with tsgrpc (the package's proto/ folder). */
const BUNDLED_PROTO_DIR = fileURLToPath(new URL("../../../proto/", import.meta.url));

/**
 * The descriptor source of a well-known type file protobufjs carries built in (it reads no
 * .proto for them): described from tsgrpc's own copy of the file, so options and names are
 * protoc's; a bare one if that copy cannot be read.
 */
function bundledSource(filename: string): FileDescriptorSource {
  try {
    return describeProtoText(readFileSync(join(BUNDLED_PROTO_DIR, filename), "utf8"), filename);
  } catch {
    return { name: filename, package: "google.protobuf", syntax: "proto3", imports: [] };
  }
}

/** One file protobufjs loaded: its descriptor source and the top-level definitions it holds. */
interface LoadedFile {
  source: FileDescriptorSource;
  objects: protobuf.ReflectionObject[];
}

/**
 * Records, while protobufjs loads .proto files into a Root, the name each file is imported by, so
 * that the FileDescriptorProtos built afterwards name their files and dependencies the way the
 * .proto files do (what reflection clients resolve imports by).
 */
export class LoadedFiles {
  readonly #includeDirs: readonly string[];
  /** Import name by resolved path (absolute). */
  readonly #names = new Map<string, string>();

  constructor(includeDirs: readonly string[]) {
    this.#includeDirs = includeDirs.map((dir) => resolve(dir));
  }

  /** Called with each path protobufjs resolved for `target` (as written in an import, or a file given to load). */
  resolved(path: string, target: string, topLevel: boolean): void {
    const key = resolve(path);
    if (this.#names.has(key)) return;
    this.#names.set(key, topLevel ? this.#topLevelName(key, target) : target);
  }

  #topLevelName(path: string, target: string): string {
    for (const dir of this.#includeDirs) {
      const inside = relative(dir, path);
      if (inside !== "" && !inside.startsWith("..") && !isAbsolute(inside)) return inside.split(sep).join("/");
    }
    if (!isAbsolute(target) && !target.startsWith(".")) return target.split(sep).join("/");
    return basename(path);
  }

  /**
   * The `files` of the service `service` (loaded into its root through this object): its file's
   * serialized FileDescriptorProto, then every file that one imports, transitively, once each.
   * Computed on the first call and kept.
   */
  filesOf(service: protobuf.Service): () => readonly Uint8Array[] {
    let files: readonly Uint8Array[] | undefined;
    return () => {
      files ??= this.#collect(service);
      return files;
    };
  }

  #collect(service: protobuf.Service): readonly Uint8Array[] {
    const root = service.root as protobuf.Root;
    const loaded = this.#loadedFiles(root);
    const own = [...loaded.values()].find((file) => file.objects.includes(service));
    if (own === undefined) return [];
    const out: Uint8Array[] = [];
    const seen = new Set<string>();
    const visit = (file: LoadedFile): void => {
      if (seen.has(file.source.name)) return;
      seen.add(file.source.name);
      out.push(encodeFileDescriptor(file.source, file.objects));
      for (const imported of file.source.imports) {
        const next = loaded.get(imported);
        if (next !== undefined) visit(next);
      }
    };
    visit(own);
    return out;
  }

  /** Every file in `root.files`, by import name: the bundled well-known types protobufjs carries, and files read from disk. */
  #loadedFiles(root: protobuf.Root): Map<string, LoadedFile> {
    const byName = new Map<string, LoadedFile>();
    const bundled = protobuf.common as unknown as Record<string, { nested?: Record<string, unknown> } | undefined>;
    for (const filename of root.files) {
      const common = bundled[filename];
      if (common !== undefined && typeof common === "object") {
        const names = new Set<string>();
        const walk = (nested: Record<string, unknown> | undefined, prefix: string): void => {
          for (const [name, value] of Object.entries(nested ?? {})) {
            const json = value as { nested?: Record<string, unknown>; fields?: unknown; values?: unknown; methods?: unknown };
            if (json.fields !== undefined || json.values !== undefined || json.methods !== undefined) names.add(`${prefix}.${name}`);
            else walk(json.nested, `${prefix}.${name}`);
          }
        };
        walk(common.nested, "");
        const objects = topLevelWhere(root, (object) => object.filename === null && names.has(object.fullName));
        byName.set(filename, { source: bundledSource(filename), objects });
        continue;
      }
      const key = resolve(filename);
      const name = this.#names.get(key) ?? basename(key);
      let text: string;
      try {
        text = readFileSync(key, "utf8");
      } catch {
        continue;
      }
      let source: FileDescriptorSource;
      try {
        source = describeProtoText(text, name);
      } catch {
        continue;
      }
      const objects = topLevelWhere(root, (object) => object.filename === filename);
      byName.set(name, {
        source,
        objects,
      });
    }
    return byName;
  }
}
