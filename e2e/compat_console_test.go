//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// compatRecords creates a 1-partition topic holding records with keys, a null key, a null
// value, headers and fixed timestamps, so both consumers print the same bytes.
func compatRecords(t *testing.T, topic string) {
	t.Helper()
	compatTopic(1, 1, nil)(t, topic)
	cl := Client(t)
	ts := time.Now().Add(-time.Minute).Truncate(time.Millisecond) // recent: older records fall to retention.ms
	recs := []*kgo.Record{
		{Topic: topic, Key: []byte("k1"), Value: []byte("v1"), Timestamp: ts},
		{Topic: topic, Key: []byte("k2"), Value: []byte("v2 with spaces"), Timestamp: ts.Add(time.Second), Headers: []kgo.RecordHeader{{Key: "h1", Value: []byte("x")}, {Key: "h2", Value: []byte("y")}}},
		{Topic: topic, Value: []byte("no key"), Timestamp: ts.Add(2 * time.Second)},
		{Topic: topic, Key: []byte("k4"), Value: nil, Timestamp: ts.Add(3 * time.Second)},
	}
	if err := cl.ProduceSync(t.Context(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// compatReadBack reads every record of topic: "partition|key|value|headers" lines, sorted.
func compatReadBack(t *testing.T, topic string) string {
	t.Helper()
	cl := Client(t, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(200*time.Millisecond))
	var lines []string
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
		fs := cl.PollRecords(ctx, 100)
		cancel()
		fs.EachRecord(func(r *kgo.Record) {
			var hs []string
			for _, h := range r.Headers {
				hs = append(hs, h.Key+"="+string(h.Value))
			}
			key := "<null>"
			if r.Key != nil {
				key = string(r.Key)
			}
			lines = append(lines, fmt.Sprintf("%d|%s|%s|%s", r.Partition, key, r.Value, strings.Join(hs, ",")))
		})
		if len(lines) > 0 && fs.NumRecords() == 0 {
			break
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestCompatConsole(t *testing.T) {
	dir := compatLink(t)
	const cc, cp = "kafka-console-consumer.sh", "kafka-console-producer.sh"
	cases := []compatCase{
		{name: "consume-values", script: cc, args: "--bootstrap-server {B} --topic {T} --from-beginning --max-messages 4 --timeout-ms 20000", setup: compatRecords},
		{name: "consume-seed-key-dash", script: cc, args: "--bootstrap-server {B} --topic {T} --property print.key=true --property key.separator=- --from-beginning --max-messages 4 --timeout-ms 20000", setup: compatRecords},
		{name: "consume-all-fields", script: cc, args: "--bootstrap-server {B} --topic {T} --from-beginning --max-messages 4 --property print.timestamp=true --property print.partition=true --property print.offset=true --property print.headers=true --property print.key=true", setup: compatRecords},
		{name: "consume-key-false", script: cc, args: "--bootstrap-server {B} --topic {T} --from-beginning --max-messages 2 --property print.key=false --property print.offset=true", setup: compatRecords},
		{name: "consume-partition-offset", script: cc, args: "--bootstrap-server {B} --topic {T} --partition 0 --offset 2 --max-messages 2 --property print.offset=true", setup: compatRecords},
		{name: "consume-partition-earliest", script: cc, args: "--bootstrap-server {B} --topic {T} --partition 0 --offset earliest --max-messages 1 --timeout-ms 20000", setup: compatRecords},
		{name: "consume-include", script: cc, args: "--bootstrap-server {B} --include {R} --from-beginning --max-messages 4 --timeout-ms 20000", setup: compatRecords},
		{name: "consume-group", script: cc, args: "--bootstrap-server {B} --topic {T} --group {T}-g --from-beginning --max-messages 4 --timeout-ms 20000", setup: compatRecords, mutates: true}, // a group of its own per tool
		{name: "consume-consumer-config", script: cc, args: "--bootstrap-server {B} --topic {T} --from-beginning --max-messages 1 --consumer-property auto.offset.reset=earliest", setup: compatRecords},
		{name: "consume-read-committed", script: cc, args: "--bootstrap-server {B} --topic {T} --from-beginning --max-messages 4 --isolation-level read_committed", setup: compatRecords},
		{name: "consume-formatter", script: cc, args: "--bootstrap-server {B} --topic {T} --from-beginning --max-messages 1 --formatter org.apache.kafka.tools.consumer.DefaultMessageFormatter", setup: compatRecords},
		{name: "produce-lines", script: cp, args: "--bootstrap-server {B} --topic {T}", stdin: "a\nb\nc\n", setup: compatTopic(1, 2, nil), mutates: true, state: compatReadBack},
		{name: "produce-keys-seed", script: cp, args: "--bootstrap-server {B} --topic {T} --property parse.key=true --property key.separator=:", stdin: "k1:v1\nk2:v2\nk3:v:3\n", setup: compatTopic(6, 2, nil), mutates: true, state: compatReadBack},
		{name: "produce-acks-compression", script: cp, args: "--bootstrap-server {B} --topic {T} --producer-property acks=1 --compression-codec lz4 --sync", stdin: "x\ny\n", setup: compatTopic(1, 1, nil), mutates: true, state: compatReadBack},
		{name: "produce-null-marker", script: cp, args: "--bootstrap-server {B} --topic {T} --property parse.key=true --property key.separator=, --property null.marker=NULL", stdin: "NULL,v\nk,NULL\n", setup: compatTopic(1, 1, nil), mutates: true, state: compatReadBack},
		{name: "produce-missing-separator", script: cp, args: "--bootstrap-server {B} --topic {T} --property parse.key=true", stdin: "no separator here\n", setup: compatTopic(1, 1, nil), mutates: true, state: compatReadBack},
		{name: "produce-ignore-error", script: cp, args: "--bootstrap-server {B} --topic {T} --property parse.key=true --property ignore.error=true --property key.separator=,", stdin: "k,v\nonlyvalue\n", setup: compatTopic(1, 1, nil), mutates: true, state: compatReadBack},
		{name: "produce-request-required-acks", script: cp, args: "--bootstrap-server {B} --topic {T} --request-required-acks -1", stdin: "one\n", setup: compatTopic(1, 1, nil), mutates: true, state: compatReadBack},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runCompatCase(t, dir, c) })
	}
}
