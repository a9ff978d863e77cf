package cmdutil

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/client"
	"github.com/kafkit/kafkit/internal/config"
)

// Factory gives commands lazy access to settings and clients, so --help and flag errors never
// dial the network. One factory serves one process (or one test).
type Factory struct {
	IO *IOStreams

	// LoadSettings resolves the connection settings; the root command sets it after parsing
	// flags. Tests set it to return fixed settings.
	LoadSettings func() (config.Settings, []string, error)
	// ExtraOpts are appended to every client's options (tests use them).
	ExtraOpts []kgo.Opt

	once     sync.Once
	settings config.Settings
	err      error
	watcher  *client.Watcher

	mu     sync.Mutex
	shared *kgo.Client
	cls    []*kgo.Client
}

// Settings resolves the settings once, printing their warnings on stderr.
func (f *Factory) Settings() (config.Settings, error) {
	f.once.Do(func() {
		if f.LoadSettings == nil {
			f.err = fmt.Errorf("internal error: no settings loader")
			return
		}
		var warnings []string
		f.settings, warnings, f.err = f.LoadSettings()
		for _, w := range warnings {
			fmt.Fprintln(f.IO.ErrOut, "warning:", w)
		}
		if f.err == nil {
			f.watcher = client.NewWatcher(f.settings)
		}
	})
	return f.settings, f.err
}

// Context derives the context for one bounded command: it ends after the --timeout and at once
// on a connection failure that retrying cannot fix.
func (f *Factory) Context(parent context.Context) (context.Context, context.CancelFunc, error) {
	s, err := f.Settings()
	if err != nil {
		return nil, nil, err
	}
	ctx, cancelT := context.WithTimeout(parent, s.Timeout)
	ctx, cancelW := f.watcher.Watch(ctx)
	return ctx, func() { cancelW(); cancelT() }, nil
}

// StreamContext is Context without the timeout, for commands that run until stopped (consume,
// produce, watch); fatal connection failures still end it.
func (f *Factory) StreamContext(parent context.Context) (context.Context, context.CancelFunc, error) {
	if _, err := f.Settings(); err != nil {
		return nil, nil, err
	}
	ctx, cancel := f.watcher.Watch(parent)
	return ctx, cancel, nil
}

// NewClient builds a new kgo client with the command's own options after the defaults; Close
// closes it (callers may close it earlier themselves).
func (f *Factory) NewClient(opts ...kgo.Opt) (*kgo.Client, error) {
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	cl, err := client.New(s, f.watcher, f.IO.ErrOut, append(append([]kgo.Opt{}, f.ExtraOpts...), opts...)...)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.cls = append(f.cls, cl)
	f.mu.Unlock()
	return cl, nil
}

// Client returns the shared kgo client used for admin requests, built on first use.
func (f *Factory) Client() (*kgo.Client, error) {
	f.mu.Lock()
	if f.shared != nil {
		defer f.mu.Unlock()
		return f.shared, nil
	}
	f.mu.Unlock()
	cl, err := f.NewClient()
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.shared == nil {
		f.shared = cl
	}
	return f.shared, nil
}

// Admin returns a kadm client over the shared client.
func (f *Factory) Admin() (*kadm.Client, error) {
	cl, err := f.Client()
	if err != nil {
		return nil, err
	}
	return kadm.NewClient(cl), nil
}

// Explain turns a connection failure or timeout into a message a person can act on; other
// errors pass through unchanged.
func (f *Factory) Explain(err error) error {
	if err == nil || f.watcher == nil {
		return err
	}
	return f.watcher.Explain(err)
}

// Close closes every client the factory built.
func (f *Factory) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, cl := range f.cls {
		cl.Close()
	}
	f.cls = nil
	f.shared = nil
}

// Getenv is os.Getenv, a variable so that the root command can be tested.
var Getenv = os.Getenv
