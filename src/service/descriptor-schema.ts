import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor/index.js";

/**
 * google/protobuf/descriptor.proto as a protobufjs root of our own (a copy of the one protobufjs
 * ships, which stays untouched), with every `options` field of the *DescriptorProto messages
 * declared as bytes: an options message is written by encodeOptions, custom options included, and
 * embedded as it is (the wire format of a message field and of a bytes field is the same).
 */
export const descriptorSchema: protobuf.Root = (() => {
  const json = (descriptor as unknown as protobuf.Namespace).toJSON();
  const root = protobuf.Root.fromJSON({ nested: { google: { nested: { protobuf: json } } } });
  const visit = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type) {
        const options = nested.fields.options;
        if (options !== undefined && nested.name.endsWith("Proto")) {
          nested.remove(options);
          nested.add(new protobuf.Field("options", options.id, "bytes"));
        }
      }
      if (nested instanceof protobuf.Namespace) visit(nested);
    }
  };
  visit(root);
  root.resolveAll();
  return root;
})();
