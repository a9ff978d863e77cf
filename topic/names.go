package topic

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// maxTopicNameLen is Kafka's limit (249: the name plus a partition suffix must fit a file name).
const maxTopicNameLen = 249

// validateTopicName applies Kafka's rules for a topic name (Topic.validate in Kafka): ASCII
// letters, digits, '.', '_' and '-', 1 to 249 characters, and not "." or "..". The error says
// what is wrong and is meant to be shown as is.
func validateTopicName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("topic name is empty")
	case name == "." || name == "..":
		return fmt.Errorf("topic name %q is not allowed", name)
	case len(name) > maxTopicNameLen:
		return fmt.Errorf("topic name %q is %d characters long; the limit is %d", name[:20]+"...", len(name), maxTopicNameLen)
	}
	for i, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("topic name %q has an illegal character %q at position %d: use only a-z, A-Z, 0-9, '.', '_' and '-'", name, r, i+1)
		}
	}
	return nil
}

// mixesDotUnderscore reports whether name has both '.' and '_', which Kafka's metric names
// cannot tell apart.
func mixesDotUnderscore(name string) bool {
	return strings.Contains(name, ".") && strings.Contains(name, "_")
}

// collisionKey is the name as Kafka's metrics see it: '.' replaced by '_'. Two topics with the
// same key cannot both exist.
func collisionKey(name string) string { return strings.ReplaceAll(name, ".", "_") }

// collisions returns, for each name, an existing topic (other than itself) it collides with.
func collisions(names []string, existing []string) map[string]string {
	byKey := map[string]string{}
	for _, e := range existing {
		byKey[collisionKey(e)] = e
	}
	out := map[string]string{}
	for _, n := range names {
		if e, ok := byKey[collisionKey(n)]; ok && e != n {
			out[n] = e
		}
	}
	return out
}

// compileTopicRegex is cmdutil.NameRegex: patterns match whole topic names, as kafka-topics.
var compileTopicRegex = cmdutil.NameRegex

// matchNames returns the names matching re, sorted.
func matchNames(re *regexp.Regexp, names []string) []string {
	var out []string
	for _, n := range names {
		if re.MatchString(n) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// parseConfigPairs parses repeated k=v flags into a map. Keys must be non-empty; the value may
// be empty and may contain '='. A key given twice is an error (which one would win is a guess).
func parseConfigPairs(pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("bad config %q: use key=value, e.g. retention.ms=86400000", p)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("config %q given twice", k)
		}
		out[k] = v
	}
	return out, nil
}

// knownTopicConfigs are the topic-level configs of Apache Kafka 4.x. A key outside this set is
// checked against what the broker describes before it is refused, so newer brokers and vendor
// keys still work.
var knownTopicConfigs = map[string]bool{
	"cleanup.policy": true, "compression.type": true, "compression.gzip.level": true,
	"compression.lz4.level": true, "compression.zstd.level": true, "delete.retention.ms": true,
	"file.delete.delay.ms": true, "flush.messages": true, "flush.ms": true,
	"follower.replication.throttled.replicas": true, "index.interval.bytes": true,
	"leader.replication.throttled.replicas": true, "local.retention.bytes": true,
	"local.retention.ms": true, "max.compaction.lag.ms": true, "max.message.bytes": true,
	"message.timestamp.after.max.ms": true, "message.timestamp.before.max.ms": true,
	"message.timestamp.type": true, "min.cleanable.dirty.ratio": true,
	"min.compaction.lag.ms": true, "min.insync.replicas": true, "preallocate": true,
	"remote.storage.enable": true, "remote.log.copy.disable": true,
	"remote.log.delete.on.disable": true, "retention.bytes": true, "retention.ms": true,
	"segment.bytes": true, "segment.index.bytes": true, "segment.jitter.ms": true,
	"segment.ms": true, "unclean.leader.election.enable": true,
	"message.downconversion.enable": true, "message.format.version": true,
	"message.timestamp.difference.max.ms": true,
}

// unknownConfigKeys returns the keys in neither knownTopicConfigs nor brokerKeys, sorted.
func unknownConfigKeys(keys []string, brokerKeys map[string]bool) []string {
	var out []string
	for _, k := range keys {
		if !knownTopicConfigs[k] && !brokerKeys[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// unknownConfigMessage explains an unknown config key, with the closest known key when one is
// near.
func unknownConfigMessage(key string) string {
	msg := fmt.Sprintf("unknown topic config %q", key)
	if s := closestConfig(key); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return msg
}

func closestConfig(key string) string {
	best, bestD := "", 4
	for k := range knownTopicConfigs {
		if d := editDistance(key, k); d < bestD || d == bestD && k < best {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
