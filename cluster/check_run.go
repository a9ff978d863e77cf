package cluster

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

// checkRun runs the checks once, or with --watch every --interval until ctx ends; the exit
// code is the last run's.
func checkRun(ctx context.Context, opts *checkOptions) error {
	for {
		err := checkOnce(ctx, opts)
		if !opts.Watch || cmdutil.IsUsage(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(opts.Interval):
		}
	}
}

func checkOnce(ctx context.Context, opts *checkOptions) error {
	rctx, cancel, err := opts.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := opts.Source.Admin()
	if err != nil {
		return err
	}
	start := opts.Source.Now()
	snap := fetchSnapshot(rctx, opts.Source, adm, opts.Want, opts.Limits, opts.Topics)
	rep := CheckReport{Findings: evaluate(snap, opts.Want, opts.Limits)}
	rep.ElapsedMS = float64(opts.Source.Now().Sub(start).Microseconds()) / 1000
	failed, errored := tally(rep.Findings)
	rep.Healthy = failed == 0 && errored == 0
	if opts.Watch && !opts.Printer.IsStructured() {
		fmt.Fprintf(opts.IO.Out, "%s\n", opts.Source.Now().Format("2006-01-02 15:04:05"))
	}
	if err := printCheck(opts.IO.Out, opts.Printer, rep); err != nil {
		return err
	}
	if opts.Watch && !opts.Printer.IsStructured() {
		fmt.Fprintln(opts.IO.Out)
	}
	return reportCheck(opts.IO.ErrOut, rep, failed, errored)
}

func tally(fs []Finding) (failed, errored int) {
	for _, f := range fs {
		switch f.Status {
		case statusFailed:
			failed++
		case statusError:
			errored++
		}
	}
	return failed, errored
}

// printCheck prints the report on stdout: one row per check, then the items of those that did
// not pass.
func printCheck(w io.Writer, p output.Printer, rep CheckReport) error {
	return p.Print(w, rep, func(t *output.Text) error {
		rows := make([][]string, 0, len(rep.Findings))
		for _, f := range rep.Findings {
			rows = append(rows, []string{f.ID, f.Status, f.Summary})
		}
		if err := t.Table([]string{"CHECK", "STATUS", "SUMMARY"}, rows); err != nil {
			return err
		}
		for _, f := range rep.Findings {
			if len(f.Items) == 0 {
				continue
			}
			t.Linef("")
			t.Linef("%s:", f.ID)
			for _, it := range f.Items {
				t.Linef("  %s", text.Safe(it))
			}
		}
		return nil
	})
}

// reportCheck names every failed check on stderr with what to do, and maps the outcome to the
// exit code: 3 when a check failed, 1 when one could not be checked, 0 healthy.
func reportCheck(w io.Writer, rep CheckReport, failed, errored int) error {
	for _, f := range rep.Findings {
		switch f.Status {
		case statusFailed:
			fmt.Fprintf(w, "check %s failed: %s\n", f.ID, text.Safe(f.Summary))
			if f.Fix != "" {
				fmt.Fprintf(w, "  what to do: %s\n", f.Fix)
			}
		case statusError:
			fmt.Fprintf(w, "check %s: %s\n", f.ID, text.Safe(f.Summary))
			for _, it := range f.Items {
				fmt.Fprintf(w, "  %s\n", text.Safe(it))
			}
		}
	}
	ran := 0
	for _, f := range rep.Findings {
		if f.Status != statusSkipped {
			ran++
		}
	}
	took := time.Duration(rep.ElapsedMS * float64(time.Millisecond)).Round(time.Millisecond)
	switch {
	case failed > 0:
		return cmdutil.CheckFailed(fmt.Sprintf("cluster check: %d of %d checks failed (%s)", failed, ran, strings.TrimSpace(took.String())))
	case errored > 0:
		fmt.Fprintf(w, "cluster check: could not run %d of %d checks\n", errored, ran)
		return cmdutil.SilentError
	}
	fmt.Fprintf(w, "cluster check: healthy, %s passed in %s\n", text.Count(ran, "check"), took)
	return nil
}
