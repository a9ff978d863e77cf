package topic

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kafkit/kafkit/internal/output"
)

func TestNewCmdOffsets(t *testing.T) {
	env := newEnv(t)
	o, err := parseFlags(t, env, newCmdOffsets, "a", "b", "--at", "latest", "-o", "json")
	if err != nil || strings.Join(o.Topics, ",") != "a,b" || !o.AtSet || o.At != tsLatest || o.Printer.Format != output.JSON {
		t.Fatalf("options %+v (%v)", o, err)
	}
	o, err = parseFlags(t, env, newCmdOffsets, "a")
	if err != nil || o.AtSet {
		t.Fatalf("options %+v (%v)", o, err)
	}
	_, err = parseFlags(t, env, newCmdOffsets, "a", "--at", "yesterday")
	wantExit(t, err, 2, `bad --at: bad time "yesterday"`)
	_, err = parseFlags(t, env, newCmdOffsets)
	wantExit(t, err, 2, "requires at least 1 arg")
	_, err = parseFlags(t, env, newCmdOffsets, "a", "-o", "name")
	wantExit(t, err, 2, "unknown output format")
}

func TestOffsetsRun(t *testing.T) {
	env := newEnv(t)
	mustRun(t, env, "create", "o", "-p", "2")
	produce(t, env, "o", map[int32]int{1: 3}, time.Now())
	opts := &offsetsOptions{IO: env.F.IO, Admin: env.F.Admin, Context: env.F.Context, Printer: output.Printer{Format: output.Table}, Topics: []string{"o", "missing"}}
	out, errOut, err := runDirect(t, env, func(ctx context.Context) error { return offsetsRun(ctx, opts) })
	wantExit(t, err, 1, `topic "missing" not found`)
	wantEqual(t, "offsets", out, "TOPIC   PARTITION   EARLIEST   LATEST   RECORDS\no       0           0          0        0\no       1           0          3        3\n")
	wantEqual(t, "stderr", errOut, "")
}
