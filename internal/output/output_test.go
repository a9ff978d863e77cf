package output

import (
	"bytes"
	"strings"
	"testing"
)

type row struct {
	Name    string            `json:"name"`
	Count   int               `json:"count"`
	Ratio   float64           `json:"ratio"`
	On      bool              `json:"on"`
	Missing *string           `json:"missing"`
	Configs map[string]string `json:"configs"`
	List    []int             `json:"list"`
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	err := WriteTable(&b, []string{"NAME", "cleanup.policy", "N"}, [][]string{{"orders", "compact", "12"}, {"a", "", "3"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := "NAME     cleanup.policy   N\norders   compact          12\na                         3\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	_ = WriteTable(&b, []string{"NAME", "N"}, [][]string{{"x", "1"}}, true)
	if b.String() != "x   1\n" {
		t.Errorf("no headers: %q", b.String())
	}
	b.Reset()
	_ = WriteTable(&b, []string{"NAME", "N"}, nil, false)
	if b.String() != "NAME   N\n" {
		t.Errorf("empty: %q", b.String())
	}
	b.Reset()
	_ = WriteTable(&b, []string{"NAME", "N"}, nil, true)
	if b.String() != "" {
		t.Errorf("empty without headers: %q", b.String())
	}
}

// A hostile group name cannot add a fake row or turn the terminal red; JSON keeps it as is.
func TestWriteTableEscapesControlCharacters(t *testing.T) {
	evil := "evil\nGROUP FAKE\x1b[31mRED"
	var b bytes.Buffer
	if err := WriteTable(&b, []string{"GROUP", "STATE"}, [][]string{{evil, "Empty"}, {"ok", "tab\there\r"}}, false); err != nil {
		t.Fatal(err)
	}
	want := "GROUP                         STATE\n" +
		`evil\nGROUP FAKE\x1b[31mRED   Empty` + "\n" +
		`ok                            tab\there\r` + "\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := WriteJSON(&b, map[string]string{"group": evil}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "{\n  \"group\": \"evil\\nGROUP FAKE\\u001b[31mRED\"\n}\n" {
		t.Errorf("JSON changed: %q", b.String())
	}
}

// FuzzWriteTable: a table of any cells has exactly one line per row (plus the header) and no
// control character other than the line ends.
func FuzzWriteTable(f *testing.F) {
	f.Add("evil\nGROUP FAKE\x1b[31mRED", "b", "\xff\xfe", false)
	f.Add("", "\t", "\u0085\u009b", true)
	f.Fuzz(func(t *testing.T, a, b, c string, noHeaders bool) {
		var out bytes.Buffer
		rows := [][]string{{a, b}, {c, a}, {b, c}}
		if err := WriteTable(&out, []string{"A", b}, rows, noHeaders); err != nil {
			t.Fatal(err)
		}
		lines := len(rows)
		if !noHeaders {
			lines++
		}
		s := out.String()
		if n := strings.Count(s, "\n"); n != lines || !strings.HasSuffix(s, "\n") {
			t.Fatalf("%d lines, want %d:\n%q", n, lines, s)
		}
		for _, r := range strings.TrimSuffix(s, "\n") {
			if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)) {
				t.Fatalf("control character %U in\n%q", r, s)
			}
		}
	})
}

func TestJSONAndYAMLKeepFieldOrder(t *testing.T) {
	v := []row{{Name: "a<b>", Count: 3, Ratio: 0.5, On: true, Configs: map[string]string{"z": "1", "a": "2"}, List: []int{1, 2}}}
	var j, y bytes.Buffer
	if err := WriteJSON(&j, v); err != nil {
		t.Fatal(err)
	}
	wantJ := `[
  {
    "name": "a<b>",
    "count": 3,
    "ratio": 0.5,
    "on": true,
    "missing": null,
    "configs": {
      "a": "2",
      "z": "1"
    },
    "list": [
      1,
      2
    ]
  }
]
`
	if j.String() != wantJ {
		t.Errorf("json\n%s\nwant\n%s", j.String(), wantJ)
	}
	if err := WriteYAML(&y, v); err != nil {
		t.Fatal(err)
	}
	wantY := `- name: a<b>
  count: 3
  ratio: 0.5
  on: true
  missing: null
  configs:
    a: "2"
    z: "1"
  list:
    - 1
    - 2
`
	if y.String() != wantY {
		t.Errorf("yaml\n%s\nwant\n%s", y.String(), wantY)
	}
}

func TestParseFormat(t *testing.T) {
	if f, err := ParseFormat(""); err != nil || f != Table {
		t.Errorf("default: %v %v", f, err)
	}
	if f, err := ParseFormat("JSON"); err != nil || f != JSON {
		t.Errorf("JSON: %v %v", f, err)
	}
	_, err := ParseFormat("name")
	if err == nil || err.Error() != `unknown output format "name": use one of table, wide, json, yaml` {
		t.Errorf("name not allowed by default: %v", err)
	}
	if f, err := ParseFormat("name", Table, Name); err != nil || f != Name {
		t.Errorf("name allowed: %v %v", f, err)
	}
}

func TestPrinterDispatch(t *testing.T) {
	var b bytes.Buffer
	p := Printer{Format: Wide}
	_ = p.Print(&b, nil, func(tx *Text) error {
		return tx.Linef("wide=%v name=%v", tx.Wide, tx.Name)
	})
	if strings.TrimSpace(b.String()) != "wide=true name=false" {
		t.Errorf("got %q", b.String())
	}
	if !(Printer{Format: YAML}).IsStructured() || (Printer{Format: Table}).IsStructured() {
		t.Error("IsStructured")
	}
}
