package group

import (
	"context"
	"time"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// SeekRequest is a `kafkit group seek` command line for callers in other packages (the compat
// layer's kafka-consumer-groups.sh --reset-offsets): the same engine, without the printer.
type SeekRequest struct {
	Group     string
	To        string   // a --to spec (start, end, N, +N, -N, @TIME, @-DURATION)
	CSV       []byte   // instead of To: the --to-file content (topic,partition,offset lines)
	Topics    []string // --topic T or T:P,P
	AllTopics bool
	Execute   bool
}

// Seek plans, and with Execute applies, what `kafkit group seek` would, and returns the result
// without printing anything. Bad requests are usage errors; a partition that cannot be moved
// has its Error in its row; a group with active members is never changed (Applied stays false).
func Seek(ctx context.Context, adm *cmdutil.Admin, r SeekRequest, now time.Time) (SeekResult, error) {
	opts := &seekOptions{Group: r.Group, AllTopics: r.AllTopics, Execute: r.Execute}
	toFile, read := "", func(string) ([]byte, error) { return r.CSV, nil }
	if r.CSV != nil {
		toFile = "CSV"
	}
	if err := seekValidate(opts, r.To, toFile, r.Topics, false, now, read); err != nil {
		return SeekResult{}, err
	}
	res, _, err := planAndApply(ctx, adm, opts)
	return res, err
}

// planAndApply is the engine of seek: fetch, plan and, with --execute and nothing in the way,
// commit.
func planAndApply(ctx context.Context, adm *cmdutil.Admin, opts *seekOptions) (SeekResult, *seekState, error) {
	st, err := fetchSeekState(ctx, adm, opts)
	if err != nil {
		return SeekResult{}, nil, err
	}
	res := SeekResult{Group: opts.Group, State: st.State, Members: st.Members, Plan: planSeek(opts, st)}
	if opts.Execute && st.Members == 0 && planErrors(res.Plan) == 0 {
		execute := executeSeek
		if st.Type == "share" {
			execute = executeShareSeek // the share-partition start offsets (seek_share.go)
		}
		if err := execute(ctx, adm, opts.Group, &res); err != nil {
			return res, st, err
		}
		res.Applied = true
	}
	return res, st, nil
}
