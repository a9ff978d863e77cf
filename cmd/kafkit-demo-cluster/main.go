// Command kafkit-demo-cluster runs an in-process fake Kafka cluster (franz-go's kfake) on
// 127.0.0.1 for `make demo`: three brokers, nothing to install. It is not Kafka — replication,
// config validation and KIP-848 groups are simplified — and is for trying kafkit only.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	port := flag.Int("port", 9092, "port of the first broker; the others take the next ports")
	brokers := flag.Int("brokers", 3, "number of brokers")
	partitions := flag.Int("partitions", 6, "default partitions for new topics (the seed's num.partitions)")
	flag.Parse()
	ports := make([]int, *brokers)
	for i := range ports {
		ports[i] = *port + i
	}
	c, err := kfake.NewCluster(
		kfake.NumBrokers(*brokers),
		kfake.Ports(ports...),
		kfake.DefaultNumPartitions(*partitions),
		kfake.AllowAutoTopicCreation(),
	)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kafkit-demo-cluster: cannot start: %v (is port %d free? pass -port)\n", err, *port)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "kafkit-demo-cluster: fake Kafka cluster (kfake) listening on %v\n", c.ListenAddrs())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	c.Close()
}
