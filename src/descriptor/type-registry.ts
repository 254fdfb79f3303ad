import { type FromJsonOptions, type JsonValue, type ToJsonOptions, messageFromJson, messageToJson } from "../json/index.js";
import { GrpcError, describeError } from "../status/index.js";
import { FileDescriptorProto, FieldDescriptorProto_Type as Type } from "../wkt/index.js";
import { BUNDLED_FILES } from "./bundled-files.js";
import type { EnumInfo, FieldInfo, MessageInfo, MethodInfo, ServiceInfo } from "./descriptor-info.js";
import { type MutableField, symbolsOfFile } from "./file-symbols.js";

/**
 * The types of a set of .proto files, resolved from their serialized FileDescriptorProtos: every
 * message (with its fields' numbers, JSON names, presence, oneofs, map entries and resolved
 * types), enum, service and method, by full name. It converts messages between the binary wire
 * format and proto3 JSON with no generated code, which is what a CLI or a reflection client has.
 *
 * The well-known type files (google/protobuf/*.proto) are added from tsgrpc's own copies when a
 * file imports one without supplying it, or when a google.protobuf type is looked up.
 */
export class TypeRegistry {
  readonly #files = new Map<string, FileDescriptorProto>();
  readonly #messages = new Map<string, MessageInfo>();
  readonly #enums = new Map<string, EnumInfo>();
  readonly #services = new Map<string, ServiceInfo>();
  /** Which file defines each symbol, to name both files of a duplicate. */
  readonly #symbolFiles = new Map<string, string>();

  /**
   * A registry of `files` (serialized FileDescriptorProtos, in any order). A file importing one
   * that is neither given nor a bundled well-known type is a TypeError naming both.
   */
  static fromFiles(files: Iterable<Uint8Array>): TypeRegistry {
    const registry = new TypeRegistry();
    const pending = new Map<string, FileDescriptorProto>();
    for (const bytes of files) {
      const file = decodeFile(bytes);
      if (!pending.has(file.name ?? "")) pending.set(file.name ?? "", file);
    }
    const visiting = new Set<string>();
    const visit = (file: FileDescriptorProto): void => {
      const name = file.name ?? "";
      if (registry.#files.has(name)) return;
      if (visiting.has(name)) throw new TypeError(`descriptor: file "${name}" imports itself through a cycle`);
      visiting.add(name);
      for (const dependency of file.dependency) {
        const found = pending.get(dependency);
        if (found !== undefined) visit(found);
      }
      registry.#add(file);
    };
    for (const file of pending.values()) visit(file);
    return registry;
  }

  /**
   * Adds one serialized FileDescriptorProto; its imports must be in the registry already (or be
   * bundled well-known types). Adding a file whose name is already there does nothing.
   */
  addFile(file: Uint8Array): void {
    const decoded = decodeFile(file);
    if (!this.#files.has(decoded.name ?? "")) this.#add(decoded);
  }

  /** The files in the registry, by name ("grpc/testing/messages.proto"), in the order they were added. */
  get files(): ReadonlyMap<string, FileDescriptorProto> {
    return this.#files;
  }

  /** The message type `fullName` (no leading dot), or undefined. */
  message(fullName: string): MessageInfo | undefined {
    return this.#messages.get(fullName) ?? (this.#addBundledFor(fullName) ? this.#messages.get(fullName) : undefined);
  }

  /** The enum type `fullName` (no leading dot), or undefined. */
  enum(fullName: string): EnumInfo | undefined {
    return this.#enums.get(fullName) ?? (this.#addBundledFor(fullName) ? this.#enums.get(fullName) : undefined);
  }

  /** The service `fullName` (no leading dot), with its methods, or undefined. */
  service(fullName: string): ServiceInfo | undefined {
    return this.#services.get(fullName);
  }

  /** Every service in the registry, in the order their files were added. */
  services(): IterableIterator<ServiceInfo> {
    return this.#services.values();
  }

  /** The name of the file that defines the message, enum, service or method `fullName`, or undefined. */
  fileOf(fullName: string): string | undefined {
    return this.#symbolFiles.get(fullName);
  }

  /**
   * The proto3 JSON of a binary message of type `typeName`. An unknown type name is a TypeError;
   * bytes that do not map (malformed, a Timestamp out of range, an Any of an unknown type) are
   * GrpcError(INVALID_ARGUMENT) "json: <type>.<field path>: ...".
   */
  toJson(typeName: string, bytes: Uint8Array, options?: ToJsonOptions): JsonValue {
    return messageToJson(this, this.#messageOrThrow(typeName), bytes, options);
  }

  /**
   * The canonical binary encoding of proto3 JSON (a parsed value, or JSON text when a string)
   * for a message of type `typeName`. An unknown type name is a TypeError; JSON that does not fit
   * the type is GrpcError(INVALID_ARGUMENT) "json: <type>.<field path>: ...".
   */
  fromJson(typeName: string, json: JsonValue | string, options?: FromJsonOptions): Uint8Array {
    return messageFromJson(this, this.#messageOrThrow(typeName), json, options);
  }

  #messageOrThrow(typeName: string): MessageInfo {
    const message = this.message(typeName);
    if (message === undefined) throw new TypeError(`descriptor: no message type "${typeName}" in the registry`);
    return message;
  }

  /** Adds the bundled well-known file that defines `fullName`, if there is one. */
  #addBundledFor(fullName: string): boolean {
    if (!fullName.startsWith("google.protobuf.")) return false;
    for (const [name, bytes] of BUNDLED_FILES) {
      if (this.#files.has(name)) continue;
      const file = decodeFile(bytes);
      const symbols = symbolsOfFile(file);
      if (symbols.messages.some((message) => message.fullName === fullName) || symbols.enums.some((type) => type.fullName === fullName)) {
        this.#add(file);
        return true;
      }
    }
    return false;
  }

  #add(file: FileDescriptorProto): void {
    const name = file.name ?? "";
    if (name === "") throw new TypeError("descriptor: a FileDescriptorProto without a name");
    for (const dependency of file.dependency) {
      if (this.#files.has(dependency)) continue;
      const bundled = BUNDLED_FILES.get(dependency);
      if (bundled === undefined) throw new TypeError(`descriptor: file "${name}" imports "${dependency}", which is not in the registry`);
      this.#add(decodeFile(bundled));
    }
    const symbols = symbolsOfFile(file);
    const prefix = file.package === undefined || file.package === "" ? "" : `${file.package}.`;
    const declared = [
      ...symbols.messages.map((message) => message.fullName),
      ...symbols.enums.map((type) => type.fullName),
      ...file.service.map((service) => `${prefix}${service.name ?? ""}`),
      ...symbols.extensions.map((extension) => extension.field.fullName),
    ];
    for (const symbol of declared) {
      const other = this.#symbolFiles.get(symbol);
      if (other !== undefined) throw new TypeError(`descriptor: "${symbol}" is defined in both "${other}" and "${name}"`);
    }
    // Registered first, then resolved, so the file's types can refer to each other in any order.
    for (const symbol of declared) this.#symbolFiles.set(symbol, name);
    for (const message of symbols.messages) this.#messages.set(message.fullName, message);
    for (const type of symbols.enums) this.#enums.set(type.fullName, type);
    this.#files.set(name, file);
    const added: FieldInfo[] = [];
    try {
      for (const message of symbols.messages)
        for (const field of message.fields) this.#resolveField(field as MutableField, message.fullName, name);
      for (const service of file.service) this.#addService(service, prefix, name);
      for (const extension of symbols.extensions) {
        this.#addExtension(extension.field, extension.extendee, extension.scope, name);
        added.push(extension.field);
      }
    } catch (error) {
      // A file that does not resolve leaves the registry as it was.
      for (const extension of added) {
        const extendee = this.#messages.get(extension.extendee ?? "");
        (extendee?.extensionsByNumber as Map<number, FieldInfo> | undefined)?.delete(extension.number);
        (extendee?.extensionsByJsonKey as Map<string, FieldInfo> | undefined)?.delete(extension.jsonName);
      }
      for (const symbol of declared) {
        this.#symbolFiles.delete(symbol);
        this.#messages.delete(symbol);
        this.#enums.delete(symbol);
        this.#services.delete(symbol);
      }
      for (const service of file.service)
        for (const method of service.method) this.#symbolFiles.delete(`${prefix}${service.name ?? ""}.${method.name ?? ""}`);
      this.#files.delete(name);
      throw error;
    }
  }

  #resolveField(field: MutableField, scope: string, fileName: string): void {
    if (field.type !== Type.TYPE_MESSAGE && field.type !== Type.TYPE_ENUM && field.type !== Type.TYPE_GROUP) {
      field.typeName = undefined;
      return;
    }
    const resolved = this.#resolveName(field.typeName ?? "", scope);
    const message = resolved === undefined ? undefined : this.#messages.get(resolved);
    const enumType = resolved === undefined ? undefined : this.#enums.get(resolved);
    if (field.type === Type.TYPE_ENUM ? enumType === undefined : message === undefined)
      throw new TypeError(
        `descriptor: field "${field.fullName}" in "${fileName}" has type "${field.typeName}", which is not in the registry`,
      );
    field.typeName = resolved;
    field.message = message;
    field.enum = enumType;
    if (message?.isMapEntry === true && field.repeated) {
      const key = message.fieldsByNumber.get(1);
      const value = message.fieldsByNumber.get(2);
      if (key !== undefined && value !== undefined) field.map = { key, value };
    }
  }

  /** Resolves an extension's types and adds it to the message it extends, after that message's fields and known extensions. */
  #addExtension(field: MutableField, extendee: string, scope: string, fileName: string): void {
    const resolved = this.#resolveName(extendee, scope);
    const target = resolved === undefined ? undefined : this.#messages.get(resolved);
    if (target === undefined)
      throw new TypeError(`descriptor: extension "${field.fullName}" in "${fileName}" extends "${extendee}", which is not in the registry`);
    this.#resolveField(field, scope, fileName);
    const taken = target.fieldsByNumber.get(field.number) ?? target.extensionsByNumber.get(field.number);
    if (taken !== undefined)
      throw new TypeError(
        `descriptor: extension "${field.fullName}" in "${fileName}" uses number ${field.number} of "${target.fullName}", which "${taken.fullName}" has already`,
      );
    field.extendee = target.fullName;
    field.index = target.fields.length + target.extensionsByNumber.size;
    (target.extensionsByNumber as Map<number, FieldInfo>).set(field.number, field);
    (target.extensionsByJsonKey as Map<string, FieldInfo>).set(field.jsonName, field);
  }

  /** Resolves a type reference the way protoc does: ".a.B" is absolute; "B" is looked up from the innermost scope out. */
  #resolveName(reference: string, scope: string): string | undefined {
    if (reference.startsWith(".")) return reference.slice(1);
    let outer = scope;
    for (;;) {
      const candidate = outer === "" ? reference : `${outer}.${reference}`;
      if (this.#messages.has(candidate) || this.#enums.has(candidate)) return candidate;
      if (outer === "") return undefined;
      const dot = outer.lastIndexOf(".");
      outer = dot < 0 ? "" : outer.slice(0, dot);
    }
  }

  #addService(service: FileDescriptorProto["service"][number], prefix: string, fileName: string): void {
    const fullName = `${prefix}${service.name ?? ""}`;
    const methods: MethodInfo[] = service.method.map((method) => {
      const name = method.name ?? "";
      const inputType = this.#resolveName(method.inputType ?? "", prefix.slice(0, -1)) ?? "";
      const outputType = this.#resolveName(method.outputType ?? "", prefix.slice(0, -1)) ?? "";
      const input = this.#messages.get(inputType);
      const output = this.#messages.get(outputType);
      if (input === undefined || output === undefined)
        throw new TypeError(
          `descriptor: method "${fullName}.${name}" in "${fileName}" uses "${input === undefined ? method.inputType : method.outputType}", which is not in the registry`,
        );
      this.#symbolFiles.set(`${fullName}.${name}`, fileName);
      return {
        name,
        fullName: `${fullName}.${name}`,
        path: `/${fullName}/${name}`,
        inputType,
        outputType,
        input,
        output,
        clientStreaming: method.clientStreaming === true,
        serverStreaming: method.serverStreaming === true,
        descriptor: method,
      };
    });
    this.#services.set(fullName, { name: service.name ?? "", fullName, file: fileName, methods, descriptor: service });
  }
}

function decodeFile(bytes: Uint8Array): FileDescriptorProto {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("descriptor: a file must be a serialized FileDescriptorProto (Uint8Array)");
  try {
    return FileDescriptorProto.decode(bytes);
  } catch (error) {
    if (error instanceof GrpcError) throw new TypeError(`descriptor: not a FileDescriptorProto: ${describeError(error)}`, { cause: error });
    throw error;
  }
}
