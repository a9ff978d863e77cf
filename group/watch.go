package group

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/output"
)

// watchRun redraws the lag every opts.Watch until Ctrl-C (exit 0). A failed snapshot is reported
// on stderr and the watch goes on: a broker restart should not end it.
func watchRun(ctx context.Context, opts *lagOptions) error {
	ctx, cancel, err := opts.StreamContext(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	var prev []LagRow
	var prevAt time.Time
	for {
		rows, notFound, err := lagSnapshot(ctx, opts)
		at := opts.Now()
		if ctx.Err() != nil {
			if interrupted(ctx) {
				return nil
			}
			return context.Cause(ctx)
		}
		if err != nil {
			fmt.Fprintf(opts.IO.ErrOut, "error: %v (retrying in %s)\n", err, opts.Watch)
		} else {
			for _, n := range notFound {
				fmt.Fprintf(opts.IO.ErrOut, "warning: group %q not found\n", n)
			}
			frame, ferr := watchFrame(prev, rows, prevAt, at, opts.Watch, opts.IO.OutTTY, opts.Printer, opts.Partitions)
			if ferr != nil {
				return ferr
			}
			if _, werr := opts.IO.Out.Write(frame); werr != nil {
				return werr
			}
			prev, prevAt = rows, at
		}
		select {
		case <-ctx.Done():
			if interrupted(ctx) {
				return nil
			}
			return context.Cause(ctx)
		case <-time.After(opts.Watch):
		}
	}
}

// withRates returns cur with the consume and produce rates (records/s, from the commits and the
// log end offsets of the previous snapshot dt earlier) and the catch-up estimate filled in.
// Rows absent from prev, and a first snapshot, have no rates.
func withRates(prev, cur []LagRow, dt time.Duration) []LagRow {
	type key struct{ g, t string }
	before := map[key]LagRow{}
	for _, r := range prev {
		before[key{r.Group, r.Topic}] = r
	}
	out := make([]LagRow, len(cur))
	for i, r := range cur {
		out[i] = r
		p, ok := before[key{r.Group, r.Topic}]
		if !ok || !p.sums || !r.sums || dt <= 0 {
			continue
		}
		secs := dt.Seconds()
		c := float64(r.committedSum-p.committedSum) / secs
		if c < 0 {
			c = 0 // offsets were reset backwards: not consumption
		}
		pr := float64(r.endSum-p.endSum) / secs
		if pr < 0 {
			pr = 0
		}
		out[i].ConsumeRate, out[i].ProduceRate = &c, &pr
		out[i].CatchUp = catchUp(r.TotalLag, c, pr)
	}
	return out
}

// catchUp estimates the time to reach the end at the current rates: "stalled" when nothing
// moves, "falling behind" when records arrive at least as fast as they are consumed.
func catchUp(lag int64, consume, produce float64) string {
	if lag == 0 {
		return "caught up"
	}
	if consume == 0 && produce == 0 {
		return "stalled"
	}
	net := consume - produce
	if net <= 0 {
		return "falling behind"
	}
	ms := int64(float64(lag) / net * 1000)
	return "~" + formatAge(&ms)
}

// watchFrame renders one watch snapshot: on a terminal the screen is cleared first so the table
// redraws in place; otherwise snapshots are appended, each under a time line. JSON and YAML
// print one document per snapshot.
func watchFrame(prev, cur []LagRow, prevAt, at time.Time, every time.Duration, tty bool, p output.Printer, partitions bool) ([]byte, error) {
	rows := withRates(prev, cur, at.Sub(prevAt))
	var b bytes.Buffer
	if p.IsStructured() {
		err := p.Print(&b, rows, nil)
		return b.Bytes(), err
	}
	if tty {
		b.WriteString("\033[H\033[2J")
	} else if prev != nil {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%s  every %s", at.UTC().Format(time.RFC3339), every)
	if tty {
		b.WriteString("  (Ctrl-C to stop)")
	}
	b.WriteString("\n")
	err := p.Print(&b, rows, func(t *output.Text) error { return writeLag(t, rows, partitions, true) })
	return b.Bytes(), err
}

// interrupted reports whether ctx ended because the user pressed Ctrl-C (or sent SIGTERM).
func interrupted(ctx context.Context) bool {
	var intr cmdutil.Interrupted
	return errors.As(context.Cause(ctx), &intr)
}
