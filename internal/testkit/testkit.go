// Package testkit gives unit tests an in-process fake Kafka cluster (kfake) and a factory wired
// to it with captured stdin/stdout/stderr. Test code only.
package testkit

import (
	"bytes"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
)

// Cluster starts a kfake cluster with 3 brokers on loopback and closes it when the test ends.
// Extra options come after the defaults.
func Cluster(t testing.TB, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(3)}, opts...)...)
	if err != nil {
		t.Fatalf("kfake: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// Env is a factory pointed at a cluster plus its captured streams.
type Env struct {
	F      *cmdutil.Factory
	In     *bytes.Buffer
	Out    *bytes.Buffer
	ErrOut *bytes.Buffer
}

// Settings returns settings for brokers with a short timeout, as a test wants.
func Settings(brokers []string) config.Settings {
	return config.Settings{Brokers: brokers, Timeout: 5 * time.Second, Sources: map[string]string{}}
}

// Factory returns a factory connected to c with captured streams; clients close with the test.
func Factory(t testing.TB, c *kfake.Cluster) *Env {
	t.Helper()
	return FactoryFor(t, Settings(c.ListenAddrs()))
}

// FactoryFor returns a factory with fixed settings and captured streams.
func FactoryFor(t testing.TB, s config.Settings) *Env {
	t.Helper()
	ios, in, out, errOut := cmdutil.Test()
	f := &cmdutil.Factory{IO: ios}
	f.LoadSettings = func() (config.Settings, []string, error) { return s, nil, nil }
	t.Cleanup(f.Close)
	return &Env{F: f, In: in, Out: out, ErrOut: errOut}
}
