package produce

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/testkit"
)

// parseFlags runs the command's flag parsing and validation and returns the options it would
// run with (no network).
func parseFlags(t *testing.T, inTTY bool, args ...string) (*produceOptions, error) {
	t.Helper()
	env := testkit.FactoryFor(t, testkit.Settings([]string{"127.0.0.1:1"}))
	env.F.IO.InTTY = inTTY
	return parseOptions(env.F, args...)
}

// parseOptions turns args into the options produceRun gets, as RunE does.
func parseOptions(f *cmdutil.Factory, args ...string) (*produceOptions, error) {
	var got *produceOptions
	cmd := newCmdProduce(f, func(_ context.Context, o *produceOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	if err := cmd.Execute(); err != nil {
		return nil, err
	}
	return got, nil
}

func TestProduceFlagDefaults(t *testing.T) {
	o, err := parseFlags(t, false, "orders")
	if err != nil {
		t.Fatal(err)
	}
	if o.Topic != "orders" || o.Input != "lines" || o.Acks != "all" || o.Compression != "none" || o.Linger != 10*time.Millisecond ||
		o.Partition != -1 || o.Timestamp != -1 || o.DeliveryTimeout != 0 || o.DeliveryTimeoutSet || o.KeySepSet || o.KeySet || len(o.Files) != 0 {
		t.Errorf("defaults: %+v", o)
	}
	// Typing at a terminal: no linger, each line goes at once.
	o, _ = parseFlags(t, true, "orders")
	if o.Linger != 0 {
		t.Errorf("linger at a terminal = %s", o.Linger)
	}
	o, _ = parseFlags(t, true, "orders", "-f", "x.txt")
	if o.Linger != 10*time.Millisecond {
		t.Errorf("linger with a file = %s", o.Linger)
	}
}

func TestProduceFlags(t *testing.T) {
	o, err := parseFlags(t, false, "orders", "-f", "a", "-f", "-", "-K", `\t`, "--allow-missing-key", "--null-marker", "NULL",
		"--skip-empty", "-H", "a=1", "-H", "b=x=y", "-p", "3", "--timestamp", "1700000000000", "--acks", "-1",
		"--compression", "zstd", "--linger", "20ms", "--batch-max-bytes", "65536", "--max-record-bytes", "2048",
		"--delivery-timeout", "15s", "--create-topic", "-q", "--summary")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Files) != 2 || o.Files[1] != "-" || o.KeySeparator != "\t" || !o.KeySepSet || !o.AllowMissingKey ||
		o.NullMarker != "NULL" || !o.NullMarkerSet || !o.SkipEmpty || o.Partition != 3 || o.Timestamp != 1700000000000 ||
		o.Acks != "all" || o.Compression != "zstd" || o.Linger != 20*time.Millisecond || o.BatchMaxBytes != 65536 ||
		o.MaxRecordBytes != 2048 || o.DeliveryTimeout != 15*time.Second || !o.DeliveryTimeoutSet || !o.CreateTopic || !o.Quiet || !o.Summary {
		t.Errorf("options: %+v", o)
	}
	if len(o.Headers) != 2 || o.Headers[0].key != "a" || string(o.Headers[0].value) != "1" || o.Headers[1].key != "b" || string(o.Headers[1].value) != "x=y" {
		t.Errorf("headers: %+v", o.Headers)
	}
	o, err = parseFlags(t, false, "orders", "--input", "json", "-k", "fixed", "--acks", "0")
	if err != nil || o.Input != "json" || !o.KeySet || o.Key != "fixed" || o.Acks != "0" {
		t.Errorf("json/key/acks: %+v %v", o, err)
	}
}

func TestProduceFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{}, "accepts 1 arg(s), received 0"},
		{[]string{"t", "--input", "csv"}, `unknown --input "csv": use one of lines, json, raw`},
		{[]string{"t", "--acks", "2"}, `unknown --acks "2": use all, 1 or 0`},
		{[]string{"t", "--compression", "brotli"}, `unknown --compression "brotli": use one of none, gzip, snappy, lz4, zstd`},
		{[]string{"t", "-K", ""}, "-K/--key-separator cannot be empty"},
		{[]string{"t", "-K", `\x`}, `bad -K/--key-separator: bad escape \x in "\\x": write two hex digits, as in \x01`},
		{[]string{"t", "-K", `\q`}, `bad -K/--key-separator: unknown escape \q in "\\q": use \t, \n, \r, \0, \\ or \xHH`},
		{[]string{"t", "-K", `a\`}, `bad -K/--key-separator: "a\\" ends with a lone backslash: write \\ for a backslash`},
		{[]string{"t", "-K", `\n`}, "-K/--key-separator cannot contain a newline"},
		{[]string{"t", "-K", ",", "--input", "json"}, "-K/--key-separator applies to --input lines only"},
		{[]string{"t", "--allow-missing-key"}, "--allow-missing-key needs -K/--key-separator"},
		{[]string{"t", "-k", "a", "-K", ","}, "-k/--key and -K/--key-separator cannot be used together: the key is either fixed or in the line"},
		{[]string{"t", "--null-marker", "N", "--input", "raw"}, "--null-marker applies to --input lines only (JSON has null)"},
		{[]string{"t", "--skip-empty", "--input", "raw"}, "--skip-empty does not apply to --input raw"},
		{[]string{"t", "-H", "novalue"}, `bad -H/--header "novalue": use key=value`},
		{[]string{"t", "-H", "=v"}, `bad -H/--header "=v": use key=value`},
		{[]string{"t", "-p", "-2"}, "bad -p/--partition -2: partitions are numbered from 0"},
		{[]string{"t", "--timestamp", "yesterday"}, `bad --timestamp: bad time "yesterday": use 2026-11-20T10:00:00Z (RFC 3339), 2026-11-20, unix milliseconds, or -1h`},
		{[]string{"t", "--linger", "-1s"}, "--linger cannot be negative"},
		{[]string{"t", "--delivery-timeout", "-1s"}, "--delivery-timeout cannot be negative (0 means no limit)"},
		{[]string{"t", "--batch-max-bytes", "100"}, "--batch-max-bytes must be between 512 and 1073741824"},
		{[]string{"t", "--max-record-bytes", "-1"}, "--max-record-bytes must be between 1 and 1073741824"},
	}
	for _, tt := range tests {
		_, err := parseFlags(t, false, tt.args...)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%v: err = %v, want %s", tt.args, err, tt.want)
			continue
		}
		if !cmdutil.IsUsage(err) {
			t.Errorf("%v: exit %d, want 2", tt.args, cmdutil.ExitCode(err))
		}
	}
}

func TestProduceKeySeparatorEscapes(t *testing.T) {
	// The escapes of internal/text: the same as consume --separator.
	for in, want := range map[string]string{`,`: ",", `\t`: "\t", `\x01`: "\x01", `\\`: `\`, `::`: "::", `\0|`: "\x00|"} {
		o, err := parseFlags(t, false, "t", "-K", in)
		if err != nil || o.KeySeparator != want {
			t.Errorf("-K %q: %q, %v; want %q", in, o.KeySeparator, err, want)
		}
	}
}
