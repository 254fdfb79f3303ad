// Command client is the grpc-go reference interop client of the tsgrpc interop matrix. It runs one
// case of doc/interop-test-descriptions.md per invocation with the reference flags --server_host,
// --server_port, --test_case, --use_tls, --use_test_ca, --server_host_override and --ca_file.
// Exit status: 0 pass, 1 fail (one line "FAIL <case>: <CODE> (<n>): <message>"), 3 skip
// ("SKIP <case>: <reason>", only where grpc-go itself cannot run the case).
//
// Whether a response message arrived compressed is observed through a stats handler: a message is
// compressed when its wire length differs from its decoded length. client_compressed_streaming needs
// a per-message opt-out that grpc-go 1.33's API lacks (see stopCompressing).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"reflect"
	"strconv"
	"sync"
	"time"
	"unsafe"

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
	echoInitialKey    = "x-grpc-test-echo-initial"
	echoInitialValue  = "test_initial_metadata_value"
	echoTrailingKey   = "x-grpc-test-echo-trailing-bin"
	echoTrailingValue = "\xab\xab\xab"
	grpcHeaderLen     = 5
	specialMessage    = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"
)

var (
	serverHost     = flag.String("server_host", "localhost", "server host")
	serverPort     = flag.Int("server_port", 0, "server port")
	testCase       = flag.String("test_case", "empty_unary", "interop case to run")
	useTLS         = flag.Bool("use_tls", false, "connect with TLS")
	useTestCA      = flag.Bool("use_test_ca", false, "trust --ca_file instead of the system roots")
	hostOverride   = flag.String("server_host_override", "", "TLS server name and :authority")
	caFile         = flag.String("ca_file", "", "CA certificate (PEM) trusted with --use_test_ca")
	soakIterations = flag.Int("soak_iterations", 10, "iterations of rpc_soak and channel_soak")
	soakMaxLatency = flag.Int("soak_per_iteration_max_acceptable_latency_ms", 1000, "soak latency bound per iteration")
	soakTimeout    = flag.Int("soak_overall_timeout_seconds", 30, "soak overall time bound")
)

// failure is a case failure: the status the call ended with (OK for a failed assertion) and why.
type failure struct {
	code codes.Code
	msg  string
}

func (f *failure) Error() string { return f.msg }

func failf(format string, args ...interface{}) error {
	return &failure{code: codes.OK, msg: fmt.Sprintf(format, args...)}
}

// unexpected wraps an error from a call that should have succeeded.
func unexpected(what string, err error) error {
	st := status.Convert(err)
	return &failure{code: st.Code(), msg: what + ": " + st.Message()}
}

// expectCode checks that err carries the wanted status code.
func expectCode(what string, err error, want codes.Code) error {
	got := status.Code(err)
	if got != want {
		msg := "<none>"
		if err != nil {
			msg = status.Convert(err).Message()
		}
		return &failure{code: got, msg: fmt.Sprintf("%s: want %s, got %s: %s", what, codeName(want), codeName(got), msg)}
	}
	return nil
}

var codeNames = []string{"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
	"ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
	"OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"}

func codeName(c codes.Code) string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "CODE_" + strconv.Itoa(int(c))
}

// received collects per-call compression flags of response messages (see the package comment).
type received struct {
	mu    sync.Mutex
	flags []bool
}

func (r *received) get() []bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bool(nil), r.flags...)
}

type receivedKey struct{}

type compressionObserver struct{}

func (compressionObserver) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	return ctx
}
func (compressionObserver) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return ctx
}
func (compressionObserver) HandleConn(context.Context, stats.ConnStats) {}
func (compressionObserver) HandleRPC(ctx context.Context, s stats.RPCStats) {
	in, ok := s.(*stats.InPayload)
	if !ok {
		return
	}
	if r, ok := ctx.Value(receivedKey{}).(*received); ok {
		r.mu.Lock()
		r.flags = append(r.flags, in.WireLength != in.Length+grpcHeaderLen)
		r.mu.Unlock()
	}
}

func observe(ctx context.Context) (context.Context, *received) {
	r := &received{}
	return context.WithValue(ctx, receivedKey{}, r), r
}

func dial() (*grpc.ClientConn, error) {
	opts := []grpc.DialOption{grpc.WithStatsHandler(compressionObserver{}), grpc.WithBlock()}
	if *useTLS {
		var creds credentials.TransportCredentials
		if *useTestCA {
			c, err := credentials.NewClientTLSFromFile(*caFile, *hostOverride)
			if err != nil {
				return nil, err
			}
			creds = c
		} else {
			creds = credentials.NewClientTLSFromCert(nil, *hostOverride)
		}
		opts = append(opts, grpc.WithTransportCredentials(creds))
	} else {
		opts = append(opts, grpc.WithInsecure())
	}
	if *hostOverride != "" {
		opts = append(opts, grpc.WithAuthority(*hostOverride))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return grpc.DialContext(ctx, net.JoinHostPort(*serverHost, strconv.Itoa(*serverPort)), opts...)
}

func zeros(n int) *testpb.Payload {
	return &testpb.Payload{Type: testpb.PayloadType_COMPRESSABLE, Body: make([]byte, n)}
}

func checkBody(what string, p *testpb.Payload, size int) error {
	body := p.GetBody()
	if len(body) != size {
		return failf("%s: payload body is %d bytes, want %d", what, len(body), size)
	}
	if !bytes.Equal(body, make([]byte, size)) {
		return failf("%s: payload body is not all zeros", what)
	}
	return nil
}

func checkFlags(what string, got []bool, want []bool) error {
	if len(got) != len(want) {
		return failf("%s: observed %d response messages, want %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			return failf("%s: response %d compressed=%v, want %v", what, i, got[i], want[i])
		}
	}
	return nil
}

type client struct {
	conn *grpc.ClientConn
	tc   testpb.TestServiceClient
}

func bg() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 20*time.Second)
}

func (c *client) emptyUnary() error {
	ctx, cancel := bg()
	defer cancel()
	r, err := c.tc.EmptyCall(ctx, &testpb.Empty{})
	if err != nil {
		return unexpected("EmptyCall", err)
	}
	if r == nil {
		return failf("EmptyCall returned nil")
	}
	return nil
}

func largeRequest() *testpb.SimpleRequest {
	return &testpb.SimpleRequest{ResponseType: testpb.PayloadType_COMPRESSABLE, ResponseSize: 314159, Payload: zeros(271828)}
}

func (c *client) largeUnary() error {
	ctx, cancel := bg()
	defer cancel()
	r, err := c.tc.UnaryCall(ctx, largeRequest())
	if err != nil {
		return unexpected("UnaryCall", err)
	}
	return checkBody("UnaryCall", r.GetPayload(), 314159)
}

func (c *client) clientCompressedUnary() error {
	ctx, cancel := bg()
	defer cancel()
	probe := largeRequest()
	probe.ExpectCompressed = &testpb.BoolValue{Value: true}
	_, err := c.tc.UnaryCall(ctx, probe)
	if e := expectCode("uncompressed probe with expect_compressed", err, codes.InvalidArgument); e != nil {
		return e
	}
	for _, compress := range []bool{true, false} {
		req := largeRequest()
		req.ExpectCompressed = &testpb.BoolValue{Value: compress}
		var opts []grpc.CallOption
		if compress {
			opts = append(opts, grpc.UseCompressor("gzip"))
		}
		r, err := c.tc.UnaryCall(ctx, req, opts...)
		if err != nil {
			return unexpected(fmt.Sprintf("UnaryCall compressed=%v", compress), err)
		}
		if e := checkBody("UnaryCall", r.GetPayload(), 314159); e != nil {
			return e
		}
	}
	return nil
}

// serverCompressedUnary sends its requests gzip-compressed: grpc-go 1.33 advertises
// grpc-accept-encoding only for the compressor a call uses, and a server may compress only with an
// encoding the client accepts.
func (c *client) serverCompressedUnary() error {
	for _, compress := range []bool{true, false} {
		ctx, cancel := bg()
		ctx, rec := observe(ctx)
		req := largeRequest()
		req.ResponseCompressed = &testpb.BoolValue{Value: compress}
		r, err := c.tc.UnaryCall(ctx, req, grpc.UseCompressor("gzip"))
		cancel()
		if err != nil {
			return unexpected(fmt.Sprintf("UnaryCall response_compressed=%v", compress), err)
		}
		if e := checkBody("UnaryCall", r.GetPayload(), 314159); e != nil {
			return e
		}
		if e := checkFlags(fmt.Sprintf("UnaryCall response_compressed=%v", compress), rec.get(), []bool{compress}); e != nil {
			return e
		}
	}
	return nil
}

var streamSizes = []int{27182, 8, 1828, 45904}
var responseSizes = []int{31415, 9, 2653, 58979}

func (c *client) clientStreaming() error {
	ctx, cancel := bg()
	defer cancel()
	s, err := c.tc.StreamingInputCall(ctx)
	if err != nil {
		return unexpected("StreamingInputCall", err)
	}
	for _, n := range streamSizes {
		if err := s.Send(&testpb.StreamingInputCallRequest{Payload: zeros(n)}); err != nil {
			_, err = s.CloseAndRecv()
			return unexpected("StreamingInputCall send", err)
		}
	}
	r, err := s.CloseAndRecv()
	if err != nil {
		return unexpected("StreamingInputCall", err)
	}
	if r.GetAggregatedPayloadSize() != 74922 {
		return failf("aggregated_payload_size is %d, want 74922", r.GetAggregatedPayloadSize())
	}
	return nil
}

func (c *client) serverStreaming() error {
	return c.streamingOutput(false)
}

func (c *client) serverCompressedStreaming() error {
	return c.streamingOutput(true)
}

// streamingOutput runs server_streaming, or server_compressed_streaming (requests sent gzip-compressed
// so that gzip is advertised, see serverCompressedUnary).
func (c *client) streamingOutput(compressed bool) error {
	ctx, cancel := bg()
	defer cancel()
	ctx, rec := observe(ctx)
	req := &testpb.StreamingOutputCallRequest{ResponseType: testpb.PayloadType_COMPRESSABLE}
	sizes := responseSizes
	var opts []grpc.CallOption
	if compressed {
		sizes = []int{31415, 92653}
		opts = append(opts, grpc.UseCompressor("gzip"))
	}
	for i, n := range sizes {
		p := &testpb.ResponseParameters{Size: int32(n)}
		if compressed {
			p.Compressed = &testpb.BoolValue{Value: i == 0}
		}
		req.ResponseParameters = append(req.ResponseParameters, p)
	}
	s, err := c.tc.StreamingOutputCall(ctx, req, opts...)
	if err != nil {
		return unexpected("StreamingOutputCall", err)
	}
	for i := 0; ; i++ {
		r, err := s.Recv()
		if err == io.EOF {
			if i != len(sizes) {
				return failf("received %d responses, want %d", i, len(sizes))
			}
			break
		}
		if err != nil {
			return unexpected("StreamingOutputCall", err)
		}
		if i >= len(sizes) {
			return failf("more than %d responses", len(sizes))
		}
		if e := checkBody(fmt.Sprintf("response %d", i), r.GetPayload(), sizes[i]); e != nil {
			return e
		}
	}
	if compressed {
		return checkFlags("StreamingOutputCall", rec.get(), []bool{true, false})
	}
	return nil
}

func (c *client) pingPong() error {
	ctx, cancel := bg()
	defer cancel()
	s, err := c.tc.FullDuplexCall(ctx)
	if err != nil {
		return unexpected("FullDuplexCall", err)
	}
	for i, n := range responseSizes {
		req := &testpb.StreamingOutputCallRequest{
			ResponseType:       testpb.PayloadType_COMPRESSABLE,
			ResponseParameters: []*testpb.ResponseParameters{{Size: int32(n)}},
			Payload:            zeros(streamSizes[i]),
		}
		if err := s.Send(req); err != nil {
			_, err = s.Recv()
			return unexpected("FullDuplexCall send", err)
		}
		r, err := s.Recv()
		if err != nil {
			return unexpected("FullDuplexCall", err)
		}
		if e := checkBody(fmt.Sprintf("response %d", i), r.GetPayload(), n); e != nil {
			return e
		}
	}
	if err := s.CloseSend(); err != nil {
		return unexpected("FullDuplexCall close", err)
	}
	if _, err := s.Recv(); err != io.EOF {
		if err == nil {
			return failf("FullDuplexCall: a fifth response")
		}
		return unexpected("FullDuplexCall", err)
	}
	return nil
}

func (c *client) emptyStream() error {
	ctx, cancel := bg()
	defer cancel()
	s, err := c.tc.FullDuplexCall(ctx)
	if err != nil {
		return unexpected("FullDuplexCall", err)
	}
	if err := s.CloseSend(); err != nil {
		return unexpected("FullDuplexCall close", err)
	}
	if _, err := s.Recv(); err != io.EOF {
		if err == nil {
			return failf("FullDuplexCall: got a response, want none")
		}
		return unexpected("FullDuplexCall", err)
	}
	return nil
}

func checkEcho(what string, header, trailer metadata.MD) error {
	if v := header.Get(echoInitialKey); len(v) != 1 || v[0] != echoInitialValue {
		return failf("%s: initial metadata %s = %q, want [%q]", what, echoInitialKey, v, echoInitialValue)
	}
	if v := trailer.Get(echoTrailingKey); len(v) != 1 || v[0] != echoTrailingValue {
		return failf("%s: trailing metadata %s = %q, want [%q]", what, echoTrailingKey, v, echoTrailingValue)
	}
	return nil
}

func (c *client) customMetadata() error {
	ctx, cancel := bg()
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, echoInitialKey, echoInitialValue, echoTrailingKey, echoTrailingValue)
	var header, trailer metadata.MD
	r, err := c.tc.UnaryCall(ctx, largeRequest(), grpc.Header(&header), grpc.Trailer(&trailer))
	if err != nil {
		return unexpected("UnaryCall", err)
	}
	if e := checkBody("UnaryCall", r.GetPayload(), 314159); e != nil {
		return e
	}
	if e := checkEcho("UnaryCall", header, trailer); e != nil {
		return e
	}
	s, err := c.tc.FullDuplexCall(ctx)
	if err != nil {
		return unexpected("FullDuplexCall", err)
	}
	req := &testpb.StreamingOutputCallRequest{
		ResponseType:       testpb.PayloadType_COMPRESSABLE,
		ResponseParameters: []*testpb.ResponseParameters{{Size: 314159}},
		Payload:            zeros(271828),
	}
	if err := s.Send(req); err != nil {
		_, err = s.Recv()
		return unexpected("FullDuplexCall send", err)
	}
	if err := s.CloseSend(); err != nil {
		return unexpected("FullDuplexCall close", err)
	}
	n := 0
	for {
		r, err := s.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return unexpected("FullDuplexCall", err)
		}
		if e := checkBody("FullDuplexCall", r.GetPayload(), 314159); e != nil {
			return e
		}
		n++
	}
	if n != 1 {
		return failf("FullDuplexCall: %d responses, want 1", n)
	}
	header, err = s.Header()
	if err != nil {
		return unexpected("FullDuplexCall header", err)
	}
	return checkEcho("FullDuplexCall", header, s.Trailer())
}

func (c *client) statusWith(code int32, message string) error {
	ctx, cancel := bg()
	defer cancel()
	echo := &testpb.EchoStatus{Code: code, Message: message}
	check := func(what string, err error) error {
		st := status.Convert(err)
		if st.Code() != codes.Code(code) || st.Message() != message {
			return &failure{code: st.Code(), msg: fmt.Sprintf("%s: got %s %q, want %s %q", what,
				codeName(st.Code()), st.Message(), codeName(codes.Code(code)), message)}
		}
		return nil
	}
	_, err := c.tc.UnaryCall(ctx, &testpb.SimpleRequest{ResponseStatus: echo})
	if e := check("UnaryCall", err); e != nil {
		return e
	}
	s, err := c.tc.FullDuplexCall(ctx)
	if err != nil {
		return unexpected("FullDuplexCall", err)
	}
	if err := s.Send(&testpb.StreamingOutputCallRequest{ResponseStatus: echo}); err != nil && err != io.EOF {
		return unexpected("FullDuplexCall send", err)
	}
	if err := s.CloseSend(); err != nil {
		return unexpected("FullDuplexCall close", err)
	}
	_, err = s.Recv()
	return check("FullDuplexCall", err)
}

func (c *client) statusCodeAndMessage() error {
	return c.statusWith(2, "test status message")
}

func (c *client) specialStatusMessage() error {
	return c.statusWith(2, specialMessage)
}

func (c *client) unimplementedMethod() error {
	ctx, cancel := bg()
	defer cancel()
	_, err := c.tc.UnimplementedCall(ctx, &testpb.Empty{})
	return expectCode("TestService/UnimplementedCall", err, codes.Unimplemented)
}

func (c *client) unimplementedService() error {
	ctx, cancel := bg()
	defer cancel()
	_, err := testpb.NewUnimplementedServiceClient(c.conn).UnimplementedCall(ctx, &testpb.Empty{})
	return expectCode("UnimplementedService/UnimplementedCall", err, codes.Unimplemented)
}

func (c *client) cancelAfterBegin() error {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := c.tc.StreamingInputCall(ctx)
	if err != nil {
		cancel()
		return unexpected("StreamingInputCall", err)
	}
	cancel()
	_, err = s.CloseAndRecv()
	return expectCode("StreamingInputCall", err, codes.Canceled)
}

func (c *client) cancelAfterFirstResponse() error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := c.tc.FullDuplexCall(ctx)
	if err != nil {
		return unexpected("FullDuplexCall", err)
	}
	req := &testpb.StreamingOutputCallRequest{
		ResponseType:       testpb.PayloadType_COMPRESSABLE,
		ResponseParameters: []*testpb.ResponseParameters{{Size: 31415}},
		Payload:            zeros(27182),
	}
	if err := s.Send(req); err != nil {
		_, err = s.Recv()
		return unexpected("FullDuplexCall send", err)
	}
	if _, err := s.Recv(); err != nil {
		return unexpected("FullDuplexCall", err)
	}
	cancel()
	_, err = s.Recv()
	return expectCode("FullDuplexCall after cancel", err, codes.Canceled)
}

func (c *client) timeoutOnSleepingServer() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	s, err := c.tc.FullDuplexCall(ctx)
	if err != nil {
		return expectCode("FullDuplexCall", err, codes.DeadlineExceeded)
	}
	req := &testpb.StreamingOutputCallRequest{Payload: zeros(27182)}
	if err := s.Send(req); err != nil && err != io.EOF {
		return expectCode("FullDuplexCall send", err, codes.DeadlineExceeded)
	}
	_, err = s.Recv()
	return expectCode("FullDuplexCall", err, codes.DeadlineExceeded)
}

// soak runs large_unary soak_iterations times, each within the latency bound, on the shared channel
// or on a new channel per iteration.
func (c *client) soak(newChannel bool) error {
	deadline := time.Now().Add(time.Duration(*soakTimeout) * time.Second)
	bound := time.Duration(*soakMaxLatency) * time.Millisecond
	for i := 0; i < *soakIterations; i++ {
		if time.Now().After(deadline) {
			return failf("soak: overall timeout after %d of %d iterations", i, *soakIterations)
		}
		start := time.Now()
		it := c
		if newChannel {
			conn, err := dial()
			if err != nil {
				return &failure{code: codes.Unavailable, msg: fmt.Sprintf("iteration %d: dial: %v", i, err)}
			}
			it = &client{conn: conn, tc: testpb.NewTestServiceClient(conn)}
		}
		err := it.largeUnary()
		if newChannel {
			it.conn.Close()
		}
		if err != nil {
			var f *failure
			if errors.As(err, &f) {
				f.msg = fmt.Sprintf("iteration %d: %s", i, f.msg)
			}
			return err
		}
		if took := time.Since(start); took > bound {
			return failf("iteration %d took %v, bound %v", i, took, bound)
		}
	}
	return nil
}

func (c *client) rpcSoak() error     { return c.soak(false) }
func (c *client) channelSoak() error { return c.soak(true) }

// skipped names the cases grpc-go 1.33 cannot drive, with the reason.
var skipped = map[string]string{}

// stopCompressing makes the next messages of a client stream go out uncompressed. grpc-go 1.33 has
// no per-message opt-out (grpc.UseCompressor covers the whole call), so this clears the compressor of
// grpc-go's unexported clientStream (field comp) through reflection; framing stays grpc-go's own.
func stopCompressing(stream grpc.ClientStream) error {
	v := reflect.ValueOf(stream)
	for i := 0; i < 4; i++ {
		for v.Kind() == reflect.Interface || v.Kind() == reflect.Ptr {
			if v.IsNil() {
				return errors.New("nil stream")
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			break
		}
		if v.Type().Name() == "clientStream" && v.Type().PkgPath() == "google.golang.org/grpc" {
			f := v.FieldByName("comp")
			if !f.IsValid() || !f.CanAddr() {
				return errors.New("grpc-go clientStream has no field comp")
			}
			comp := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
			comp.Set(reflect.Zero(comp.Type()))
			return nil
		}
		if v.NumField() == 0 {
			break
		}
		v = v.Field(0)
	}
	return errors.New("grpc-go clientStream not found behind the stream")
}

func (c *client) clientCompressedStreaming() error {
	ctx, cancel := bg()
	defer cancel()
	request := func(size int, compressed bool) *testpb.StreamingInputCallRequest {
		return &testpb.StreamingInputCallRequest{Payload: zeros(size), ExpectCompressed: &testpb.BoolValue{Value: compressed}}
	}
	probe, err := c.tc.StreamingInputCall(ctx)
	if err != nil {
		return unexpected("StreamingInputCall probe", err)
	}
	if err := probe.Send(request(27182, true)); err != nil && err != io.EOF {
		return unexpected("StreamingInputCall probe send", err)
	}
	_, err = probe.CloseAndRecv()
	if e := expectCode("uncompressed probe with expect_compressed", err, codes.InvalidArgument); e != nil {
		return e
	}
	s, err := c.tc.StreamingInputCall(ctx, grpc.UseCompressor("gzip"))
	if err != nil {
		return unexpected("StreamingInputCall", err)
	}
	if err := s.Send(request(27182, true)); err != nil {
		_, err = s.CloseAndRecv()
		return unexpected("StreamingInputCall send", err)
	}
	if err := stopCompressing(s); err != nil {
		return failf("cannot send an uncompressed message with this grpc-go: %v", err)
	}
	if err := s.Send(request(45904, false)); err != nil {
		_, err = s.CloseAndRecv()
		return unexpected("StreamingInputCall send", err)
	}
	r, err := s.CloseAndRecv()
	if err != nil {
		return unexpected("StreamingInputCall", err)
	}
	if r.GetAggregatedPayloadSize() != 73086 {
		return failf("aggregated_payload_size is %d, want 73086", r.GetAggregatedPayloadSize())
	}
	return nil
}

func main() {
	flag.Parse()
	if reason, ok := skipped[*testCase]; ok {
		fmt.Printf("SKIP %s: %s\n", *testCase, reason)
		os.Exit(3)
	}
	conn, err := dial()
	if err != nil {
		fmt.Printf("FAIL %s: UNAVAILABLE (14): dial %s:%d: %v\n", *testCase, *serverHost, *serverPort, err)
		os.Exit(1)
	}
	defer conn.Close()
	c := &client{conn: conn, tc: testpb.NewTestServiceClient(conn)}
	cases := map[string]func() error{
		"empty_unary":                 c.emptyUnary,
		"large_unary":                 c.largeUnary,
		"client_compressed_unary":     c.clientCompressedUnary,
		"server_compressed_unary":     c.serverCompressedUnary,
		"client_streaming":            c.clientStreaming,
		"client_compressed_streaming": c.clientCompressedStreaming,
		"server_streaming":            c.serverStreaming,
		"server_compressed_streaming": c.serverCompressedStreaming,
		"ping_pong":                   c.pingPong,
		"empty_stream":                c.emptyStream,
		"custom_metadata":             c.customMetadata,
		"status_code_and_message":     c.statusCodeAndMessage,
		"special_status_message":      c.specialStatusMessage,
		"unimplemented_method":        c.unimplementedMethod,
		"unimplemented_service":       c.unimplementedService,
		"cancel_after_begin":          c.cancelAfterBegin,
		"cancel_after_first_response": c.cancelAfterFirstResponse,
		"timeout_on_sleeping_server":  c.timeoutOnSleepingServer,
		"rpc_soak":                    c.rpcSoak,
		"channel_soak":                c.channelSoak,
	}
	run, ok := cases[*testCase]
	if !ok {
		fmt.Printf("FAIL %s: INVALID_ARGUMENT (3): unknown test case\n", *testCase)
		os.Exit(1)
	}
	if err := run(); err != nil {
		code := codes.Unknown
		var f *failure
		if errors.As(err, &f) {
			code = f.code
		}
		fmt.Printf("FAIL %s: %s (%d): %s\n", *testCase, codeName(code), int(code), err.Error())
		os.Exit(1)
	}
	fmt.Printf("PASS %s\n", *testCase)
}
