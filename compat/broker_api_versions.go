package compat

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func brokerAPIVersionsScript() *Script {
	return &Script{
		Name:    "kafka-broker-api-versions.sh",
		Summary: "This tool helps to retrieve broker version information.",
		Native:  "kafkit cluster api-versions",
		Options: commonOptions(),
		Run:     brokerAPIVersionsRun,
	}
}

// brokerVersions is one broker's ApiVersions answer: key -> [min, max].
type brokerVersions struct {
	node string // host:port (id: 1 rack: null isFenced: false)
	keys map[int16][2]int16
	err  error
}

func brokerAPIVersionsRun(ctx context.Context, e *Env, p *Parsed) error {
	if !p.Has("bootstrap-server") {
		return usageError(e, "kafka-broker-api-versions.sh", "Missing required argument \"[bootstrap-server]\"")
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
	brokers, err := fetchBrokerVersions(ctx, adm)
	if err != nil {
		return err
	}
	failed := false
	for _, b := range brokers {
		if b.err != nil {
			failed = true
			fmt.Fprintf(e.IO.Out, "%s -> ERROR: %v\n", b.node, e.Explain(b.err))
			continue
		}
		fmt.Fprintf(e.IO.Out, "%s -> %s\n", b.node, apiVersionsText(b.keys))
	}
	if failed {
		return cmdutil.SilentError // Java exits 0 here
	}
	return nil
}

// fetchBrokerVersions asks every broker of the metadata for its API versions, sorted by id
// (the Java tool prints them in hash order).
func fetchBrokerVersions(ctx context.Context, adm *cmdutil.Admin) ([]brokerVersions, error) {
	meta, err := adm.BrokerMetadata(ctx)
	if err != nil {
		return nil, err
	}
	vs, err := adm.ApiVersions(ctx)
	if err != nil {
		return nil, err
	}
	var out []brokerVersions
	for _, b := range meta.Brokers {
		rack := "null"
		if b.Rack != nil {
			rack = *b.Rack
		}
		bv := brokerVersions{node: fmt.Sprintf("%s:%d (id: %d rack: %s isFenced: false)", b.Host, b.Port, b.NodeID, rack), keys: map[int16][2]int16{}}
		v, ok := vs[b.NodeID]
		switch {
		case !ok:
			bv.err = fmt.Errorf("no answer from broker %d", b.NodeID)
		case v.Err != nil:
			bv.err = v.Err
		default:
			v.EachKeySorted(func(k, lo, hi int16) { bv.keys[k] = [2]int16{lo, hi} })
		}
		out = append(out, bv)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].node < out[j].node })
	return out, nil
}

// apiVersionsText is NodeApiVersions.toString(true): every key the broker offers and every
// client API it does not, by key, with the usable version against the Java client's ranges.
func apiVersionsText(keys map[int16][2]int16) string {
	known := map[int16]javaAPI{}
	for _, a := range javaAPIs {
		known[a.key] = a
	}
	text := map[int16]string{}
	for k, r := range keys {
		text[k] = apiVersionText(k, r, known)
	}
	for _, a := range javaAPIs {
		if _, ok := text[a.key]; !ok && a.client {
			text[a.key] = fmt.Sprintf("%s(%d): UNSUPPORTED", a.name, a.key)
		}
	}
	order := make([]int, 0, len(text))
	for k := range text {
		order = append(order, int(k))
	}
	sort.Ints(order)
	lines := make([]string, len(order))
	for i, k := range order {
		lines[i] = text[int16(k)]
	}
	return "(\n\t" + strings.Join(lines, ",\n\t") + "\n)"
}

func apiVersionText(k int16, r [2]int16, known map[int16]javaAPI) string {
	rng := strconv.Itoa(int(r[0]))
	if r[0] != r[1] {
		rng += " to " + strconv.Itoa(int(r[1]))
	}
	a, ok := known[k]
	switch {
	case !ok:
		return fmt.Sprintf("UNKNOWN(%d): %s", k, rng)
	case a.latest < r[0]:
		return fmt.Sprintf("%s(%d): %s [unusable: node too new]", a.name, k, rng)
	case r[1] < a.oldest:
		return fmt.Sprintf("%s(%d): %s [unusable: node too old]", a.name, k, rng)
	}
	return fmt.Sprintf("%s(%d): %s [usable: %d]", a.name, k, rng, min(a.latest, r[1]))
}
