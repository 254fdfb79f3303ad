// The grpc-go adapter of `tsgrpc probe client` (docs/CONFORMANCE.md, "The client contract"): calls
// /grpc.testing.TestService/UnaryCall on the target (argv[1] or TSGRPC_PROBE_TARGET) with an empty
// request and a 10 s deadline, and prints `<code> <message as a JSON string>`. Built in GOPATH mode
// against Debian's golang-google-grpc-dev (scripts/probe-matrix.sh).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// rawCodec sends and receives the message bytes as they are.
type rawCodec struct{}

func (rawCodec) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }

func (rawCodec) Unmarshal(data []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}

func (rawCodec) Name() string { return "proto" }

func main() {
	target := os.Getenv("TSGRPC_PROBE_TARGET")
	if len(os.Args) > 1 {
		target = os.Args[1]
	}
	if target == "" {
		fmt.Fprintln(os.Stderr, "usage: go-client <host:port> (or TSGRPC_PROBE_TARGET)")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := grpc.Dial(target, grpc.WithInsecure(), grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer conn.Close()
	request := []byte{}
	var response []byte
	err = conn.Invoke(ctx, "/grpc.testing.TestService/UnaryCall", &request, &response)
	s := status.Convert(err)
	message, _ := json.Marshal(s.Message())
	fmt.Printf("%d %s\n", int(s.Code()), message)
}
