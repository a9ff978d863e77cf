package compat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func logDirsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "describe", Help: "describe the log directories of the brokers"},
		Option{Name: "broker-list", Arg: RequiredArg, Help: `brokers to ask, "0,1,2" (default: all)`},
		Option{Name: "topic-list", Arg: RequiredArg, Help: `topics to show, "t1,t2" (default: all)`},
	)
	return &Script{
		Name:    "kafka-log-dirs.sh",
		Summary: "This tool helps to query log directory usage on the specified brokers.",
		Native:  "kafkit broker log-dirs",
		Options: opts,
		Run:     logDirsRun,
	}
}

func splitCommas(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

func logDirsRun(ctx context.Context, e *Env, p *Parsed) error {
	fail := func(err error) error {
		fmt.Fprintln(e.IO.ErrOut, err)
		return cmdutil.SilentError
	}
	for _, req := range []string{"bootstrap-server", "describe"} {
		if !p.Has(req) {
			return usageError(e, "kafka-log-dirs.sh", fmt.Sprintf(`Missing required argument "[%s]"`, req))
		}
	}
	var want []int32
	for _, b := range splitCommas(p.Value("broker-list")) {
		n, err := strconv.ParseInt(b, 10, 32)
		if err != nil {
			return fail(fmt.Errorf("For input string: %q", b))
		}
		want = append(want, int32(n))
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
	meta, err := adm.BrokerMetadata(ctx)
	if err != nil {
		return fail(e.Explain(err))
	}
	brokers, err := logDirsBrokers(meta.Brokers, want)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintln(e.IO.Out, "Querying brokers for log directories information")
	resps := map[int32]*kmsg.DescribeLogDirsResponse{}
	for _, b := range brokers {
		kr, err := adm.Kgo().Broker(int(b)).RetriableRequest(ctx, kmsg.NewPtrDescribeLogDirsRequest())
		if err != nil {
			return fail(e.Explain(err))
		}
		resp := kr.(*kmsg.DescribeLogDirsResponse)
		if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
			return fail(errors.New(javaAdminException(err, "")))
		}
		resps[b] = resp
	}
	fmt.Fprintf(e.IO.Out, "Received log directory information from brokers %s\n", joinIDs(brokers))
	out, err := logDirsJSON(brokers, resps, splitCommas(p.Value("topic-list")))
	if err != nil {
		return err
	}
	fmt.Fprintln(e.IO.Out, out)
	return nil
}

// logDirsBrokers is the brokers to ask, in HashSet order; unknown ones are LogDirsCommand's
// TerseException.
func logDirsBrokers(cluster []kgo.BrokerMetadata, want []int32) ([]int32, error) {
	known := map[int32]bool{}
	var all []int32
	for _, b := range cluster {
		known[b.NodeID] = true
		all = append(all, b.NodeID)
	}
	all = intHashOrder(all)
	if len(want) == 0 {
		return all, nil
	}
	var ok, missing []int32
	for _, b := range want {
		if known[b] {
			ok = append(ok, b)
		} else {
			missing = append(missing, b)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("ERROR: The given brokers do not exist from --broker-list: %s. Current existent brokers: %s", joinIDs(intHashOrder(missing)), joinIDs(all))
	}
	return intHashOrder(ok), nil
}

// intHashOrder is a HashSet<Integer>'s iteration order (duplicates dropped).
func intHashOrder(ids []int32) []int32 {
	seen := map[int32]bool{}
	var uniq []int32
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	sort.Slice(uniq, func(i, j int) bool { return uniq[i] < uniq[j] })
	out := make([]int32, 0, len(uniq))
	for _, i := range javaHashOrder(uniq) {
		out = append(out, uniq[i])
	}
	return out
}

// logDirsJSON renders the tool's one JSON line with Jackson's output for its HashMaps: key
// orders as the Java tool prints them, directories and partitions in HashMap order.
func logDirsJSON(brokers []int32, resps map[int32]*kmsg.DescribeLogDirsResponse, topics []string) (string, error) {
	keep := map[string]bool{}
	for _, t := range topics {
		keep[t] = true
	}
	var b strings.Builder
	b.WriteString(`{"brokers":[`)
	for i, id := range brokers {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"broker":%d,"logDirs":[`, id)
		dirs := resps[id].Dirs
		hs := make([]int32, len(dirs))
		for j, d := range dirs {
			hs[j] = javaStringHash(d.Dir)
		}
		for j, k := range javaHashOrder(hs) {
			if j > 0 {
				b.WriteByte(',')
			}
			if err := writeLogDir(&b, dirs[k], keep); err != nil {
				return "", err
			}
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`],"version":1}`)
	return b.String(), nil
}

type logDirReplica struct {
	tp     topicPartition
	size   int64
	lag    int64
	future bool
}

func writeLogDir(b *strings.Builder, d kmsg.DescribeLogDirsResponseDir, keep map[string]bool) error {
	var all []logDirReplica
	for _, t := range d.Topics {
		for _, p := range t.Partitions {
			all = append(all, logDirReplica{topicPartition{t.Topic, p.Partition}, p.Size, p.OffsetLag, p.IsFuture})
		}
	}
	// The admin client fills a HashMap in answer order; the tool copies its filtered entries
	// into a new one in the first one's iteration order.
	var kept []logDirReplica
	for _, i := range javaHashOrder(replicaHashes(all)) {
		if len(keep) == 0 || keep[all[i].tp.Topic] {
			kept = append(kept, all[i])
		}
	}
	b.WriteString(`{"partitions":[`)
	for j, i := range javaHashOrder(replicaHashes(kept)) {
		r := kept[i]
		if j > 0 {
			b.WriteByte(',')
		}
		name, err := json.Marshal(r.tp.String())
		if err != nil {
			return err
		}
		fmt.Fprintf(b, `{"partition":%s,"size":%d,"offsetLag":%d,"isFuture":%t}`, name, r.size, r.lag, r.future)
	}
	errText := "null"
	if err := kerr.ErrorForCode(d.ErrorCode); err != nil {
		errText = `"` + javaErrorClass(err) + `"`
	}
	dir, err := json.Marshal(d.Dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(b, `],"error":%s,"logDir":%s}`, errText, dir)
	return nil
}

func replicaHashes(rs []logDirReplica) []int32 {
	hs := make([]int32, len(rs))
	for i, r := range rs {
		hs[i] = javaTopicPartitionHash(r.tp.Topic, r.tp.Partition)
	}
	return hs
}

// javaErrorClass is the class name of the exception for a Kafka error (KafkaStorageException).
func javaErrorClass(err error) string {
	if c, _, ok := strings.Cut(javaAdminException(err, "x"), ": "); ok && strings.HasPrefix(c, "org.apache.kafka") {
		return c
	}
	return "org.apache.kafka.common.errors.ApiException"
}
