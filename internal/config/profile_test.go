package config

import (
	"strings"
	"testing"
)

func TestParseProfilesErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"inline password", "profiles:\n  dev:\n    brokers: a:1\n    sasl: {user: u, password: x}\n",
			`/p.yaml:4: profile "dev": sasl.password: passwords are never stored in the profile file: put it in a file (chmod 600) and name it with password_file, or set KAFKIT_SASL_PASSWORD`},
		{"misspelt key", "profiles:\n  dev:\n    broker: a:1\n",
			`/p.yaml:3: profile "dev": unknown key "broker"; valid keys here: brokers, client_id, command_config, sasl, timeout, tls`},
		{"misspelt tls key", "profiles:\n  dev:\n    tls:\n      ca: /x\n",
			`/p.yaml:4: profile "dev": tls: unknown key "ca"; valid keys here: ca_file, cert_file, enabled, insecure_skip_verify, key_file, server_name`},
		{"misspelt top key", "profile:\n  dev: {}\n", `/p.yaml:1: unknown key "profile"; valid keys here: default, profiles`},
		{"profiles a list", "profiles: [a, b]\n", `/p.yaml:1: profiles: want a map of profile names to profiles, not a list`},
		{"profile a string", "profiles:\n  dev: a:1\n", `/p.yaml:2: profile "dev": want a map with the keys brokers, client_id, command_config, sasl, timeout, tls, not a value`},
		{"timeout a list", "profiles:\n  dev:\n    timeout: [1]\n", `/p.yaml:3: profile "dev": timeout: want a single value, not a list`},
		{"bool yes", "profiles:\n  dev:\n    tls: {enabled: yes}\n", `/p.yaml:3: profile "dev": tls.enabled: want true or false, not "yes"`},
		{"brokers a map", "profiles:\n  dev:\n    brokers: {a: 1}\n", `/p.yaml:3: profile "dev": brokers: want a list or a comma-separated string, not a map`},
		{"binary", "profiles:\n\x00", "profile file /p.yaml: line 2: not a text file (a NUL byte or invalid UTF-8): give a Java .properties or YAML text file"},
		{"syntax", "a: [", "profile file /p.yaml: line 1: did not find expected node content"},
		{"undefined default", "default: x\nprofiles:\n  a: {}\n", `profile file /p.yaml: default profile "x" is not defined (have: a)`},
	}
	for _, tt := range tests {
		_, err := ParseProfiles([]byte(tt.yaml), "/p.yaml")
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error\n%v\nwant\n%s", tt.name, err, tt.want)
		}
		if err != nil && (strings.Contains(err.Error(), "struct") || strings.Contains(err.Error(), "config.")) {
			t.Errorf("%s: Go type in the message: %v", tt.name, err)
		}
	}
}

func TestParseProfilesAccepts(t *testing.T) {
	pf, err := ParseProfiles([]byte(profiles+"  empty:\n  anchors: &a\n    brokers: x:1\n  alias: *a\n"), "/p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(pf.Names(), ",") != "alias,anchors,dev,empty,prod" || pf.Profiles["alias"].Brokers[0] != "x:1" {
		t.Errorf("got %+v", pf)
	}
	if _, err := ParseProfiles(nil, "/p.yaml"); err != nil {
		t.Errorf("an empty file: %v", err)
	}
}
