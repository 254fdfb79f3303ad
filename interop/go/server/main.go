// Command server is the grpc-go reference interop server of the tsgrpc interop matrix: it serves
// grpc.testing.TestService (stubs generated from the official protos) with the reference flags
// --port, --use_tls, --tls_cert_file and --tls_key_file.
//
// Limitation of grpc-go 1.33 (the Debian version): the server chooses the response compressor before
// the handler runs (it mirrors the request's grpc-encoding, or a server-wide compressor), so a handler
// cannot honour response_compressed per call or per message. The matrix runner skips
// server_compressed_unary and server_compressed_streaming against this server for that reason.
// Whether a request message arrived compressed (expect_compressed) is observed through a stats
// handler: a message is compressed when its wire length differs from its decoded length.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	_ "google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"

	testpb "tsgrpcinterop/testpb"
)

const (
	echoInitialKey  = "x-grpc-test-echo-initial"
	echoTrailingKey = "x-grpc-test-echo-trailing-bin"
	// grpcHeaderLen is the 5-byte gRPC message prefix (flag + length) counted in stats wire lengths.
	grpcHeaderLen = 5
)

// received records, per call, whether each received message was compressed on the wire.
type received struct {
	mu    sync.Mutex
	flags []bool
}

func (r *received) add(compressed bool) {
	r.mu.Lock()
	r.flags = append(r.flags, compressed)
	r.mu.Unlock()
}

// last reports whether the most recently received message was compressed.
func (r *received) last() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.flags) > 0 && r.flags[len(r.flags)-1]
}

type receivedKey struct{}

// compressionObserver is a stats.Handler that attaches a *received to every call's context and
// fills it as request messages arrive (before the handler or RecvMsg returns them).
type compressionObserver struct{}

func (compressionObserver) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	return context.WithValue(ctx, receivedKey{}, &received{})
}

func (compressionObserver) HandleRPC(ctx context.Context, s stats.RPCStats) {
	in, ok := s.(*stats.InPayload)
	if !ok {
		return
	}
	if r, ok := ctx.Value(receivedKey{}).(*received); ok {
		r.add(in.WireLength != in.Length+grpcHeaderLen)
	}
}

func (compressionObserver) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}

func (compressionObserver) HandleConn(context.Context, stats.ConnStats) {}

// checkCompressed fails with INVALID_ARGUMENT when the last request message's compression does not
// match expect_compressed.
func checkCompressed(ctx context.Context, expect *testpb.BoolValue) error {
	if expect == nil {
		return nil
	}
	r, ok := ctx.Value(receivedKey{}).(*received)
	if !ok {
		return status.Error(codes.Internal, "compression observer missing")
	}
	got := r.last()
	if expect.GetValue() && !got {
		return status.Error(codes.InvalidArgument, "expected a compressed request message, got an uncompressed one")
	}
	if !expect.GetValue() && got {
		return status.Error(codes.InvalidArgument, "expected an uncompressed request message, got a compressed one")
	}
	return nil
}

// echoMetadata sends x-grpc-test-echo-initial back as a header and sets x-grpc-test-echo-trailing-bin
// as a trailer.
func echoMetadata(ctx context.Context) error {
	md, ok := metadata.FromIncomingContext(ctx)
	if !ok {
		return nil
	}
	if v := md.Get(echoInitialKey); len(v) > 0 {
		if err := grpc.SendHeader(ctx, metadata.Pairs(echoInitialKey, v[0])); err != nil {
			return err
		}
	}
	if v := md.Get(echoTrailingKey); len(v) > 0 {
		grpc.SetTrailer(ctx, metadata.Pairs(echoTrailingKey, v[0]))
	}
	return nil
}

func echoStatus(st *testpb.EchoStatus) error {
	if st == nil || st.GetCode() == 0 {
		return nil
	}
	return status.Error(codes.Code(st.GetCode()), st.GetMessage())
}

func payload(size int32) (*testpb.Payload, error) {
	if size < 0 {
		return nil, status.Errorf(codes.InvalidArgument, "negative payload size %d", size)
	}
	return &testpb.Payload{Type: testpb.PayloadType_COMPRESSABLE, Body: make([]byte, size)}, nil
}

type testServer struct {
	testpb.UnimplementedTestServiceServer
}

func (testServer) EmptyCall(ctx context.Context, _ *testpb.Empty) (*testpb.Empty, error) {
	if err := echoMetadata(ctx); err != nil {
		return nil, err
	}
	return &testpb.Empty{}, nil
}

func (testServer) UnaryCall(ctx context.Context, in *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	if err := echoMetadata(ctx); err != nil {
		return nil, err
	}
	if err := checkCompressed(ctx, in.GetExpectCompressed()); err != nil {
		return nil, err
	}
	if err := echoStatus(in.GetResponseStatus()); err != nil {
		return nil, err
	}
	pl, err := payload(in.GetResponseSize())
	if err != nil {
		return nil, err
	}
	return &testpb.SimpleResponse{Payload: pl}, nil
}

// respond sends one response per ResponseParameters, sleeping interval_us before each.
func respond(ctx context.Context, send func(*testpb.StreamingOutputCallResponse) error, params []*testpb.ResponseParameters) error {
	for _, p := range params {
		if us := p.GetIntervalUs(); us > 0 {
			select {
			case <-time.After(time.Duration(us) * time.Microsecond):
			case <-ctx.Done():
				return status.FromContextError(ctx.Err()).Err()
			}
		}
		pl, err := payload(p.GetSize())
		if err != nil {
			return err
		}
		if err := send(&testpb.StreamingOutputCallResponse{Payload: pl}); err != nil {
			return err
		}
	}
	return nil
}

func (testServer) StreamingOutputCall(in *testpb.StreamingOutputCallRequest, stream testpb.TestService_StreamingOutputCallServer) error {
	if err := echoMetadata(stream.Context()); err != nil {
		return err
	}
	if err := echoStatus(in.GetResponseStatus()); err != nil {
		return err
	}
	return respond(stream.Context(), stream.Send, in.GetResponseParameters())
}

func (testServer) StreamingInputCall(stream testpb.TestService_StreamingInputCallServer) error {
	if err := echoMetadata(stream.Context()); err != nil {
		return err
	}
	var sum int32
	for {
		in, err := stream.Recv()
		if err == io.EOF {
			return stream.SendAndClose(&testpb.StreamingInputCallResponse{AggregatedPayloadSize: sum})
		}
		if err != nil {
			return err
		}
		if err := checkCompressed(stream.Context(), in.GetExpectCompressed()); err != nil {
			return err
		}
		sum += int32(len(in.GetPayload().GetBody()))
	}
}

func (testServer) FullDuplexCall(stream testpb.TestService_FullDuplexCallServer) error {
	if err := echoMetadata(stream.Context()); err != nil {
		return err
	}
	for {
		in, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := echoStatus(in.GetResponseStatus()); err != nil {
			return err
		}
		if err := respond(stream.Context(), stream.Send, in.GetResponseParameters()); err != nil {
			return err
		}
	}
}

func (testServer) HalfDuplexCall(stream testpb.TestService_HalfDuplexCallServer) error {
	if err := echoMetadata(stream.Context()); err != nil {
		return err
	}
	var requests []*testpb.StreamingOutputCallRequest
	for {
		in, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		requests = append(requests, in)
	}
	for _, in := range requests {
		if err := echoStatus(in.GetResponseStatus()); err != nil {
			return err
		}
		if err := respond(stream.Context(), stream.Send, in.GetResponseParameters()); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	port := flag.Int("port", 0, "port to listen on (0 picks a free one)")
	useTLS := flag.Bool("use_tls", false, "serve TLS")
	certFile := flag.String("tls_cert_file", "", "PEM certificate chain for TLS")
	keyFile := flag.String("tls_key_file", "", "PEM private key for TLS")
	flag.Parse()

	opts := []grpc.ServerOption{grpc.StatsHandler(compressionObserver{})}
	if *useTLS {
		if *certFile == "" || *keyFile == "" {
			log.Fatal("--use_tls needs --tls_cert_file and --tls_key_file")
		}
		creds, err := credentials.NewServerTLSFromFile(*certFile, *keyFile)
		if err != nil {
			log.Fatalf("loading TLS credentials: %v", err)
		}
		opts = append(opts, grpc.Creds(creds))
	}
	lis, err := net.Listen("tcp", fmt.Sprintf(":%d", *port))
	if err != nil {
		log.Fatalf("listen: %v", err)
	}
	server := grpc.NewServer(opts...)
	testpb.RegisterTestServiceServer(server, testServer{})
	fmt.Fprintf(os.Stderr, "grpc-go interop server listening on %s (tls=%v)\n", lis.Addr(), *useTLS)
	if err := server.Serve(lis); err != nil {
		log.Fatalf("serve: %v", err)
	}
}
