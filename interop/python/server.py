"""gRPC C-core (Python grpcio) interop server of the tsgrpc interop matrix.

Serves grpc.testing.TestService with the reference flags --port, --use_tls, --tls_cert_file and
--tls_key_file. Run with /usr/bin/python3 (Debian's python3-grpcio).

Limitation of grpcio: a handler cannot tell whether a request message arrived compressed (C-core
decompresses before the message reaches Python and exposes neither the message flag nor the
request's grpc-encoding). expect_compressed is therefore not verified by this server, and the matrix
runner skips client_compressed_unary and client_compressed_streaming against it.
Response compression is honoured per call (set_compression) and per message
(disable_next_message_compression).
"""

import argparse
import sys
import time
from concurrent import futures

import grpc

from common import ECHO_INITIAL_KEY, ECHO_TRAILING_KEY, empty_pb2, flag_bool, messages_pb2, test_pb2_grpc

CODES = {code.value[0]: code for code in grpc.StatusCode}


def echo_metadata(context):
    """Sends x-grpc-test-echo-initial back as initial metadata, x-grpc-test-echo-trailing-bin as a trailer."""
    initial = []
    for key, value in context.invocation_metadata():
        if key == ECHO_INITIAL_KEY:
            initial.append((key, value))
        elif key == ECHO_TRAILING_KEY:
            context.set_trailing_metadata([(key, value)])
    if initial:
        context.send_initial_metadata(initial)


def echo_status(status, context):
    """Ends the call with the requested status when it is not OK."""
    if status.code != 0:
        context.abort(CODES.get(status.code, grpc.StatusCode.UNKNOWN), status.message)


def payload(size, context):
    if size < 0:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "negative payload size %d" % size)
    return messages_pb2.Payload(type=messages_pb2.COMPRESSABLE, body=bytes(size))


def respond(parameters, context):
    """Yields one response per ResponseParameters, honouring interval_us and per-message compression."""
    compressing = False
    for p in parameters:
        if p.interval_us > 0:
            time.sleep(p.interval_us / 1e6)
        if p.compressed.value and not compressing:
            context.set_compression(grpc.Compression.Gzip)
            compressing = True
        elif compressing and not p.compressed.value:
            context.disable_next_message_compression()
        yield messages_pb2.StreamingOutputCallResponse(payload=payload(p.size, context))


class TestService(test_pb2_grpc.TestServiceServicer):
    def EmptyCall(self, request, context):
        echo_metadata(context)
        return empty_pb2.Empty()

    def UnaryCall(self, request, context):
        echo_metadata(context)
        echo_status(request.response_status, context)
        if request.HasField("response_compressed"):
            compression = grpc.Compression.Gzip if request.response_compressed.value else grpc.Compression.NoCompression
            context.set_compression(compression)
        return messages_pb2.SimpleResponse(payload=payload(request.response_size, context))

    def StreamingOutputCall(self, request, context):
        echo_metadata(context)
        echo_status(request.response_status, context)
        yield from respond(request.response_parameters, context)

    def StreamingInputCall(self, request_iterator, context):
        echo_metadata(context)
        total = 0
        for request in request_iterator:
            total += len(request.payload.body)
        return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=total)

    def FullDuplexCall(self, request_iterator, context):
        echo_metadata(context)
        for request in request_iterator:
            echo_status(request.response_status, context)
            yield from respond(request.response_parameters, context)

    def HalfDuplexCall(self, request_iterator, context):
        echo_metadata(context)
        requests = list(request_iterator)
        for request in requests:
            echo_status(request.response_status, context)
            yield from respond(request.response_parameters, context)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--use_tls", type=flag_bool, nargs="?", const=True, default=False)
    parser.add_argument("--tls_cert_file", default="")
    parser.add_argument("--tls_key_file", default="")
    args = parser.parse_args()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=64))
    test_pb2_grpc.add_TestServiceServicer_to_server(TestService(), server)
    address = "[::]:%d" % args.port
    if args.use_tls:
        if not args.tls_cert_file or not args.tls_key_file:
            sys.exit("--use_tls needs --tls_cert_file and --tls_key_file")
        with open(args.tls_key_file, "rb") as f:
            key = f.read()
        with open(args.tls_cert_file, "rb") as f:
            cert = f.read()
        port = server.add_secure_port(address, grpc.ssl_server_credentials([(key, cert)]))
    else:
        port = server.add_insecure_port(address)
    if port == 0:
        sys.exit("cannot listen on %s" % address)
    server.start()
    print("grpcio %s interop server listening on port %d (tls=%s)" % (grpc.__version__, port, args.use_tls),
          file=sys.stderr, flush=True)
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(0)


if __name__ == "__main__":
    main()
