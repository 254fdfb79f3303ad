// Command server is the grpc-go reference interop server of the tsgrpc interop matrix: it serves
// grpc.testing.TestService (stubs generated from the official protos) with the reference flags
// --port, --use_tls, --tls_cert_file and --tls_key_file.
//
// grpc-go 1.33 (the Debian version) has no API for per-call or per-message response compression:
// the server fixes the response compressor before the handler runs (it mirrors the request's
// grpc-encoding). To honour response_compressed anyway, UnaryCall is registered as a (one-message)
// stream and compressedStream sets the stream's compressor per message and its grpc-encoding header
// through reflection on grpc-go's unexported serverStream fields (comp, s). The compressed bytes and
// framing are still grpc-go's own. If those fields are not found (another grpc-go version), a call
// that asks for compression fails with INTERNAL saying so.
// Whether a request message arrived compressed (expect_compressed) is observed through a stats
// handler: a message is compressed when its wire length differs from its decoded length.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"reflect"
	"sync"
	"time"
	"unsafe"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/encoding"
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

// echoMetadata sets x-grpc-test-echo-initial as a response header (sent with the first response or
// the status) and x-grpc-test-echo-trailing-bin as a trailer.
func echoMetadata(ctx context.Context) error {
	md, ok := metadata.FromIncomingContext(ctx)
	if !ok {
		return nil
	}
	if v := md.Get(echoInitialKey); len(v) > 0 {
		if err := grpc.SetHeader(ctx, metadata.Pairs(echoInitialKey, v[0])); err != nil {
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

// serverStream returns grpc-go's *serverStream behind a handler's stream (unwrapping generated
// wrappers), as an addressable struct value.
func serverStream(stream grpc.ServerStream) (reflect.Value, error) {
	v := reflect.ValueOf(stream)
	for i := 0; i < 4; i++ {
		for v.Kind() == reflect.Interface || v.Kind() == reflect.Ptr {
			if v.IsNil() {
				return reflect.Value{}, errors.New("nil stream")
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			break
		}
		if v.Type().Name() == "serverStream" && v.Type().PkgPath() == "google.golang.org/grpc" {
			return v, nil
		}
		if v.NumField() == 0 {
			break
		}
		v = v.Field(0)
	}
	return reflect.Value{}, errors.New("grpc-go serverStream not found behind the handler's stream")
}

// field makes an unexported field of an addressable struct value usable.
func field(v reflect.Value, name string) (reflect.Value, error) {
	f := v.FieldByName(name)
	if !f.IsValid() || !f.CanAddr() {
		return reflect.Value{}, fmt.Errorf("grpc-go serverStream has no field %q", name)
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), nil
}

// announceGzip makes the response headers say grpc-encoding: gzip (before they are sent).
func announceGzip(stream grpc.ServerStream) error {
	ss, err := serverStream(stream)
	if err == nil {
		var s reflect.Value
		if s, err = field(ss, "s"); err == nil {
			m := s.MethodByName("SetSendCompress")
			if !m.IsValid() {
				err = errors.New("transport.Stream has no SetSendCompress")
			} else {
				m.Call([]reflect.Value{reflect.ValueOf("gzip")})
			}
		}
	}
	if err != nil {
		return status.Errorf(codes.Internal, "cannot compress responses with this grpc-go: %v", err)
	}
	return nil
}

// compressNext makes the next messages of the stream gzip-compressed or not.
func compressNext(stream grpc.ServerStream, compressed bool) error {
	ss, err := serverStream(stream)
	if err == nil {
		var comp reflect.Value
		if comp, err = field(ss, "comp"); err == nil {
			if compressed {
				gz := encoding.GetCompressor("gzip")
				comp.Set(reflect.ValueOf(&gz).Elem())
			} else {
				comp.Set(reflect.Zero(comp.Type()))
			}
		}
	}
	if err != nil {
		return status.Errorf(codes.Internal, "cannot choose response compression with this grpc-go: %v", err)
	}
	return nil
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

// unaryCall serves UnaryCall as a one-message stream so that response_compressed can be honoured.
func unaryCall(_ interface{}, stream grpc.ServerStream) error {
	in := new(testpb.SimpleRequest)
	if err := stream.RecvMsg(in); err != nil {
		return err
	}
	ctx := stream.Context()
	if rc := in.GetResponseCompressed(); rc != nil {
		if rc.GetValue() {
			if err := announceGzip(stream); err != nil {
				return err
			}
		}
		if err := compressNext(stream, rc.GetValue()); err != nil {
			return err
		}
	}
	if err := echoMetadata(ctx); err != nil {
		return err
	}
	if err := checkCompressed(ctx, in.GetExpectCompressed()); err != nil {
		return err
	}
	if err := echoStatus(in.GetResponseStatus()); err != nil {
		return err
	}
	pl, err := payload(in.GetResponseSize())
	if err != nil {
		return err
	}
	return stream.SendMsg(&testpb.SimpleResponse{Payload: pl})
}

// respond sends one response per ResponseParameters, sleeping interval_us before each and compressing
// each as its parameters ask (unset: grpc-go's default, which mirrors the request's encoding).
func respond(stream grpc.ServerStream, params []*testpb.ResponseParameters) error {
	ctx := stream.Context()
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
		if c := p.GetCompressed(); c != nil {
			if err := compressNext(stream, c.GetValue()); err != nil {
				return err
			}
		}
		if err := stream.SendMsg(&testpb.StreamingOutputCallResponse{Payload: pl}); err != nil {
			return err
		}
	}
	return nil
}

// announceIfCompressing sets grpc-encoding: gzip when any response will be compressed; it only takes
// effect while the response headers have not been sent.
func announceIfCompressing(stream grpc.ServerStream, params []*testpb.ResponseParameters) error {
	for _, p := range params {
		if p.GetCompressed().GetValue() {
			return announceGzip(stream)
		}
	}
	return nil
}

func (testServer) StreamingOutputCall(in *testpb.StreamingOutputCallRequest, stream testpb.TestService_StreamingOutputCallServer) error {
	if err := announceIfCompressing(stream, in.GetResponseParameters()); err != nil {
		return err
	}
	if err := echoMetadata(stream.Context()); err != nil {
		return err
	}
	if err := echoStatus(in.GetResponseStatus()); err != nil {
		return err
	}
	return respond(stream, in.GetResponseParameters())
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
		if err := announceIfCompressing(stream, in.GetResponseParameters()); err != nil {
			return err
		}
		if err := respond(stream, in.GetResponseParameters()); err != nil {
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
		if err := announceIfCompressing(stream, in.GetResponseParameters()); err != nil {
			return err
		}
		if err := respond(stream, in.GetResponseParameters()); err != nil {
			return err
		}
	}
	return nil
}

// register adds TestService by hand: UnaryCall is served as a one-message stream (see the package
// comment); the other methods wrap the raw streams in the types the generated interfaces name.
// UnimplementedCall is left out, so grpc-go answers it with UNIMPLEMENTED.
func register(server *grpc.Server) {
	srv := testServer{}
	desc := grpc.ServiceDesc{
		ServiceName: "grpc.testing.TestService",
		HandlerType: (*testpb.TestServiceServer)(nil),
		Methods: []grpc.MethodDesc{{
			MethodName: "EmptyCall",
			Handler: func(_ interface{}, ctx context.Context, dec func(interface{}) error, _ grpc.UnaryServerInterceptor) (interface{}, error) {
				in := new(testpb.Empty)
				if err := dec(in); err != nil {
					return nil, err
				}
				return srv.EmptyCall(ctx, in)
			},
		}},
		Streams: []grpc.StreamDesc{
			{StreamName: "UnaryCall", Handler: unaryCall},
			{StreamName: "StreamingOutputCall", ServerStreams: true, Handler: func(_ interface{}, stream grpc.ServerStream) error {
				in := new(testpb.StreamingOutputCallRequest)
				if err := stream.RecvMsg(in); err != nil {
					return err
				}
				return srv.StreamingOutputCall(in, outputStream{stream})
			}},
			{StreamName: "StreamingInputCall", ClientStreams: true, Handler: func(_ interface{}, stream grpc.ServerStream) error {
				return srv.StreamingInputCall(inputStream{stream})
			}},
			{StreamName: "FullDuplexCall", ServerStreams: true, ClientStreams: true, Handler: func(_ interface{}, stream grpc.ServerStream) error {
				return srv.FullDuplexCall(duplexStream{stream})
			}},
			{StreamName: "HalfDuplexCall", ServerStreams: true, ClientStreams: true, Handler: func(_ interface{}, stream grpc.ServerStream) error {
				return srv.HalfDuplexCall(duplexStream{stream})
			}},
		},
		Metadata: "grpc/testing/test.proto",
	}
	server.RegisterService(&desc, srv)
}

// The stream types the TestService methods take, over a raw grpc.ServerStream.
type outputStream struct{ grpc.ServerStream }

func (s outputStream) Send(m *testpb.StreamingOutputCallResponse) error { return s.SendMsg(m) }

type inputStream struct{ grpc.ServerStream }

func (s inputStream) Recv() (*testpb.StreamingInputCallRequest, error) {
	m := new(testpb.StreamingInputCallRequest)
	if err := s.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

func (s inputStream) SendAndClose(m *testpb.StreamingInputCallResponse) error { return s.SendMsg(m) }

type duplexStream struct{ grpc.ServerStream }

func (s duplexStream) Send(m *testpb.StreamingOutputCallResponse) error { return s.SendMsg(m) }

func (s duplexStream) Recv() (*testpb.StreamingOutputCallRequest, error) {
	m := new(testpb.StreamingOutputCallRequest)
	if err := s.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
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
	register(server)
	fmt.Fprintf(os.Stderr, "grpc-go interop server listening on %s (tls=%v)\n", lis.Addr(), *useTLS)
	if err := server.Serve(lis); err != nil {
		log.Fatalf("serve: %v", err)
	}
}
