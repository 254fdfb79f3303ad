"""The grpcio (C-core) adapter of `tsgrpc probe client` (docs/CONFORMANCE.md, "The client contract").

Calls /grpc.testing.TestService/UnaryCall on the target (argv[1] or TSGRPC_PROBE_TARGET) with an
empty request and a 10 s deadline, and prints `<code> <message as a JSON string>`.
Run with /usr/bin/python3 (Debian's python3-grpcio).
"""

import json
import os
import sys

import grpc


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TSGRPC_PROBE_TARGET")
    if not target:
        print("usage: python-client.py <host:port> (or TSGRPC_PROBE_TARGET)", file=sys.stderr)
        return 2
    with grpc.insecure_channel(target) as channel:
        call = channel.unary_unary("/grpc.testing.TestService/UnaryCall")
        try:
            call(b"", timeout=10)
            print("0 " + json.dumps(""))
        except grpc.RpcError as error:
            print("%d %s" % (error.code().value[0], json.dumps(error.details() or "")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
