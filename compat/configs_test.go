package compat

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

func configsParse(t *testing.T, line string) (*configsRequest, error) {
	t.Helper()
	p, err := Parse(configsScript().Options, strings.Fields(line))
	if err != nil {
		t.Fatal(err)
	}
	return configsRequestFrom(p)
}

func TestConfigsRequest(t *testing.T) {
	cases := []struct{ line, types, names, err string }{
		{"--describe --entity-type users --entity-name u --entity-type clients", "users,clients", "u", ""},
		{"--describe --entity-type users --entity-default --entity-type clients --entity-name c", "users,clients", ",c", ""},
		{"--describe --user u --client-defaults", "users,clients", "u,", ""},
		{"--alter --broker-defaults --add-config log.cleaner.threads=2", "brokers", "", ""},
		{"--alter --broker 1 --add-config a=[x,y],b=2", "brokers", "1", ""},
		{"--describe --entity-type brokers --entity-name one", "", "", "must be a valid integer broker id, but it is: one"},
		{"--describe --entity-type users --entity-type groups", "", "", "Only 'users' and 'clients' entity types may be specified together"},
		{"--describe --entity-name x --user u", "", "", "should not be used in conjunction"},
		{"--describe --broker-logger 1 --entity-default", "", "", "should not be used"},
		{"--describe --entity-type broker-loggers", "", "", "An entity name must be specified with --describe of broker-loggers"},
		{"--alter --entity-type groups --add-config a=1", "", "", "An entity name must be specified with --alter of groups"},
		{"--alter --user u", "", "", "At least one of --add-config"},
		{"--alter --user u --add-config bad!key=1", "", "", "Invalid character found for config key: bad!key"},
		{"--describe --entity-type nope", "", "", "Invalid entity type nope, the entity type must be one of topics, clients, users, brokers, ips, client-metrics, groups, broker-loggers"},
		{"--alter --entity-type users --entity-type clients --entity-name u --add-config producer_byte_rate=1", "", "", "An entity name must be specified for every entity type"},
	}
	for _, c := range cases {
		r, err := configsParse(t, c.line)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: got %v, want %q", c.line, err, c.err)
			}
			continue
		}
		if err != nil || strings.Join(r.types, ",") != c.types || strings.Join(r.names, ",") != c.names {
			t.Errorf("%s: got %v %q %v", c.line, r, r.names, err)
		}
	}
}

func TestConfigsRefusesScramPassword(t *testing.T) {
	for _, line := range []string{
		"--alter --user u --add-config SCRAM-SHA-512=[password=secret]",
		"--alter --user u --add-config SCRAM-SHA-256=[iterations=8192,password=secret]",
	} {
		_, err := configsParse(t, line)
		if cmdutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "kafkit user create/update") || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: %v", line, err)
		}
	}
}

func TestQuotaLines(t *testing.T) {
	u, c := "alice", "app"
	e1 := kmsg.NewDescribeClientQuotasResponseEntry()
	e1.Entity = []kmsg.DescribeClientQuotasResponseEntryEntity{{Type: "user", Name: &u}, {Type: "client-id", Name: &c}}
	e1.Values = []kmsg.DescribeClientQuotasResponseEntryValue{{Key: "producer_byte_rate", Value: 1048576}, {Key: "consumer_byte_rate", Value: 2e7}}
	e2 := kmsg.NewDescribeClientQuotasResponseEntry()
	e2.Entity = []kmsg.DescribeClientQuotasResponseEntryEntity{{Type: "user"}}
	e2.Values = []kmsg.DescribeClientQuotasResponseEntryValue{{Key: "request_percentage", Value: 25}}
	got := strings.Join(quotaLines([]kmsg.DescribeClientQuotasResponseEntry{e1, e2}), "\n")
	for _, want := range []string{
		"Quota configs for user-principal 'alice', client-id 'app' are consumer_byte_rate=2.0E7, producer_byte_rate=1048576.0",
		"Quota configs for the default user-principal are request_percentage=25.0",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("got\n%s\nwant a line %q", got, want)
		}
	}
}
