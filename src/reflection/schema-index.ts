import type { Service } from "../index.js";
import { type DescriptorProto, type EnumDescriptorProto, type FieldDescriptorProto, FileDescriptorProto } from "../wkt/index.js";

/** One file the server's services describe: its serialized FileDescriptorProto and its imports. */
export interface IndexedFile {
  /** The serialized FileDescriptorProto, as the service's `files` gave it. */
  bytes: Uint8Array;
  /** Its import names. */
  dependencies: readonly string[];
}

/**
 * What reflection answers from: every file the services' `files` hold, by name; every symbol
 * (package-qualified, no leading dot) by the file that defines it; every extension by extended
 * message and number; and the services known only by name (no `files`: defineService by hand).
 */
export class SchemaIndex {
  readonly files = new Map<string, IndexedFile>();
  readonly symbols = new Map<string, string>();
  /** Extended message full name -> extension number -> file name. */
  readonly extensions = new Map<string, Map<number, string>>();
  /** Message full names (the types all_extension_numbers_of_type may ask about). */
  readonly messages = new Set<string>();
  /** The services without a descriptor, by full name. */
  readonly undescribed = new Set<string>();
  /** Files that could not be decoded, by the service that carried them, with the reason. */
  readonly broken = new Map<string, string>();

  /** The full names of the services registered, in order. */
  readonly registered: readonly string[];

  constructor(services: readonly Service[]) {
    this.registered = services.map((service) => service.name);
    const seen = new Set<Uint8Array>();
    for (const service of services) {
      if (service.files === undefined) {
        this.undescribed.add(service.name);
        continue;
      }
      let files: readonly Uint8Array[];
      try {
        files = service.files();
      } catch (error) {
        this.broken.set(service.name, `its files() threw: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      for (const bytes of files) {
        if (seen.has(bytes)) continue;
        seen.add(bytes);
        let file: FileDescriptorProto;
        try {
          file = FileDescriptorProto.decode(bytes);
        } catch (error) {
          this.broken.set(service.name, `a file of its schema does not decode: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        const name = file.name ?? "";
        if (this.files.has(name)) continue;
        this.files.set(name, { bytes, dependencies: file.dependency });
        this.#addFile(name, file);
      }
      if (!this.symbols.has(service.name) && !this.broken.has(service.name)) this.undescribed.add(service.name);
    }
  }

  #addFile(fileName: string, file: FileDescriptorProto): void {
    const scope = file.package ? `${file.package}.` : "";
    for (const message of file.messageType) this.#addMessage(fileName, scope, message);
    for (const enumType of file.enumType) this.#addEnum(fileName, scope, enumType);
    for (const extension of file.extension) this.#addExtension(fileName, scope, extension);
    for (const service of file.service) {
      const name = `${scope}${service.name ?? ""}`;
      this.symbols.set(name, fileName);
      for (const method of service.method) this.symbols.set(`${name}.${method.name ?? ""}`, fileName);
    }
  }

  #addMessage(fileName: string, scope: string, message: DescriptorProto): void {
    const name = `${scope}${message.name ?? ""}`;
    this.symbols.set(name, fileName);
    this.messages.add(name);
    for (const field of message.field) this.symbols.set(`${name}.${field.name ?? ""}`, fileName);
    for (const oneof of message.oneofDecl) this.symbols.set(`${name}.${oneof.name ?? ""}`, fileName);
    for (const nested of message.nestedType) this.#addMessage(fileName, `${name}.`, nested);
    for (const enumType of message.enumType) this.#addEnum(fileName, `${name}.`, enumType);
    for (const extension of message.extension) this.#addExtension(fileName, `${name}.`, extension);
  }

  /** An enum and its values; as in protobuf, the values are scoped beside the enum, not inside it. */
  #addEnum(fileName: string, scope: string, enumType: EnumDescriptorProto): void {
    this.symbols.set(`${scope}${enumType.name ?? ""}`, fileName);
    for (const value of enumType.value) this.symbols.set(`${scope}${value.name ?? ""}`, fileName);
  }

  #addExtension(fileName: string, scope: string, extension: FieldDescriptorProto): void {
    this.symbols.set(`${scope}${extension.name ?? ""}`, fileName);
    const extendee = (extension.extendee ?? "").replace(/^\./, "");
    if (extendee === "" || extension.number === undefined) return;
    let numbers = this.extensions.get(extendee);
    if (numbers === undefined) this.extensions.set(extendee, (numbers = new Map()));
    numbers.set(extension.number, fileName);
  }
}
