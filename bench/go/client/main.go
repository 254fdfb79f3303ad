// Command client is the neutral grpc-go load client of the benchmark.
//
//	client unary TARGET SECONDS INFLIGHT SIZE   -> "grpc-go <N> calls/s"
//	client pingpong TARGET SECONDS SIZE         -> "grpc-go <N> round-trips p50_us <A> p99_us <B>"
//
// Each mode warms up for a second before it starts counting.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	testpb "tsgrpcbench/grpc_testing"
)

const warmUp = time.Second

func mustInt(text string) int {
	value, err := strconv.Atoi(text)
	if err != nil {
		log.Fatalf("not a number: %q", text)
	}
	return value
}

func runUnary(client testpb.TestServiceClient, seconds, inflight, size int) {
	request := &testpb.SimpleRequest{Payload: &testpb.Payload{Body: make([]byte, size)}}
	var counting atomic.Bool
	var calls atomic.Int64
	stop := time.Now().Add(warmUp + time.Duration(seconds)*time.Second)
	var group sync.WaitGroup
	for i := 0; i < inflight; i++ {
		group.Add(1)
		go func() {
			defer group.Done()
			for time.Now().Before(stop) {
				if _, err := client.UnaryCall(context.Background(), request); err != nil {
					log.Fatal(err)
				}
				if counting.Load() {
					calls.Add(1)
				}
			}
		}()
	}
	time.Sleep(warmUp)
	counting.Store(true)
	start := time.Now()
	group.Wait()
	fmt.Printf("grpc-go %.0f calls/s\n", float64(calls.Load())/time.Since(start).Seconds())
}

func runPingPong(client testpb.TestServiceClient, seconds, size int) {
	stream, err := client.FullDuplexCall(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	request := &testpb.StreamingOutputCallRequest{
		ResponseParameters: []*testpb.ResponseParameters{{Size: int32(size)}},
		Payload:            &testpb.Payload{Body: make([]byte, size)},
	}
	roundTrip := func() time.Duration {
		start := time.Now()
		if err := stream.Send(request); err != nil {
			log.Fatal(err)
		}
		if _, err := stream.Recv(); err != nil {
			log.Fatal(err)
		}
		return time.Since(start)
	}
	for end := time.Now().Add(warmUp); time.Now().Before(end); {
		roundTrip()
	}
	var samples []time.Duration
	for end := time.Now().Add(time.Duration(seconds) * time.Second); time.Now().Before(end); {
		samples = append(samples, roundTrip())
	}
	stream.CloseSend()
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	at := func(q float64) float64 { return float64(samples[int(q*float64(len(samples)-1))].Microseconds()) }
	fmt.Printf("grpc-go %d round-trips p50_us %.0f p99_us %.0f\n", len(samples), at(0.50), at(0.99))
}

func main() {
	if len(os.Args) < 5 {
		log.Fatal("usage: client unary TARGET SECONDS INFLIGHT SIZE | client pingpong TARGET SECONDS SIZE")
	}
	connection, err := grpc.Dial(os.Args[2], grpc.WithInsecure(),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(16<<20), grpc.MaxCallSendMsgSize(16<<20)))
	if err != nil {
		log.Fatal(err)
	}
	defer connection.Close()
	client := testpb.NewTestServiceClient(connection)
	switch os.Args[1] {
	case "unary":
		runUnary(client, mustInt(os.Args[3]), mustInt(os.Args[4]), mustInt(os.Args[5]))
	case "pingpong":
		runPingPong(client, mustInt(os.Args[3]), mustInt(os.Args[4]))
	default:
		log.Fatalf("unknown mode %q", os.Args[1])
	}
}
