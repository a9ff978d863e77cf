package compat

import (
	"reflect"
	"strings"
	"testing"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func TestConsumeArgs(t *testing.T) {
	tests := []struct {
		line string
		want string
		err  string
	}{
		{line: "--topic t --from-beginning", want: "consume t -o start"},
		{line: "--topic t --property print.key=true --property key.separator=- --from-beginning", want: "consume t -o start --print key --separator -"},
		{line: `--topic t --property print.key=true --property key.separator=\t`, want: `consume t --print key --separator \\t`},
		{line: "--topic t --partition 0 --offset 42 --max-messages 10", want: "consume t -p 0 -o 42 -n 10"},
		{line: "--topic t --partition 1 --offset earliest", want: "consume t -p 1 -o start"},
		{line: "--include a.*,b --timeout-ms 5000 --group g", want: "consume a.*|b --regex --idle-timeout 5000ms -g g"},
		{line: "--topic t --isolation-level read_committed --consumer-property auto.offset.reset=earliest", want: "consume t --isolation read_committed -o start"},
		{line: "--topic t --property print.timestamp=true --property print.offset=true --property print.offset=false", want: "consume t --print timestamp"},
		{line: "--topic t --offset 5", err: "the partition is required"},
		{line: "--topic t --include x", err: "exactly one of --topic or --include"},
		{line: "--topic t --property print.value=false --property print.key=true", want: "consume t --print key --no-value"},
		{line: "--topic t --property line.separator=; --property null.literal=NULL --property headers.separator=|", want: "consume t --print value --headers-separator | --line-separator ; --null-literal NULL"},
		{line: "--topic t --property print.epoch=false --property print.headers=true", want: "consume t --print headers"},
		{line: "--topic t --property print.epoch=true", err: "Epoch:NOT_PRESENT"},
		{line: "--topic t --formatter org.apache.kafka.tools.consumer.NoOpMessageFormatter", want: "consume t --print value --no-value"},
		{line: "--topic t --formatter kafka.tools.LoggingMessageFormatter", want: "consume t"},
		{line: "--topic t --formatter org.apache.kafka.tools.consumer.OffsetsMessageFormatter", err: "internal topics"},
		{line: "--topic t --formatter com.example.Mine", err: "not supported by kafkit"},
		{line: "--topic t --property print.delivery=true", err: "Delivery:NOT_PRESENT"},
		{line: "--topic t --property bogus=1", err: `unknown formatter property "bogus"`},
		{line: "--topic t --consumer-property security.protocol=SSL", err: "put security settings"},
		{line: "--topic t --value-deserializer org.apache.kafka.common.serialization.LongDeserializer", err: "deserializer"},
	}
	s := consoleConsumerScript()
	for _, tt := range tests {
		p, err := Parse(s.Options, strings.Fields(tt.line))
		if err != nil {
			t.Fatalf("%q: %v", tt.line, err)
		}
		args, _, err := consumeArgs(p)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !cmdutil.IsUsage(err) {
				t.Errorf("%q: error %v, want usage error %q", tt.line, err, tt.err)
			}
			continue
		}
		if err != nil || strings.Join(args, " ") != tt.want {
			t.Errorf("%q:\n got %q %v\nwant %q", tt.line, strings.Join(args, " "), err, tt.want)
		}
	}
}

func TestConsumerPropertiesWarnsOnTuning(t *testing.T) {
	_, warnings, err := consumerProperties([]string{"fetch.min.bytes=1", "group.id=g"})
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "fetch.min.bytes is ignored") {
		t.Fatalf("got %v %v", warnings, err)
	}
}

func TestProduceArgs(t *testing.T) {
	tests := []struct {
		line string
		want string
		err  string
	}{
		{line: "--topic t", want: "produce t --quiet"},
		{line: "--topic t --property parse.key=true --property key.separator=:", want: "produce t --quiet -K :"},
		{line: "--topic t --property parse.key=true", want: "produce t --quiet -K \t"},
		{line: "--topic t --property parse.key=true --property ignore.error=true --property null.marker=NULL", want: "produce t --quiet -K \t --allow-missing-key --null-marker NULL"},
		{line: "--topic t --compression-codec --sync", want: "produce t --quiet --compression gzip --linger 0s"},
		{line: "--topic t --compression-codec lz4 --request-required-acks -1 --timeout 50", want: "produce t --quiet --compression lz4 --acks all --linger 50ms"},
		{line: "--topic t --producer-property acks=1 --producer-property compression.type=zstd", want: "produce t --quiet --acks 1 --compression zstd"},
		{line: "--property parse.key=true", err: `Missing required argument "[topic]"`},
		{line: "--topic t --line-reader my.Reader", err: "--line-reader my.Reader is not supported"},
		{line: "--topic t --producer-property sasl.mechanism=PLAIN", err: "put security settings"},
	}
	s := consoleProducerScript()
	for _, tt := range tests {
		p, err := Parse(s.Options, strings.Fields(tt.line))
		if err != nil {
			t.Fatalf("%q: %v", tt.line, err)
		}
		reader, err := readerProperties(p)
		if err != nil {
			t.Fatal(err)
		}
		args, _, err := produceArgs(p, reader)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.line, err, tt.err)
			}
			continue
		}
		if err != nil || strings.Join(args, " ") != tt.want {
			t.Errorf("%q:\n got %q %v\nwant %q", tt.line, strings.Join(args, " "), err, tt.want)
		}
	}
}

func TestProducerTuningIsWarned(t *testing.T) {
	s := consoleProducerScript()
	p, _ := Parse(s.Options, []string{"--topic", "t", "--max-block-ms", "100"})
	_, warnings, err := produceArgs(p, map[string]string{})
	if err != nil || !reflect.DeepEqual(warnings, []string{"--max-block-ms is ignored (kafkit tunes its producer itself)"}) {
		t.Fatalf("got %v %v", warnings, err)
	}
}

func TestCoverage(t *testing.T) {
	rows := coverage(scripts(), "kafka-topics.sh")
	var unsupported []string
	for _, r := range rows {
		if r.Script != "kafka-topics.sh" {
			t.Fatalf("row of another script: %+v", r)
		}
		if r.Status == "unsupported" {
			unsupported = append(unsupported, r.Option)
		}
	}
	if !reflect.DeepEqual(unsupported, []string{"delete-config"}) {
		t.Fatalf("unsupported: %v", unsupported)
	}
}
