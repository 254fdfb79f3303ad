// Command server is the grpc-go TestService peer of the benchmark: EmptyCall, a UnaryCall that
// echoes the request payload, and the three streaming calls with the interop test semantics
// (one response of response_parameters[i].size bytes per parameter; aggregated input size).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"

	"google.golang.org/grpc"
	testpb "tsgrpcbench/grpc_testing"
)

type testService struct {
	testpb.UnimplementedTestServiceServer
}

func (testService) EmptyCall(context.Context, *testpb.Empty) (*testpb.Empty, error) {
	return &testpb.Empty{}, nil
}

func (testService) UnaryCall(_ context.Context, request *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	return &testpb.SimpleResponse{Payload: request.GetPayload()}, nil
}

func responsesFor(request *testpb.StreamingOutputCallRequest, send func(*testpb.StreamingOutputCallResponse) error) error {
	for _, parameters := range request.GetResponseParameters() {
		body := make([]byte, parameters.GetSize())
		if err := send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: body}}); err != nil {
			return err
		}
	}
	return nil
}

func (testService) StreamingOutputCall(request *testpb.StreamingOutputCallRequest, stream testpb.TestService_StreamingOutputCallServer) error {
	return responsesFor(request, stream.Send)
}

func (testService) StreamingInputCall(stream testpb.TestService_StreamingInputCallServer) error {
	var total int32
	for {
		request, err := stream.Recv()
		if err == io.EOF {
			return stream.SendAndClose(&testpb.StreamingInputCallResponse{AggregatedPayloadSize: total})
		}
		if err != nil {
			return err
		}
		total += int32(len(request.GetPayload().GetBody()))
	}
}

func (testService) FullDuplexCall(stream testpb.TestService_FullDuplexCallServer) error {
	for {
		request, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := responsesFor(request, stream.Send); err != nil {
			return err
		}
	}
}

func main() {
	port := flag.Int("port", 0, "port to listen on (0 picks a free one)")
	flag.Parse()
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatal(err)
	}
	server := grpc.NewServer(grpc.MaxRecvMsgSize(16<<20), grpc.MaxSendMsgSize(16<<20))
	testpb.RegisterTestServiceServer(server, testService{})
	// The harness reads the chosen port from this line.
	fmt.Fprintf(os.Stdout, "listening %d\n", listener.Addr().(*net.TCPAddr).Port)
	log.Fatal(server.Serve(listener))
}
