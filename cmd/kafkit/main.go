// Command kafkit: only wiring and the exit code; everything else lives in the packages.
package main

import (
	"context"
	"os"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/root"
)

func main() {
	f := &cmdutil.Factory{IO: cmdutil.System()}
	cmd := root.New(f)
	ctx, stop := cmdutil.SignalContext(context.Background())
	ran, err := cmd.ExecuteContextC(ctx)
	f.Close()
	code := cmdutil.Report(f.IO.ErrOut, f, ctx, ran, err)
	stop()
	os.Exit(code)
}
