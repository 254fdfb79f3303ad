import {
  type DescriptorProto,
  type EnumDescriptorProto,
  FileDescriptorProto,
  type MethodDescriptorProto,
  type ServiceDescriptorProto,
} from "../wkt/index.js";

/** A named definition found in a schema, with the file that defines it. */
export type SchemaSymbol =
  | { kind: "service"; fullName: string; file: FileDescriptorProto; service: ServiceDescriptorProto }
  | { kind: "method"; fullName: string; file: FileDescriptorProto; service: ServiceDescriptorProto; method: MethodDescriptorProto }
  | { kind: "message"; fullName: string; file: FileDescriptorProto; message: DescriptorProto }
  | { kind: "enum"; fullName: string; file: FileDescriptorProto; enum: EnumDescriptorProto };

/**
 * The schema a command works with: serialized FileDescriptorProtos (from reflection or from
 * --proto files), decoded once and indexed by the full name of every service, method ("pkg.Svc.Method"),
 * message and enum, nested ones included.
 */
export class Schema {
  /** Every file, serialized, by file name, in the order added. */
  readonly encodedFiles = new Map<string, Uint8Array>();
  /** Every file, decoded, by file name. */
  readonly files = new Map<string, FileDescriptorProto>();
  readonly #symbols = new Map<string, SchemaSymbol>();

  /** Adds serialized FileDescriptorProtos; a file already known by name is skipped. */
  addFiles(encoded: Iterable<Uint8Array>): void {
    for (const bytes of encoded) {
      const file = FileDescriptorProto.decode(bytes);
      const name = file.name ?? "";
      if (this.files.has(name)) continue;
      this.files.set(name, file);
      this.encodedFiles.set(name, bytes);
      this.#index(file);
    }
  }

  /** The definition named `fullName` (no leading dot), if a file added defines it. */
  symbol(fullName: string): SchemaSymbol | undefined {
    return this.#symbols.get(fullName.startsWith(".") ? fullName.slice(1) : fullName);
  }

  /** The dependencies named by the files added that are not added themselves. */
  missingDependencies(): string[] {
    const missing = new Set<string>();
    for (const file of this.files.values()) for (const name of file.dependency) if (!this.files.has(name)) missing.add(name);
    return [...missing];
  }

  #index(file: FileDescriptorProto): void {
    const prefix = file.package ? `${file.package}.` : "";
    for (const service of file.service) {
      const fullName = `${prefix}${service.name}`;
      this.#symbols.set(fullName, { kind: "service", fullName, file, service });
      for (const method of service.method)
        this.#symbols.set(`${fullName}.${method.name}`, { kind: "method", fullName: `${fullName}.${method.name}`, file, service, method });
    }
    const visitEnum = (scope: string, enumType: EnumDescriptorProto): void => {
      const fullName = `${scope}${enumType.name}`;
      this.#symbols.set(fullName, { kind: "enum", fullName, file, enum: enumType });
    };
    const visitMessage = (scope: string, message: DescriptorProto): void => {
      const fullName = `${scope}${message.name}`;
      this.#symbols.set(fullName, { kind: "message", fullName, file, message });
      for (const nested of message.nestedType) visitMessage(`${fullName}.`, nested);
      for (const nested of message.enumType) visitEnum(`${fullName}.`, nested);
    };
    for (const message of file.messageType) visitMessage(prefix, message);
    for (const enumType of file.enumType) visitEnum(prefix, enumType);
  }
}
