// Package build holds the version information stamped into the binary by the Makefile.
package build

import "runtime"

// Version and Commit are set with -ldflags "-X" at build time; "dev" and "unknown" otherwise.
var (
	Version = "dev"
	Commit  = "unknown"
)

// GoVersion is the Go toolchain the binary was built with.
func GoVersion() string { return runtime.Version() }

// ClientID is the Kafka client.id kafkit sends unless the user sets another.
func ClientID() string { return "kafkit/" + Version }
