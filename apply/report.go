package apply

import (
	"fmt"

	"github.com/kafkit/kafkit/internal/output"
	"github.com/kafkit/kafkit/internal/text"
)

// Kinds and actions of the plan rows (topic rows keep topic apply's action names).
const (
	kindTopic        = "topic"
	kindUser         = "user"
	kindACL          = "acl"
	kindQuota        = "quota"
	kindBrokerConfig = "broker_config"

	actCreateUser  = "create_user"
	actUpdateUser  = "update_user"
	actDeleteUser  = "delete_user"
	actCreateACL   = "create_acl"
	actDeleteACL   = "delete_acl"
	actSetQuota    = "set_quota"
	actUnsetQuota  = "unset_quota"
	actSetConfig   = "set_config"
	actUnsetConfig = "unset_config"
)

// Action is one row of the plan.
type Action struct {
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Action string `json:"action"`
	Detail string `json:"detail"`
	// Result: would_create / would_alter / would_delete (dry run), created / altered / deleted,
	// failed (with Error) or skipped; topic rows carry topic apply's results.
	Result string `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

func (a *Action) fail(err error) { a.Result, a.Error = "failed", err.Error() }

// done sets the result of an applied action; would is the dry run's word.
func (a *Action) done()  { a.Result = resultFor(a.Action, false) }
func (a *Action) would() { a.Result = resultFor(a.Action, true) }

func resultFor(action string, dry bool) string {
	word := "altered"
	switch action {
	case actCreateUser, actCreateACL:
		word = "created"
	case actDeleteUser, actDeleteACL:
		word = "deleted"
	}
	if dry {
		return map[string]string{"created": "would_create", "altered": "would_alter", "deleted": "would_delete"}[word]
	}
	return word
}

func msgSuffix(m string) string {
	if m == "" {
		return ""
	}
	return ": " + m
}

// Report is what `kafkit apply -o json` prints.
type Report struct {
	File    string   `json:"file"`
	DryRun  bool     `json:"dry_run"`
	Changes int      `json:"changes"`
	Failed  int      `json:"failed"`
	InSync  bool     `json:"in_sync"`
	Actions []Action `json:"actions"`
}

func newReport(file string, dry bool, acts []Action) Report {
	r := Report{File: file, DryRun: dry, Changes: len(acts), Actions: acts}
	if r.Actions == nil {
		r.Actions = []Action{}
	}
	for _, a := range acts {
		if a.Result == "failed" {
			r.Failed++
		}
	}
	r.InSync = r.Changes == 0
	return r
}

func printReport(p output.Printer, w interface{ Write([]byte) (int, error) }, r Report, withResult bool) error {
	return p.Print(w, r, func(t *output.Text) error {
		if len(r.Actions) == 0 {
			return nil
		}
		headers := []string{"KIND", "NAME", "ACTION", "DETAIL"}
		if withResult {
			headers = append(headers, "RESULT")
		}
		rows := make([][]string, 0, len(r.Actions))
		for _, a := range r.Actions {
			row := []string{a.Kind, text.Safe(a.Name), a.Action, a.Detail}
			if withResult {
				res := output.Dash(a.Result)
				if a.Error != "" {
					res = fmt.Sprintf("%s: %s", a.Result, a.Error)
				}
				row = append(row, res)
			}
			rows = append(rows, row)
		}
		return t.Table(headers, rows)
	})
}
