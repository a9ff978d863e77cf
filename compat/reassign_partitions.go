package compat

// kafka-reassign-partitions.sh: --generate, --execute, --verify, --cancel and --list with the
// Java tool's JSON files and output, on partition's planner and executor.

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
	"github.com/kafkit/kafkit/internal/config"
	"github.com/kafkit/kafkit/partition"
)

const reassignScript = "kafka-reassign-partitions.sh"

var reassignActions = []string{"generate", "execute", "verify", "cancel", "list"}

func reassignPartitionsScript() *Script {
	opts := append(commonOptions(),
		Option{Name: "generate", Help: "print a reassignment of --topics-to-move-json-file onto --broker-list (kafkit's planner: fewest moves)"},
		Option{Name: "execute", Help: "start the reassignment of --reassignment-json-file"},
		Option{Name: "verify", Help: "print the state of the reassignment of --reassignment-json-file; remove the throttles once nothing moves"},
		Option{Name: "cancel", Help: "cancel the reassignment of --reassignment-json-file and remove the throttles"},
		Option{Name: "list", Help: "list the running reassignments"},
		Option{Name: "reassignment-json-file", Arg: RequiredArg, Help: `{"version":1,"partitions":[{"topic":"foo","partition":1,"replicas":[1,2,3],"log_dirs":["any","any","any"]}]}`},
		Option{Name: "topics-to-move-json-file", Arg: RequiredArg, Help: `{"version":1,"topics":[{"topic":"foo"}]}`},
		Option{Name: "broker-list", Arg: RequiredArg, Help: "the brokers --generate spreads the partitions over, e.g. 1,2,3"},
		Option{Name: "disable-rack-aware", Help: "--generate ignores broker racks"},
		Option{Name: "throttle", Arg: RequiredArg, Help: "--execute: replication throttle in bytes/s, removed by --verify once the move ended"},
		Option{Name: "additional", Help: "--execute even while other reassignments run"},
		Option{Name: "preserve-throttles", Help: "--verify/--cancel leave the throttles set"},
		Option{Name: "disallow-replication-factor-change", Help: "--execute refuses plans that change a replication factor (Kafka 4.1+)"},
		Option{Name: "timeout", Arg: RequiredArg, Ignored: "it bounds log directory moves, which kafkit does not do"},
		Option{Name: "replica-alter-log-dirs-throttle", Arg: RequiredArg, Unsupported: "kafkit does not move replicas between a broker's log directories (log_dirs must be \"any\")"},
		Option{Name: "bootstrap-controller", Arg: RequiredArg, Unsupported: "kafkit talks to brokers: use --bootstrap-server"},
	)
	return &Script{
		Name:    reassignScript,
		Summary: "This tool helps to move topic partitions between replicas.",
		Native:  "kafkit partition reassign",
		Options: opts,
		Run:     reassignPartitionsRun,
	}
}

// reassignPermitted are the options each action takes besides the connection ones, as the Java
// tool's validateAndParseArgs lists them (required ones first).
var reassignPermitted = map[string][]string{
	"generate": {"topics-to-move-json-file", "broker-list", "disable-rack-aware"},
	"execute":  {"reassignment-json-file", "additional", "throttle", "replica-alter-log-dirs-throttle", "timeout", "disallow-replication-factor-change"},
	"verify":   {"reassignment-json-file", "preserve-throttles"},
	"cancel":   {"reassignment-json-file", "preserve-throttles", "timeout"},
	"list":     {},
}

var reassignRequired = map[string][]string{
	"generate": {"topics-to-move-json-file", "broker-list"},
	"execute":  {"reassignment-json-file"},
	"verify":   {"reassignment-json-file"},
	"cancel":   {"reassignment-json-file"},
}

// reassignAction checks the command line as the Java tool does and returns the action.
func reassignAction(p *Parsed) (string, string) {
	var given []string
	for _, a := range reassignActions {
		if p.Has(a) {
			given = append(given, a)
		}
	}
	if len(given) != 1 {
		return "", "Command must include exactly one action: --generate, --execute, --verify, --cancel, --list"
	}
	action := given[0]
	for _, r := range reassignRequired[action] {
		if !p.Has(r) {
			return "", fmt.Sprintf("Missing required argument \"[%s]\"", r)
		}
	}
	allowed := map[string]bool{action: true, "bootstrap-server": true, "command-config": true}
	for _, o := range reassignPermitted[action] {
		allowed[o] = true
	}
	for _, o := range p.Given() {
		if !allowed[o] {
			return "", fmt.Sprintf("Option \"[%s]\" can't be used with action \"[%s]\"", o, action)
		}
	}
	return action, ""
}

func reassignPartitionsRun(ctx context.Context, e *Env, p *Parsed) error {
	action, msg := reassignAction(p)
	if msg != "" {
		return usageError(e, reassignScript, msg)
	}
	if err := repeated(reassignPartitionsScript().Options, p); err != nil {
		return usageError(e, reassignScript, err.Error())
	}
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	adm, err := e.Admin()
	if err != nil {
		return err
	}
	r := &reassignRun{e: e, p: p, adm: adm}
	switch action {
	case "generate":
		err = r.generate(ctx)
	case "execute":
		err = r.execute(ctx)
	case "verify":
		err = r.verify(ctx)
	case "cancel":
		err = r.cancel(ctx)
	default:
		err = r.list(ctx)
	}
	return r.fail(err)
}

type reassignRun struct {
	e   *Env
	p   *Parsed
	adm *cmdutil.Admin
}

// fail prints an error as the Java tool does (on stdout, "Error: " unless it is one of the
// tool's terse messages) and exits 1.
func (r *reassignRun) fail(err error) error {
	if err == nil {
		return nil
	}
	var te terseError
	if ok := asTerse(err, &te); ok {
		fmt.Fprintln(r.e.IO.Out, te.msg)
	} else {
		fmt.Fprintln(r.e.IO.Out, "Error: "+r.e.Explain(err).Error())
	}
	return cmdutil.SilentError
}

// terseError is printed without "Error: ", as the Java tool's TerseException.
type terseError struct{ msg string }

func (t terseError) Error() string { return t.msg }

func asTerse(err error, te *terseError) bool {
	t, ok := err.(terseError)
	if ok {
		*te = t
	}
	return ok
}

// readPlan reads --reassignment-json-file.
func (r *reassignRun) readPlan() ([]partition.Assignment, error) {
	data, err := config.ReadFile(r.p.Value("reassignment-json-file"))
	if err != nil {
		return nil, err
	}
	return partition.DecodeJSON(data)
}

func tpList(as []partition.Assignment) string {
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = fmt.Sprintf("%s-%d", a.Topic, a.Partition)
	}
	return strings.Join(s, ",")
}

func idList(ids []int32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(int(id))
	}
	return strings.Join(s, ",")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
