package compat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
)

func deleteRecordsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "offset-json-file", Arg: RequiredArg, Help: `{"partitions": [{"topic": "foo", "partition": 1, "offset": 1}], "version": 1}; offset -1 is the high watermark`},
	)
	return &Script{
		Name:    "kafka-delete-records.sh",
		Summary: "This tool helps to delete records of the given partitions down to the specified offset.",
		Native:  "kafkit topic trim",
		Options: opts,
		Run:     deleteRecordsRun,
	}
}

// recordsToDelete is one partition of the offset JSON file.
type recordsToDelete struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
}

// parseOffsetJSON is DeleteRecordsCommand's parser: version 1 (the default), a partitions list,
// each partition once.
func parseOffsetJSON(data []byte) ([]recordsToDelete, error) {
	var doc struct {
		Version    *int               `json:"version"`
		Partitions *[]recordsToDelete `json:"partitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("the offset JSON file is not valid JSON: %v", err)
	}
	if doc.Version != nil && *doc.Version != 1 {
		return nil, fmt.Errorf("Not supported version field value %d", *doc.Version)
	}
	if doc.Partitions == nil {
		return nil, errors.New("Missing partitions field")
	}
	seen, dups := map[string]bool{}, []string{}
	for _, p := range *doc.Partitions {
		k := fmt.Sprintf("%s-%d", p.Topic, p.Partition)
		if seen[k] {
			dups = append(dups, k)
		}
		seen[k] = true
	}
	if len(dups) > 0 {
		return nil, fmt.Errorf("Offset json file contains duplicate topic partitions: %s", strings.Join(dups, ","))
	}
	return *doc.Partitions, nil
}

func deleteRecordsRun(ctx context.Context, e *Env, p *Parsed) error {
	fail := func(err error) error {
		fmt.Fprintln(e.IO.ErrOut, err)
		return cmdutil.SilentError
	}
	path := p.Value("offset-json-file")
	if path == "" {
		return usageError(e, "kafka-delete-records.sh", `Missing required argument "[offset-json-file]"`)
	}
	data, err := config.ReadFile(path)
	if err != nil {
		return fail(err)
	}
	parts, err := parseOffsetJSON(data)
	if err != nil {
		return fail(err)
	}
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	offs := kadm.Offsets{}
	for _, pt := range parts {
		offs.Add(kadm.Offset{Topic: pt.Topic, Partition: pt.Partition, At: pt.Offset})
	}
	fmt.Fprintln(e.IO.Out, "Executing records delete operation")
	resp, err := adm.DeleteRecords(ctx, offs)
	if err != nil {
		return fail(e.Explain(err))
	}
	fmt.Fprintln(e.IO.Out, "Records delete operation completed:")
	var lines []string
	failed := false
	for _, pt := range parts {
		r, ok := resp.Lookup(pt.Topic, pt.Partition)
		switch {
		case !ok:
			failed = true
			lines = append(lines, fmt.Sprintf("partition: %s-%d\terror: no answer for this partition", pt.Topic, pt.Partition))
		case r.Err != nil:
			failed = true
			lines = append(lines, fmt.Sprintf("partition: %s-%d\terror: %s", pt.Topic, pt.Partition, javaDeleteError(r.Err)))
		default:
			lines = append(lines, fmt.Sprintf("partition: %s-%d\tlow_watermark: %d", pt.Topic, pt.Partition, r.LowWatermark))
		}
	}
	sort.Strings(lines) // Java prints them in hash order
	for _, l := range lines {
		fmt.Fprintln(e.IO.Out, l)
	}
	if failed {
		return cmdutil.SilentError
	}
	return nil
}
