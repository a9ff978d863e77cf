package group

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kafkit/kafkit/internal/output"
)

// Property of every group table (issue 17 #18): whatever a name from the cluster holds, each
// row stays one line and no control character reaches the terminal.
func FuzzTablesEscapeNames(f *testing.F) {
	for _, s := range []string{"g", "evil\nGROUP FAKE\x1b[31mRED", "\r\t\x00", "\xff\xfe", "é\u0085ü", "a\u202eb"} {
		f.Add(s, "client")
	}
	f.Fuzz(func(t *testing.T, name, client string) {
		// The same tables with plain names of the same emptiness give the line count.
		plain := func(s string) string {
			if s == "" {
				return ""
			}
			return "x"
		}
		_, baseline := tableRenders(plain(name), plain(client))
		outs, _ := tableRenders(name, client)
		for what, out := range outs {
			for i, r := range strings.ReplaceAll(out, "\n", "") {
				if r == utf8.RuneError && !strings.Contains(name+client, "\uFFFD") || r < 0x20 || r >= 0x7f && r < 0xa0 {
					t.Fatalf("%s: control character %q at %d in\n%q", what, r, i, out)
				}
			}
			if n := strings.Count(out, "\n"); n != baseline[what] {
				t.Fatalf("%s: %d lines, want %d:\n%s", what, n, baseline[what], out)
			}
		}
	})
}

// tableRenders renders the list, lag and describe tables with name and client in every
// name-like cell; it returns each output and its line count.
func tableRenders(name, client string) (map[string]string, map[string]int) {
	renders := map[string]func(*output.Text) error{
		"list": func(tx *output.Text) error {
			return (&listOptions{}).render(tx, []ListedGroup{{Group: name, Type: "classic", State: client}, {Group: "next"}})
		},
		"lag": func(tx *output.Text) error {
			return writeLag(tx, []LagRow{{Group: name, Topic: "t", Error: client, PartitionLags: []PartitionLag{{Topic: "t", ClientID: client, Note: name}}}, {Group: "next"}}, true, false)
		},
		"describe": func(tx *output.Text) error {
			return writeDescribe(tx, []DescribedGroup{{Group: name, Type: "classic", Error: client,
				Members:    []memberInfo{{MemberID: name, ClientID: client, Host: client}},
				Partitions: []PartitionLag{{Topic: "t", ConsumerID: name, ClientID: client}}}}, true)
		},
	}
	outs, lines := map[string]string{}, map[string]int{}
	for what, render := range renders {
		var b bytes.Buffer
		if err := render(&output.Text{W: &b, Wide: true}); err != nil {
			panic(err)
		}
		outs[what], lines[what] = b.String(), strings.Count(b.String(), "\n")
	}
	return outs, lines
}
