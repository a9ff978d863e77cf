package consume

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
	"github.com/kafkit/kafkit/internal/offsetspec"
)

// parseArgs runs the command's flag parsing and validation only, capturing the options.
func parseArgs(t *testing.T, args ...string) (*consumeOptions, error) {
	t.Helper()
	ios, _, _, _ := cmdutil.Test()
	f := &cmdutil.Factory{IO: ios, LoadSettings: func() (config.Settings, []string, error) {
		t.Fatal("flag parsing must not load settings")
		return config.Settings{}, nil, nil
	}}
	var got *consumeOptions
	cmd := newCmdConsume(f, func(_ context.Context, o *consumeOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	return got, err
}

func TestFlags(t *testing.T) {
	o, err := parseArgs(t, "orders", "payments")
	if err != nil {
		t.Fatal(err)
	}
	if o.Offset.Kind != offsetspec.End || o.Num != 0 || o.UntilEnd || o.Group != "" || o.GroupProtocol != "classic" {
		t.Errorf("defaults: %+v", o)
	}
	if _, ok := o.Format.(valueFormat); !ok {
		t.Errorf("default format %T", o.Format)
	}
	if strings.Join(o.Topics, ",") != "orders,payments" {
		t.Errorf("topics %v", o.Topics)
	}

	o, err = parseArgs(t, "t", "--from-beginning", "-p", "0,2", "-n", "5", "-e", "--idle-timeout", "2s",
		"--isolation", "read_committed", "-J", "--json-values")
	if err != nil {
		t.Fatal(err)
	}
	if o.Offset.Kind != offsetspec.Start || len(o.Partitions) != 2 || o.Partitions[1] != 2 || o.Num != 5 ||
		!o.UntilEnd || o.IdleTimeout != 2*time.Second || !o.ReadCommitted {
		t.Errorf("options: %+v", o)
	}
	if jf, ok := o.Format.(jsonFormat); !ok || !jf.embedJSON {
		t.Errorf("format %#v", o.Format)
	}

	o, err = parseArgs(t, "t", "-o", "-10", "-g", "g1", "--group-protocol", "consumer", "--print", "key,offset", "--separator", `\t|`)
	if err != nil {
		t.Fatal(err)
	}
	if o.Offset != (offsetspec.Spec{Kind: offsetspec.FromEnd, Offset: 10}) || o.Group != "g1" || o.GroupProtocol != "consumer" {
		t.Errorf("options: %+v", o)
	}
	if pf, ok := o.Format.(printFormat); !ok || !pf.key || !pf.offset || pf.timestamp || pf.sep != "\t|" {
		t.Errorf("print format %#v", o.Format)
	}

	o, err = parseArgs(t, "t", "--print", "key", "--separator", `\x01`)
	if err != nil {
		t.Fatal(err)
	}
	if pf, ok := o.Format.(printFormat); !ok || pf.sep != "\x01" {
		t.Errorf("--separator '\\x01': %#v", o.Format)
	}

	o, err = parseArgs(t, "t", "-f", `%k %s\n`, "-o", "@-1h")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := o.Format.(templateFormat); !ok || o.Offset.Kind != offsetspec.Time {
		t.Errorf("options %+v", o)
	}
	if o, err = parseArgs(t, "t", "--from-beginning", "-o", "start"); err != nil || o.Offset.Kind != offsetspec.Start {
		t.Errorf("--from-beginning with -o start: %v", err)
	}
}

func TestFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{}, "requires at least 1 arg"},
		{[]string{"t", "-o", "soon"}, `-o/--offset: bad offset "soon"`},
		{[]string{"t", "-o", "@yesterday"}, `bad time "yesterday"`},
		{[]string{"t", "--from-beginning", "-o", "end"}, "--from-beginning and -o end contradict"},
		{[]string{"t", "-n", "-1"}, "-n/--num must be positive"},
		{[]string{"t", "--idle-timeout", "-1s"}, "--idle-timeout must be positive"},
		{[]string{"t", "--isolation", "serializable"}, `--isolation "serializable"`},
		{[]string{"t", "-g", "g", "-p", "1"}, "cannot be used with -g/--group"},
		{[]string{"t", "-g", "g", "--group-protocol", "eager"}, `--group-protocol "eager"`},
		{[]string{"t", "--group-protocol", "consumer"}, "--group-protocol needs -g/--group"},
		{[]string{"t", "-J", "-f", "%s"}, "-f/--format and -J/--json choose different outputs"},
		{[]string{"t", "-J", "--print", "key"}, "-J/--json and --print choose different outputs"},
		{[]string{"t", "--json-values"}, "--json-values needs -J/--json"},
		{[]string{"t", "--separator", ","}, "--separator needs --print"},
		{[]string{"t", "-f", "%q"}, "-f/--format: unknown token %q"},
		{[]string{"t", "--print", "colour"}, `unknown --print field "colour"`},
		{[]string{"t", "-p", "-1"}, "partition -1 is negative"},
		{[]string{"orders(", "--regex"}, `--regex: bad regular expression "orders(": missing closing )`},
		// -o is the offset, as in kcat: output names point to the output flags.
		{[]string{"t", "-o", "json"}, "-o json: for consume -o is the offset to start at (as in kcat), not the output format: did you mean -J / --json?"},
		{[]string{"t", "-o", "yaml"}, "did you mean -J / --json?"},
		{[]string{"t", "-o", "table"}, "did you mean --print or -f?"},
		{[]string{"t", "-o", "wide"}, "did you mean --print or -f?"},
		// one escape parser (text.Unescape), as produce -K
		{[]string{"t", "--print", "key", "--separator", `\x`}, `--separator: bad escape \x in "\\x": write two hex digits`},
		{[]string{"t", "--print", "key", "--separator", `\q`}, `--separator: unknown escape \q`},
		{[]string{"t", "-f", `%s\x`}, `bad escape \x`},
		// an empty topic name is a usage error (exit 2), not a failed request
		{[]string{""}, "an empty topic name"},
		{[]string{"t", ""}, "an empty topic name"},
	}
	for _, tt := range tests {
		_, err := parseArgs(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err %v, want %q", tt.args, err, tt.want)
			continue
		}
		if !cmdutil.IsUsage(err) {
			t.Errorf("%v: not a usage error: %v", tt.args, err)
		}
	}
}
