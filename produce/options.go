package produce

import (
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/offsetspec"
	"github.com/kafkit/kafkit/internal/text"
)

// completeOptions validates the flags and fills the parsed values; every error is a usage
// error (exit 2) found before anything is sent.
func completeOptions(o *produceOptions, raw rawFlags) error {
	for _, check := range []func(*produceOptions) error{
		checkChoices, completeKeySeparator, checkInputFlags, checkDelivery,
	} {
		if err := check(o); err != nil {
			return err
		}
	}
	if err := completeHeaders(o, raw.headers); err != nil {
		return err
	}
	o.Partition = -1
	if raw.partitionSet {
		if raw.partition < 0 {
			return cmdutil.UsageErrorf("bad -p/--partition %d: partitions are numbered from 0", raw.partition)
		}
		o.Partition = raw.partition
	}
	o.Timestamp = -1
	if raw.timestamp != "" {
		ms, err := offsetspec.ParseTime(raw.timestamp, o.Now())
		if err != nil {
			return cmdutil.UsageErrorf("bad --timestamp: %v", err)
		}
		o.Timestamp = ms
	}
	return nil
}

// checkChoices checks the flags that take one of a fixed set of values.
func checkChoices(o *produceOptions) error {
	if !oneOf(o.Input, inputFormats) {
		return cmdutil.UsageErrorf("unknown --input %q: use one of %s", o.Input, strings.Join(inputFormats, ", "))
	}
	if o.Acks == "-1" {
		o.Acks = "all"
	}
	if !oneOf(o.Acks, acksValues) {
		return cmdutil.UsageErrorf("unknown --acks %q: use all, 1 or 0", o.Acks)
	}
	if !oneOf(o.Compression, codecs) {
		return cmdutil.UsageErrorf("unknown --compression %q: use one of %s", o.Compression, strings.Join(codecs, ", "))
	}
	return nil
}

// completeKeySeparator checks -K and turns its escapes (\t, \x01 ...) into the characters, as
// consume --separator does: one escape parser for both, a bad escape is a usage error.
func completeKeySeparator(o *produceOptions) error {
	if !o.KeySepSet {
		if o.AllowMissingKey {
			return cmdutil.UsageErrorf("--allow-missing-key needs -K/--key-separator")
		}
		return nil
	}
	switch {
	case o.Input != "lines":
		return cmdutil.UsageErrorf("-K/--key-separator applies to --input lines only")
	case o.KeySeparator == "":
		return cmdutil.UsageErrorf("-K/--key-separator cannot be empty")
	case o.KeySet:
		return cmdutil.UsageErrorf("-k/--key and -K/--key-separator cannot be used together: the key is either fixed or in the line")
	}
	sep, err := text.Unescape(o.KeySeparator)
	if err != nil {
		return cmdutil.UsageErrorf("bad -K/--key-separator: %v", err)
	}
	if strings.Contains(sep, "\n") {
		return cmdutil.UsageErrorf("-K/--key-separator cannot contain a newline")
	}
	o.KeySeparator = sep
	return nil
}

// checkInputFlags checks the flags that apply to some input formats only.
func checkInputFlags(o *produceOptions) error {
	if o.NullMarkerSet && o.Input != "lines" {
		return cmdutil.UsageErrorf("--null-marker applies to --input lines only (JSON has null)")
	}
	if o.SkipEmpty && o.Input == "raw" {
		return cmdutil.UsageErrorf("--skip-empty does not apply to --input raw")
	}
	return nil
}

// checkDelivery checks the batching and timeout flags.
func checkDelivery(o *produceOptions) error {
	if o.Linger < 0 {
		return cmdutil.UsageErrorf("--linger cannot be negative")
	}
	if o.DeliveryTimeout < 0 {
		return cmdutil.UsageErrorf("--delivery-timeout cannot be negative (0 means no limit)")
	}
	if o.BatchMaxBytes != 0 && (o.BatchMaxBytes < 512 || o.BatchMaxBytes > 1<<30) {
		return cmdutil.UsageErrorf("--batch-max-bytes must be between 512 and %d", 1<<30)
	}
	if o.MaxRecordBytes < 0 || o.MaxRecordBytes > 1<<30 {
		return cmdutil.UsageErrorf("--max-record-bytes must be between 1 and %d", 1<<30)
	}
	return nil
}

func completeHeaders(o *produceOptions, headers []string) error {
	for _, h := range headers {
		k, v, ok := strings.Cut(h, "=")
		if !ok || k == "" {
			return cmdutil.UsageErrorf("bad -H/--header %q: use key=value", h)
		}
		o.Headers = append(o.Headers, header{key: k, value: []byte(v)})
	}
	return nil
}

func oneOf(s string, allowed []string) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	return false
}

func stdinOnly(files []string) bool {
	for _, f := range files {
		if f != "-" {
			return false
		}
	}
	return true
}

// acks maps --acks to kgo.
func acks(s string) kgo.Acks {
	switch s {
	case "0":
		return kgo.NoAck()
	case "1":
		return kgo.LeaderAck()
	}
	return kgo.AllISRAcks()
}

// codec maps --compression to kgo.
func codec(s string) kgo.CompressionCodec {
	switch s {
	case "gzip":
		return kgo.GzipCompression()
	case "snappy":
		return kgo.SnappyCompression()
	case "lz4":
		return kgo.Lz4Compression()
	case "zstd":
		return kgo.ZstdCompression()
	}
	return kgo.NoCompression()
}
