package compat

import (
	"reflect"
	"strings"
	"testing"
)

var testOpts = []Option{
	{Name: "bootstrap-server", Arg: RequiredArg},
	{Name: "topic", Arg: RequiredArg},
	{Name: "list"},
	{Name: "property", Arg: RequiredArg},
	{Name: "consumer.config", Arg: RequiredArg, Alias: "command-config"},
	{Name: "command-config", Arg: RequiredArg},
}

func TestParse(t *testing.T) {
	tests := []struct {
		args    string
		values  map[string][]string
		rest    []string
		wantErr string
	}{
		{args: "--bootstrap-server b:9092 --list", values: map[string][]string{"bootstrap-server": {"b:9092"}, "list": {""}}},
		{args: "--bootstrap-server=b:9092 --topic=t", values: map[string][]string{"bootstrap-server": {"b:9092"}, "topic": {"t"}}},
		{args: "--topic --list", values: map[string][]string{"topic": {"--list"}}},
		{args: "--topic -x", values: map[string][]string{"topic": {"-x"}}},
		{args: "--list=yes", values: map[string][]string{"list": {""}}},
		{args: "--property a=b --property c=d=e", values: map[string][]string{"property": {"a=b", "c=d=e"}}},
		{args: "--consumer.config f", values: map[string][]string{"command-config": {"f"}}},
		{args: "--list stray -- --topic", values: map[string][]string{"list": {""}}, rest: []string{"stray", "--topic"}},
		{args: "--bootstrap-ser b", wantErr: "bootstrap-ser is not a recognized option"},
		{args: "--list --bogus", wantErr: "bogus is not a recognized option"},
		{args: "-x", wantErr: "x is not a recognized option"},
		{args: "--topic", wantErr: "Option topic requires an argument"},
	}
	for _, tt := range tests {
		p, err := Parse(testOpts, strings.Fields(tt.args))
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%q: error %v, want %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !reflect.DeepEqual(p.values, tt.values) || !reflect.DeepEqual(p.Args, tt.rest) {
			t.Errorf("%q: values %v args %v, want %v %v", tt.args, p.values, p.Args, tt.values, tt.rest)
		}
	}
}

func TestOne(t *testing.T) {
	p, _ := Parse(testOpts, []string{"--topic", "a", "--topic", "b"})
	if _, _, err := p.One("topic"); err == nil || err.Error() != "Found multiple arguments for option topic, but you asked for only one" {
		t.Fatalf("One: %v", err)
	}
	if v := p.Values("topic"); !reflect.DeepEqual(v, []string{"a", "b"}) {
		t.Fatalf("Values: %v", v)
	}
}

// FuzzParse: the parser never panics, and every value it returns came from the arguments.
func FuzzParse(f *testing.F) {
	f.Add("--topic t --list --property a=b")
	f.Add("--topic=--x -- --list")
	f.Add("--consumer.config=f -x")
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		p, err := Parse(testOpts, args)
		if err != nil {
			return
		}
		for _, vs := range p.values {
			for _, v := range vs {
				if v != "" && !strings.Contains(line, v) {
					t.Fatalf("value %q not in %q", v, line)
				}
			}
		}
	})
}

func TestRepeated(t *testing.T) {
	opts := append(testOpts, Option{Name: "config", Arg: RequiredArg, Repeat: true})
	p, _ := Parse(opts, []string{"--config", "a=1", "--config", "b=2", "--topic", "t"})
	if err := repeated(opts, p); err != nil {
		t.Fatalf("repeatable: %v", err)
	}
	p, _ = Parse(opts, []string{"--topic", "a", "--topic", "b"})
	if err := repeated(opts, p); err == nil || err.Error() != "Found multiple arguments for option topic, but you asked for only one" {
		t.Fatalf("repeated: %v", err)
	}
}
