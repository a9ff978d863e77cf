//go:build e2e

package e2e

import "testing"

func TestTxnZZManual(t *testing.T) {
	s := newTxnScene(t)
	for _, a := range [][]string{
		{"txn", "list", s.id}, {"txn", "list", s.id, "-o", "wide"}, {"txn", "describe", s.id}, {"txn", "producers", s.topic + ":0,1"},
		{"txn", "find-hanging", "--topic", s.topic}, {"txn", "find-hanging", "--topic", s.topic, "-o", "wide"},
		{"consume", s.topic, "-g", s.group, "--isolation", "read_committed", "-o", "start", "-e"},
		{"group", "lag", s.group}, {"group", "lag", s.group, "--partitions", "--no-time-lag"},
		{"txn", "abort", "--topic", s.topic, "--partition", "1", "--start-offset", "3"},
		{"txn", "abort", "--topic", s.topic, "--partition", "1", "--start-offset", "2"},
		{"txn", "force-terminate", s.id}, {"txn", "force-terminate", s.id, "--execute"}, {"txn", "describe", s.id},
		{"txn", "producers", s.topic + ":0"},
		{"compat", "kafka-transactions.sh", "--bootstrap-server", Brokers(), "list", "--duration-filter", "0"},
		{"compat", "kafka-transactions.sh", "--bootstrap-server", Brokers(), "lis"},
		{"compat", "kafka-transactions.sh", "--bootstrap-server", Brokers(), "describe"},
	} {
		r := Kafkit(t, "", a...)
		t.Logf("$ kafkit %v\n%s", a, r)
	}
	j := JavaTool(t, "", compatClasses["kafka-transactions.sh"], "--bootstrap-server", Brokers(), "list", "--duration-filter", "0")
	t.Logf("java list: %s", j)
}
