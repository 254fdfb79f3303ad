import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { GenerateError, loadProtos } from "../gen/index.js";
import { encodeFileDescriptor, topLevelOf } from "../service/index.js";
import { ExitCode } from "./exit-code.js";
import type { ReflectionClient } from "./reflection-client.js";
import { Schema, type SchemaSymbol } from "./schema.js";
import { CliError } from "./usage-error.js";

/** Where a command's schema comes from: the server's reflection service, or .proto files (--proto). */
export interface SchemaSource {
  /** The schema loaded so far. */
  readonly schema: Schema;
  /** The full names of the services: as the server lists them, or as the .proto files define them. */
  listServices(): Promise<string[]>;
  /** The definition named `fullName`, loading the file that defines it and its dependencies first; undefined if there is none. */
  resolve(fullName: string): Promise<SchemaSymbol | undefined>;
  /** Releases the reflection stream, if any. */
  close(): void;
}

/** Dependency rounds before giving up on a server that keeps naming files it does not serve. */
const MAX_DEPENDENCY_ROUNDS = 64;

/** A schema fetched from the server's reflection service on demand: a file and its transitive dependencies per symbol. */
export function reflectionSource(client: ReflectionClient): SchemaSource {
  const schema = new Schema();
  return {
    schema,
    listServices: () => client.listServices(),
    async resolve(fullName) {
      const known = schema.symbol(fullName);
      if (known !== undefined) return known;
      const files = await client.fileContainingSymbol(fullName);
      if (files === undefined) {
        // Some servers find only top-level names: a method or nested type is in its parent's file.
        const dot = fullName.lastIndexOf(".");
        if (dot <= 0 || (await this.resolve(fullName.slice(0, dot))) === undefined) return undefined;
        return schema.symbol(fullName);
      }
      schema.addFiles(files);
      for (let round = 0; round < MAX_DEPENDENCY_ROUNDS; round++) {
        const missing = schema.missingDependencies();
        if (missing.length === 0) break;
        for (const name of missing) {
          const dependency = await client.fileByFilename(name);
          if (dependency === undefined)
            throw new CliError(`the reflection server does not have ${name}, a dependency of ${fullName}`, ExitCode.UnknownSymbol);
          schema.addFiles(dependency);
          if (!schema.files.has(name))
            throw new CliError(`the reflection server answered file_by_filename ${name} with other files`, ExitCode.Software);
        }
      }
      return schema.symbol(fullName);
    },
    close: () => client.close(),
  };
}

/**
 * A schema built from .proto files (--proto FILE, -I DIR): parsed by the generator's loader, every
 * file (imports and bundled well-known types included) turned into a FileDescriptorProto. With no
 * -I, each file's own directory is the include directory.
 */
export function protoSource(protos: readonly string[], includeDirs: readonly string[]): SchemaSource {
  for (const proto of protos) if (!existsSync(proto)) throw new CliError(`--proto ${proto}: no such file`, ExitCode.NoInput);
  const dirs = includeDirs.length > 0 ? includeDirs : [...new Set(protos.map((proto) => dirname(proto)))];
  let loaded: ReturnType<typeof loadProtos>;
  try {
    loaded = loadProtos(protos, dirs);
  } catch (error) {
    if (error instanceof GenerateError) throw new CliError(`--proto: ${error.message}`, ExitCode.DataError, { cause: error });
    throw error;
  }
  const schema = new Schema();
  schema.addFiles([...loaded.files.values()].map((file) => encodeFileDescriptor(file, topLevelOf(loaded.root, file.name))));
  const services = [...loaded.requested].flatMap((name) => {
    const file = schema.files.get(name);
    if (file === undefined) return [];
    return file.service.map((service) => (file.package ? `${file.package}.${service.name}` : `${service.name}`));
  });
  return {
    schema,
    listServices: async () => services,
    resolve: async (fullName) => schema.symbol(fullName),
    close: () => {},
  };
}
