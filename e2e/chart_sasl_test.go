//go:build e2e

package e2e

// The chart's default client security on the chart shape's EXTERNAL listener (9095):
// SASL_PLAINTEXT with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 and the user user1, reached as the
// chart's NOTES say (a client.properties file with --command-config) and as
// deploy/kafka-client-sasl.yaml does (KAFKIT_SASL_* variables, the password in a mounted file).

import (
	"fmt"
	"strings"
	"testing"
)

func chartUser() (user, password string) {
	return envOr("KAFKIT_E2E_SCRAM_USER", "user1"), envOr("KAFKIT_E2E_SCRAM_PASSWORD", "user1-secret")
}

// chartSASLRoundTrip creates a topic, produces, reads it with a group and checks the lag, all
// with the given connection arguments and environment.
func chartSASLRoundTrip(t *testing.T, env []string, conn ...string) {
	t.Helper()
	topic, group := Unique(t, "chart-sasl"), Unique(t, "chart-sasl-g")
	k := func(stdin string, args ...string) Result {
		t.Helper()
		return chartMust(t, env, stdin, append(append([]string{}, conn...), args...)...)
	}
	k("", "topic", "create", topic, "-p", "3")
	if r := k("", "topic", "list", "-o", "name"); !strings.Contains("\n"+r.Stdout, "\n"+topic+"\n") {
		t.Errorf("topic list lacks %s:\n%s", topic, r.Stdout)
	}
	k("a\nb\nc\n", "produce", topic, "-p", "1", "-q")
	if r := k("", "consume", topic, "-g", group, "-o", "start", "-e"); strings.Join(chartLines(r.Stdout), " ") != "a b c" {
		t.Errorf("consume -g printed %q, want a, b, c", r.Stdout)
	}
	k("d\n", "produce", topic, "-p", "1", "-q")
	if l := chartLag(t, env, append(append([]string{}, conn...), "group", "lag", group)...); l.TotalLag != 1 || l.Topic != topic {
		t.Errorf("lag with 1 new record: %+v", l)
	}
}

// The chart's NOTES client.properties (SCRAM-SHA-256), and the same file with the other two
// mechanisms the chart enables, with kafka-*.sh's --bootstrap-server.
func TestChartSASLCommandConfig(t *testing.T) {
	chartSkip(t)
	user, password := chartUser()
	for _, c := range []struct{ mech, module string }{
		{"SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule"}, // the NOTES
		{"SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule"},
		{"PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule"},
	} {
		t.Run(c.mech, func(t *testing.T) {
			props := WriteFile(t, "client.properties", fmt.Sprintf(`security.protocol=SASL_PLAINTEXT
sasl.mechanism=%s
sasl.jaas.config=%s required \
    username="%s" \
    password="%s";
`, c.mech, c.module, user, password))
			chartSASLRoundTrip(t, nil, "--bootstrap-server", chartSASL, "--command-config", props)
		})
	}
	// A wrong password fails with the address and the mechanism named.
	props := WriteFile(t, "bad.properties", fmt.Sprintf("security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\n"+
		"sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"%s\" password=\"wrong\";\n", user))
	r := chartKafkit(t, nil, "", "--bootstrap-server", chartSASL, "--command-config", props, "topic", "list")
	if r.Code != 1 || !strings.Contains(r.Stderr, chartHeadless) || !strings.Contains(r.Stderr, "SCRAM-SHA-256") {
		t.Errorf("a wrong password: want exit 1 naming %s and SCRAM-SHA-256: %s", chartHeadless, r)
	}
}

// deploy/kafka-client-sasl.yaml's environment: KAFKIT_SASL_USER, KAFKIT_SASL_MECHANISM and
// KAFKIT_SASL_PASSWORD_FILE pointing at the chart secret's client-passwords (one user: just
// the password), with KAFKIT_BROKERS at the SASL listener.
func TestChartSASLEnvironment(t *testing.T) {
	chartSkip(t)
	user, password := chartUser()
	pw := WriteFile(t, "client-passwords", password)
	env := []string{"KAFKIT_BROKERS=" + chartSASL, "KAFKIT_SASL_USER=" + user, "KAFKIT_SASL_MECHANISM=SCRAM-SHA-512", "KAFKIT_SASL_PASSWORD_FILE=" + pw}
	r := chartMust(t, env, "", "cluster", "info")
	if !strings.Contains(r.Stdout, "kafka-controller-0."+chartHeadless+":9095") {
		t.Errorf("cluster info over SASL lacks the EXTERNAL address of node 0:\n%s", r.Stdout)
	}
	chartSASLRoundTrip(t, env)
}
