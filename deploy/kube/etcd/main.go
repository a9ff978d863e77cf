// Command etcd is etcd's own server (etcdmain.Main), built from the Go module proxy for
// `make kube-test`: the Kubernetes API server's storage.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
