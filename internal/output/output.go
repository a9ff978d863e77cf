// Package output renders command results: borderless kubectl-style tables, JSON and YAML. It is
// the only importer of tablewriter, so the table library stays swappable.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"go.yaml.in/yaml/v3"

	"github.com/kafkit/kafkit/internal/text"
)

// Format is the value of -o/--output.
type Format string

// The formats; not every command offers Name.
const (
	Table Format = "table"
	Wide  Format = "wide"
	JSON  Format = "json"
	YAML  Format = "yaml"
	Name  Format = "name"
)

// DefaultFormats are what most data commands accept.
var DefaultFormats = []Format{Table, Wide, JSON, YAML}

// ParseFormat checks s against the allowed formats; "" means table. The error lists the
// allowed values (callers turn it into a usage error, exit 2).
func ParseFormat(s string, allowed ...Format) (Format, error) {
	if len(allowed) == 0 {
		allowed = DefaultFormats
	}
	if s == "" {
		s = string(Table)
	}
	names := make([]string, len(allowed))
	for i, f := range allowed {
		if string(f) == strings.ToLower(s) {
			return f, nil
		}
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown output format %q: use one of %s", s, strings.Join(names, ", "))
}

// Printer renders one command's result in the chosen format.
type Printer struct {
	Format    Format
	NoHeaders bool
}

// IsStructured reports whether the format is JSON or YAML.
func (p Printer) IsStructured() bool { return p.Format == JSON || p.Format == YAML }

// Print writes data as JSON or YAML, or calls text for table, wide and name. data must marshal
// with encoding/json (snake_case tags); YAML keeps the JSON field order.
func (p Printer) Print(w io.Writer, data any, text func(t *Text) error) error {
	switch p.Format {
	case JSON:
		return WriteJSON(w, data)
	case YAML:
		return WriteYAML(w, data)
	default:
		return text(&Text{W: w, Wide: p.Format == Wide, Name: p.Format == Name, NoHeaders: p.NoHeaders})
	}
}

// Text is a writer for the human formats.
type Text struct {
	W         io.Writer
	Wide      bool
	Name      bool
	NoHeaders bool
}

// Table writes a borderless table with upper-case headers (unless NoHeaders), columns
// left-aligned and separated by three spaces, no trailing spaces.
func (t *Text) Table(headers []string, rows [][]string) error {
	return WriteTable(t.W, headers, rows, t.NoHeaders)
}

// Linef writes one formatted line.
func (t *Text) Linef(format string, args ...any) error {
	_, err := fmt.Fprintf(t.W, format+"\n", args...)
	return err
}

// WriteTable renders rows under headers; nothing at all when rows is empty and headers are off.
// Control characters in any cell are escaped (text.Safe), so a name from the cluster can neither
// add a fake row nor change the terminal's colours; JSON and YAML print names as they are.
func WriteTable(w io.Writer, headers []string, rows [][]string, noHeaders bool) error {
	if len(rows) == 0 && noHeaders {
		return nil
	}
	headers, rows = safeCells(headers), safeRows(rows)
	var buf bytes.Buffer
	r := renderer.NewBlueprint(tw.Rendition{
		Borders: tw.BorderNone,
		Symbols: tw.NewSymbols(tw.StyleNone),
		Settings: tw.Settings{
			Separators: tw.Separators{BetweenRows: tw.Off, BetweenColumns: tw.Off},
			Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
		},
	})
	tb := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(r),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "   ", Overwrite: true}),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
	)
	if !noHeaders {
		tb.Header(headers)
	}
	for _, row := range rows {
		if err := tb.Append(row); err != nil {
			return err
		}
	}
	if len(rows) == 0 {
		// tablewriter prints nothing without rows; keep the header so columns are visible.
		_, err := fmt.Fprintln(w, strings.Join(headers, "   "))
		return err
	}
	if err := tb.Render(); err != nil {
		return err
	}
	// Trim the padding of the last column.
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	var out strings.Builder
	for _, l := range lines {
		out.WriteString(strings.TrimRight(l, " "))
		out.WriteByte('\n')
	}
	_, err := io.WriteString(w, out.String())
	return err
}

func safeCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = text.Safe(c)
	}
	return out
}

func safeRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = safeCells(r)
	}
	return out
}

// WriteJSON writes v as indented JSON with a trailing newline; HTML is not escaped.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteYAML writes v as YAML with the same keys, in the same order, as WriteJSON.
func WriteYAML(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	node, err := jsonToYAMLNode(json.NewDecoder(bytes.NewReader(data)))
	if err != nil {
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(node); err != nil {
		return err
	}
	return enc.Close()
}

// jsonToYAMLNode converts a JSON token stream to a YAML node, keeping object key order.
func jsonToYAMLNode(dec *json.Decoder) (*yaml.Node, error) {
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key := kt.(string)
				val, err := jsonToYAMLNode(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, val)
			}
			_, err := dec.Token()
			return n, err
		case '[':
			n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for dec.More() {
				val, err := jsonToYAMLNode(dec)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, val)
			}
			_, err := dec.Token()
			return n, err
		}
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t}, nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(t.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: t.String()}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(t)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// Dash returns s, or "-" when s is empty: the kafka-consumer-groups convention for no value.
func Dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
