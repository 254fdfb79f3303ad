// grpc.testing.TestService for Connect-ES, built from the FileDescriptorProtos that the generated
// code in src/interop/gen embeds: no protoc-gen-es. Loaded by the Node test server and by the page.
import { create, createFileRegistry, fromBinary, type DescMessage, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { file_grpc_testing_empty } from "../../src/interop/gen/grpc/testing/empty_pb.js";
import { file_grpc_testing_messages } from "../../src/interop/gen/grpc/testing/messages_pb.js";
import { file_grpc_testing_test } from "../../src/interop/gen/grpc/testing/test_pb.js";

/** The schema of grpc.testing's test.proto, messages.proto and empty.proto. */
export interface TestServiceSchema {
  /** grpc.testing.TestService. */
  service: DescService;
  /** grpc.testing.EchoStatus, the message the test server sends as an error detail. */
  echoStatus: DescMessage;
}

/** Builds the schema from the embedded descriptors. */
export function testServiceSchema(): TestServiceSchema {
  const files = [file_grpc_testing_empty, file_grpc_testing_messages, file_grpc_testing_test].map((bytes) =>
    fromBinary(FileDescriptorProtoSchema, bytes),
  );
  const registry = createFileRegistry(create(FileDescriptorSetSchema, { file: files }));
  const service = registry.getService("grpc.testing.TestService");
  const echoStatus = registry.getMessage("grpc.testing.EchoStatus");
  if (service === undefined || echoStatus === undefined)
    throw new Error("grpc.testing.TestService is missing from the embedded descriptors");
  return { service, echoStatus };
}
