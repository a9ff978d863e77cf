// Package brokerversion guesses the Kafka release of brokers from their ApiVersions answers.
// Kafka does not report its release, so the guess is the one `version --broker` and
// `cluster api-versions` both print; it is written once here.
package brokerversion

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"
)

// Broker is one broker's guess, or the error that kept it from answering.
type Broker struct {
	NodeID  int32
	Version string // "4.1", "at least 4.1", "between 0.10.0 and 0.10.1", "unknown custom version"
	Err     error
}

// Guess returns the Kafka release that an ApiVersions answer matches, without the "v" prefixes
// kversion puts on version numbers. A nil answer is "unknown".
func Guess(resp *kmsg.ApiVersionsResponse) string {
	if resp == nil {
		return "unknown"
	}
	return Clean(kversion.FromApiVersionsResponse(resp).VersionGuess())
}

var vNumber = regexp.MustCompile(`\bv(\d)`)

// Clean drops the "v" before each version number in a kversion guess ("at least v4.1" →
// "at least 4.1").
func Clean(guess string) string { return vNumber.ReplaceAllString(guess, "$1") }

// Of guesses every broker's version, sorted by node id, and sums them up: the one common guess,
// or "mixed: a, b" when brokers differ (a rolling upgrade). failed lists the brokers that did not
// answer; their Err is set.
func Of(vs kadm.BrokersApiVersions) (brokers []Broker, summary string, failed []int32) {
	var guesses []string
	for _, v := range vs.Sorted() {
		b := Broker{NodeID: v.NodeID, Err: v.Err}
		if v.Err != nil {
			failed = append(failed, v.NodeID)
		} else {
			b.Version = Guess(v.Raw())
			guesses = append(guesses, b.Version)
		}
		brokers = append(brokers, b)
	}
	return brokers, Summary(guesses), failed
}

// Summary is the distinct guesses in first-seen order; more than one is "mixed: a, b".
func Summary(guesses []string) string {
	seen := map[string]bool{}
	var distinct []string
	for _, g := range guesses {
		if !seen[g] {
			seen[g] = true
			distinct = append(distinct, g)
		}
	}
	s := strings.Join(distinct, ", ")
	if len(distinct) > 1 {
		s = "mixed: " + s
	}
	return s
}

// IDs formats node ids for a message: "1, 3".
func IDs(ids []int32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ", ")
}
