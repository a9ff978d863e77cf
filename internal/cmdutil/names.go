package cmdutil

import (
	"fmt"
	"regexp"
	"strings"
)

// NameRegex compiles a topic or group pattern matched against the whole name, as kafka-topics
// does with --topic ("orders" matches orders, not orders-dlq). The error names the pattern and
// the problem; callers report it as a usage error.
func NameRegex(pattern string) (*regexp.Regexp, error) {
	// Compile the pattern alone first so that the error quotes what the user typed.
	if _, err := regexp.Compile(pattern); err != nil {
		return nil, fmt.Errorf("bad regular expression %q: %v", pattern, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	return regexp.Compile("^(?:" + pattern + ")$")
}
