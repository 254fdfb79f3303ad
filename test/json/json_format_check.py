"""The other side of test/json/python-cross-check.test.ts: python3-protobuf's json_format.

Reads a FileDescriptorSet (argv[1]), then one request per stdin line, a JSON object:
  {"type": "pkg.Message", "binary": "<base64>"}  -> {"json": <MessageToJson output, parsed>}
  {"type": "pkg.Message", "json": "<JSON text>"} -> {"binary": "<base64 of the parsed message, deterministic>"}
and answers one line each; a failure answers {"error": "<message>"}.
"""
import base64
import json
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


def main():
    file_set = descriptor_pb2.FileDescriptorSet()
    with open(sys.argv[1], "rb") as handle:
        file_set.ParseFromString(handle.read())
    pool = descriptor_pool.DescriptorPool()
    for file in file_set.file:
        pool.Add(file)
    factory = message_factory.MessageFactory(pool)

    def message_of(type_name):
        return factory.GetPrototype(pool.FindMessageTypeByName(type_name))()

    for line in sys.stdin:
        request = json.loads(line)
        try:
            message = message_of(request["type"])
            if "binary" in request:
                message.ParseFromString(base64.b64decode(request["binary"]))
                text = json_format.MessageToJson(message, preserving_proto_field_name=False, descriptor_pool=pool)
                answer = {"json": json.loads(text)}
            else:
                json_format.Parse(request["json"], message, descriptor_pool=pool)
                answer = {"binary": base64.b64encode(message.SerializePartialToString(deterministic=True)).decode("ascii")}
        except Exception as error:  # every failure is an answer: the test compares rejections too
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
