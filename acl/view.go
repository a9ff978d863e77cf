package acl

import (
	"github.com/kafkit/kafkit/internal/output"
)

// Row is one ACL as every verb prints it (table and JSON); Result and Error are set by create
// and delete.
type Row struct {
	Result       string `json:"result,omitempty"`
	ResourceType string `json:"resource_type"`
	ResourceName string `json:"resource_name"`
	PatternType  string `json:"pattern_type"`
	Principal    string `json:"principal"`
	Host         string `json:"host"`
	Operation    string `json:"operation"`
	Permission   string `json:"permission"`
	Error        string `json:"error,omitempty"`
}

// RowOf is b in kafkit's words.
func RowOf(b Binding) Row {
	return Row{
		ResourceType: TypeName(b.Type), ResourceName: b.Name, PatternType: PatternName(b.Pattern),
		Principal: b.Principal, Host: b.Host, Operation: OperationName(b.Operation), Permission: PermissionName(b.Permission),
	}
}

// Rows is bs in kafkit's words, in bs's order (callers sort).
func Rows(bs []Binding) []Row {
	out := make([]Row, 0, len(bs))
	for _, b := range bs {
		out = append(out, RowOf(b))
	}
	return out
}

var aclHeaders = []string{"TYPE", "NAME", "PATTERN", "PRINCIPAL", "HOST", "OPERATION", "PERMISSION"}

func cells(r Row) []string {
	return []string{r.ResourceType, r.ResourceName, r.PatternType, r.Principal, r.Host, r.Operation, r.Permission}
}

// printRows prints rows: with a RESULT column first when withResult.
func printRows(t *output.Text, rows []Row, withResult bool) error {
	headers := aclHeaders
	if withResult {
		headers = append([]string{"RESULT"}, aclHeaders...)
	}
	table := make([][]string, 0, len(rows))
	for _, r := range rows {
		c := cells(r)
		if withResult {
			c = append([]string{r.Result}, c...)
		}
		table = append(table, c)
	}
	return t.Table(headers, table)
}
