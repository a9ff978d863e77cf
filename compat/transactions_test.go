package compat

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func TestJavaHashOrder(t *testing.T) {
	// Producer ids as a Kafka 4.1 broker listed them for one partition (HashMap by id).
	pids := []int64{1035, 2033, 3032}
	var hashes []int32
	for _, p := range pids {
		hashes = append(hashes, javaLongHash(p))
	}
	var got []int64
	for _, i := range javaHashOrder(hashes) {
		got = append(got, pids[i])
	}
	if fmt.Sprint(got) != "[2033 3032 1035]" {
		t.Errorf("order %v, want [2033 3032 1035]", got)
	}
	// String.hashCode and TopicPartition.hashCode as Java computes them.
	if h := javaStringHash("orders"); h != -1008770331 {
		t.Errorf(`"orders".hashCode() = %d, want -1008770331`, h)
	}
	if h := javaTopicPartitionHash("orders", 2); h != 31*(31+2)+(-1008770331) {
		t.Errorf("TopicPartition hash %d", h)
	}
}

func TestJavaPartitionSet(t *testing.T) {
	got := javaPartitionSet(kadm.TopicsSet{"a": {0: {}, 1: {}}, "b": {0: {}}})
	if len(got) != 3 || strings.Join(got, ",") == "" {
		t.Fatalf("got %v", got)
	}
	// Bucket order: recompute and check the list is sorted by bucket.
	prev := -1
	for _, s := range got {
		i := strings.LastIndex(s, "-")
		var p int32
		fmt.Sscan(s[i+1:], &p)
		h := uint32(javaTopicPartitionHash(s[:i], p))
		b := int((h ^ h>>16) & 15)
		if b < prev {
			t.Errorf("%v is not in bucket order", got)
		}
		prev = b
	}
}

func TestPrettyPrintTable(t *testing.T) {
	var b bytes.Buffer
	prettyPrintTable(&b, []string{"ProducerId", "Epoch"}, [][]string{{"1", "12345678"}})
	want := "ProducerId\tEpoch   \t\n1         \t12345678\t\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestTransactionsArguments(t *testing.T) {
	tests := []struct{ line, stderr string }{
		{"--bootstrap-server b", "error: too few arguments"},
		{"--bootstrap-server b lists", "invalid choice: 'lists'"},
		{"--bootstrap-server b describe", "argument --transactional-id is required"},
		{"--bootstrap-server b describe --transactional-id x --topic t", "unrecognized arguments: '--topic'"},
		{"--bootstrap-server b describe-producers --topic t", "argument --partition is required"},
		{"--bootstrap-server b describe-producers --topic t --partition x", `argument --partition: could not convert 'x' to Integer (For input string: "x")`},
		{"--bootstrap-server b list extra", "unrecognized arguments: 'extra'"},
		{"--bootstrap-server b forceTerminateTransaction", "argument --transactionalId is required"},
	}
	s := transactionsScript()
	for _, tt := range tests {
		p, err := Parse(s.Options, strings.Fields(tt.line))
		if err != nil {
			t.Fatalf("%q: %v", tt.line, err)
		}
		ios, _, out, errOut := cmdutil.Test()
		e := &Env{IO: ios, Context: func(ctx context.Context) (context.Context, context.CancelFunc, error) {
			return nil, nil, fmt.Errorf("%q: the arguments were accepted", tt.line)
		}}
		err = s.Run(context.Background(), e, p)
		if err != cmdutil.SilentError || !strings.Contains(errOut.String(), tt.stderr) || out.Len() > 0 {
			t.Errorf("%q: %v, stderr %q, want %q", tt.line, err, errOut.String(), tt.stderr)
		}
	}
}

func TestExpandTxnArgs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"--bootstrap b list --transactional-id-pat x.*", "--bootstrap-server b list --transactional-id-pattern x.*"},
		{"--boot=b describe-producers --top t --part 0", "--bootstrap-server=b describe-producers --topic t --partition 0"},
		{"--bootstrap-server b abort --topic list --partition 1 --start 4", "--bootstrap-server b abort --topic list --partition 1 --start-offset 4"},
		{"--bootstrap-server b find-hanging --max 0 --broker 1", "--bootstrap-server b find-hanging --max-transaction-timeout 0 --broker-id 1"},
		{"--bootstrap-server b abort --topic t --partition 0 --p 1", "error: ambiguous option: --p could match --partition, --producer-epoch, --producer-id"},
		{"--bootstrap-server b list --nosuch", "--bootstrap-server b list --nosuch"},
	}
	for _, tt := range tests {
		got, err := expandTxnArgs(strings.Fields(tt.in))
		s := strings.Join(got, " ")
		if err != nil {
			s = "error: " + strings.SplitN(err.Error(), "error: ", 2)[1]
		}
		if s != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.in, s, tt.want)
		}
	}
}
