package compat

import (
	"strings"
	"testing"
)

func TestProducerPerfArgs(t *testing.T) {
	s := producerPerfScript()
	p, err := Parse(s.Options, strings.Fields("--topic t --num-records 1000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=h:9092 acks=1 linger.ms=0 buffer.memory=1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Prepare(p); err != nil {
		t.Fatal(err)
	}
	if p.Value("bootstrap-server") != "h:9092" {
		t.Errorf("bootstrap %q", p.Value("bootstrap-server"))
	}
	args, warnings, err := producerPerfArgs(p)
	want := "perf produce t --java-output --records 1000 --rate 0 --record-size 100 --acks 1 --linger 0ms --batch-size 16384"
	if err != nil || strings.Join(args, " ") != want {
		t.Errorf("args %q %v\nwant %q", strings.Join(args, " "), err, want)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "buffer.memory is ignored") {
		t.Errorf("warnings %v", warnings)
	}
	for _, bad := range []string{
		"--topic t --num-records 1 --throughput 1",                                  // no payload
		"--topic t --num-records 1 --throughput 1 --record-size 1 --payload-file f", // both
		"--topic t --num-records x --throughput 1 --record-size 1",                  // not a number
		"--num-records 1 --throughput 1 --record-size 1",                            // no topic
	} {
		p, _ := Parse(s.Options, strings.Fields(bad))
		if _, _, err := producerPerfArgs(p); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	p, _ = Parse(s.Options, strings.Fields("--topic t --producer-props sasl.jaas.config=secret"))
	if err := s.Prepare(p); err == nil || !strings.Contains(err.Error(), "carries a secret") {
		t.Errorf("secret prop: %v", err)
	}
}

func FuzzPerfProps(f *testing.F) {
	for _, s := range []string{"acks=all", "bootstrap.servers=a:1,b:2", "x", "sasl.jaas.config=a=b", "=", "linger.ms=5=6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, kv string) {
		props, err := perfProps([]string{kv})
		if err != nil {
			return
		}
		k, v, _ := strings.Cut(kv, "=")
		if props[k] != v || secretProps[k] {
			t.Errorf("%q -> %v", kv, props)
		}
	})
}
