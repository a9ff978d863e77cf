package cmdutil

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/client"
	"github.com/kafkit/kafkit/internal/config"
)

// Factory gives commands lazy access to settings and clients, so --help and flag errors never
// dial the network. One factory serves one process (or one test).
type Factory struct {
	IO *IOStreams
	// Prompter asks for confirmations; nil means TerminalPrompter{IO}. Tests set a FakePrompter.
	Prompter Prompter

	// LoadSettings resolves the connection settings; the root command sets it after parsing
	// flags. Tests set it to return fixed settings.
	LoadSettings func() (config.Settings, []string, error)
	// ExtraOpts are appended to every client's options (tests use them).
	ExtraOpts []kgo.Opt

	once     sync.Once
	settings config.Settings
	err      error
	watcher  *client.Watcher
	logger   kgo.Logger

	mu     sync.Mutex
	shared *kgo.Client
	admin  *Admin
	cls    []*kgo.Client
}

// Admin is the shared admin client: kadm's helpers, plus Request for the APIs kadm has no
// helper for (raw kmsg: req.RequestWith(ctx, adm)). Command options hold one of these, never a
// *kgo.Client, so no command wraps kadm.NewClient itself.
type Admin struct {
	*kadm.Client
	raw *kgo.Client
}

// NewAdmin wraps a kgo client (tests use it; commands get theirs from Factory.Admin).
func NewAdmin(cl *kgo.Client) *Admin { return &Admin{Client: kadm.NewClient(cl), raw: cl} }

// Request issues a raw kmsg request through the shared client (it implements kmsg.Requestor).
func (a *Admin) Request(ctx context.Context, req kmsg.Request) (kmsg.Response, error) {
	return a.raw.Request(ctx, req)
}

// Kgo is the underlying client, for what only kgo does (sharded requests, metadata refresh,
// a request to one broker).
func (a *Admin) Kgo() *kgo.Client { return a.raw }

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
			if f.settings.Verbose {
				f.logger = client.Logger(f.IO.ErrOut)
			}
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
	cl, err := client.New(s, f.watcher, f.logger, append(append([]kgo.Opt{}, f.ExtraOpts...), opts...)...)
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

// Admin returns the admin client over the shared client, built once.
func (f *Factory) Admin() (*Admin, error) {
	cl, err := f.Client()
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.admin == nil || f.admin.raw != cl {
		f.admin = NewAdmin(cl)
	}
	return f.admin, nil
}

// Confirmer returns the prompter commands ask for confirmations.
func (f *Factory) Confirmer() Prompter {
	if f.Prompter != nil {
		return f.Prompter
	}
	return TerminalPrompter{IO: f.IO}
}

// Verbose reports whether -v is on (false when the settings cannot be loaded).
func (f *Factory) Verbose() bool {
	s, err := f.Settings()
	return err == nil && s.Verbose
}

// Timeout is the --timeout in effect (zero when the settings cannot be loaded).
func (f *Factory) Timeout() time.Duration {
	s, err := f.Settings()
	if err != nil {
		return 0
	}
	return s.Timeout
}

// Debugf writes one time-stamped line to stderr when -v is on, in the format of kgo's own debug
// lines; otherwise it does nothing.
func (f *Factory) Debugf(format string, args ...any) {
	if !f.Verbose() {
		return
	}
	fmt.Fprintf(f.IO.ErrOut, time.Now().Format("15:04:05.000 ")+"kafkit: "+format+"\n", args...)
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
	f.admin = nil
}

// Getenv is os.Getenv, a variable so that the root command can be tested.
var Getenv = os.Getenv
