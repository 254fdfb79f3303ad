// Command go-server is the grpc-go server of the tsgrpc CLI tests: grpc.testing.SearchService
// (the reflection test service that ships with grpc-go), grpc.health.v1.Health and server
// reflection (grpc-go 1.33 in Debian serves grpc.reflection.v1alpha only). It listens on
// 127.0.0.1 (--port, 0 for any), prints "listening on PORT" and serves until killed.
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
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	pb "google.golang.org/grpc/reflection/grpc_testing"
	"google.golang.org/grpc/status"
)

type searchServer struct {
	pb.UnimplementedSearchServiceServer
}

// Search answers one result per request, named after the query; the query "missing" is NOT_FOUND.
func (searchServer) Search(_ context.Context, request *pb.SearchRequest) (*pb.SearchResponse, error) {
	if request.Query == "missing" {
		return nil, status.Error(codes.NotFound, "go: nothing matches missing")
	}
	return &pb.SearchResponse{Results: []*pb.SearchResponse_Result{{Url: "https://example.test/" + request.Query, Title: request.Query}}}, nil
}

// StreamingSearch answers each request as it arrives.
func (server searchServer) StreamingSearch(stream pb.SearchService_StreamingSearchServer) error {
	for {
		request, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		response, err := server.Search(stream.Context(), request)
		if err != nil {
			return err
		}
		if err := stream.Send(response); err != nil {
			return err
		}
	}
}

func main() {
	port := flag.Int("port", 0, "port on 127.0.0.1 (0: any)")
	flag.Parse()
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatal(err)
	}
	server := grpc.NewServer()
	pb.RegisterSearchServiceServer(server, searchServer{})
	healthServer := health.NewServer()
	healthServer.SetServingStatus("grpc.testing.SearchService", healthpb.HealthCheckResponse_SERVING)
	healthServer.SetServingStatus("grpc.testing.Down", healthpb.HealthCheckResponse_NOT_SERVING)
	healthpb.RegisterHealthServer(server, healthServer)
	reflection.Register(server)
	fmt.Fprintf(os.Stdout, "listening on %d\n", listener.Addr().(*net.TCPAddr).Port)
	if err := server.Serve(listener); err != nil {
		log.Fatal(err)
	}
}
