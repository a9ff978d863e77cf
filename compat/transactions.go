package compat

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

// kafka-transactions.sh is an argparse4j tool: global options, a command, the command's
// options. kafkit parses it with the joptsimple grammar over the union of the options and then
// checks that each option given belongs to the command, as argparse4j's subparsers do.

func transactionsScript() *Script {
	opt := func(name, help string) Option { return Option{Name: name, Arg: RequiredArg, Help: help} }
	opts := append(commonOptions(),
		opt("duration-filter", "list: only transactions running longer than this many milliseconds"),
		opt("transactional-id-pattern", "list: only transactional ids matching this regular expression"),
		opt("transactional-id", "describe: the transactional id"),
		opt("broker-id", "describe-producers, find-hanging: ask this broker"),
		opt("topic", "describe-producers, find-hanging, abort: the topic"),
		opt("partition", "describe-producers, find-hanging, abort: the partition"),
		opt("start-offset", "abort: the start offset of the transaction"),
		opt("producer-id", "abort: the producer id (brokers before 3.0)"),
		opt("producer-epoch", "abort: the producer epoch (brokers before 3.0)"),
		opt("coordinator-epoch", "abort: the coordinator epoch (brokers before 3.0)"),
		opt("max-transaction-timeout", "find-hanging: the largest transaction timeout in minutes (15)"),
		opt("transactionalId", "forceTerminateTransaction: the transactional id"),
	)
	return &Script{
		Name: "kafka-transactions.sh",
		Summary: "This tool is used to analyze the transactional state of producers in the cluster. It can be used to detect and recover from hanging transactions. " +
			"Commands: list, describe, describe-producers, abort, find-hanging, forceTerminateTransaction.",
		Native:  "kafkit txn",
		Options: opts,
		Run:     transactionsRun,
		Expand:  expandTxnArgs,
	}
}

// txnCommand is one command of kafka-transactions.sh: its options (required ones marked) and
// what runs it.
type txnCommand struct {
	options  []string
	required []string
	run      func(ctx context.Context, t *txnTool) error
}

var txnCommands = map[string]txnCommand{
	"list":                      {options: []string{"duration-filter", "transactional-id-pattern"}, run: txnList},
	"describe":                  {options: []string{"transactional-id"}, required: []string{"transactional-id"}, run: txnDescribe},
	"describe-producers":        {options: []string{"broker-id", "topic", "partition"}, required: []string{"topic", "partition"}, run: txnDescribeProducers},
	"abort":                     {options: []string{"topic", "partition", "start-offset", "producer-id", "producer-epoch", "coordinator-epoch"}, required: []string{"topic", "partition"}, run: txnAbort},
	"find-hanging":              {options: []string{"broker-id", "max-transaction-timeout", "topic", "partition"}, run: txnFindHanging},
	"forceTerminateTransaction": {options: []string{"transactionalId"}, required: []string{"transactionalId"}, run: txnForceTerminate},
}

// txnTool is one run of kafka-transactions.sh.
type txnTool struct {
	e *Env
	p *Parsed
}

const txnUsage = "usage: kafka-transactions.sh [-h] [-v] [--command-config FILE] --bootstrap-server host:port COMMAND ..."

// argError prints an argparse4j error (usage, then the message) and exits 1.
func (t *txnTool) argError(format string, args ...any) error {
	fmt.Fprintln(t.e.IO.ErrOut, txnUsage)
	fmt.Fprintf(t.e.IO.ErrOut, "kafka-transactions.sh: error: "+format+"\n", args...)
	return cmdutil.SilentError
}

// fail prints the tool's printErrorAndExit message and exits 1.
func (t *txnTool) fail(msg string, err error) error {
	if err != nil {
		msg += ": " + t.e.Explain(err).Error() + ". Enable debug logging for additional detail."
	}
	fmt.Fprintln(t.e.IO.ErrOut, msg)
	return cmdutil.SilentError
}

func transactionsRun(ctx context.Context, e *Env, p *Parsed) error {
	t := &txnTool{e: e, p: p}
	if len(p.Args) == 0 {
		return t.argError("too few arguments")
	}
	name := p.Args[0]
	c, ok := txnCommands[name]
	if !ok {
		return t.argError("argument COMMAND: invalid choice: '%s' (choose from 'list', 'describe', 'describe-producers', 'abort', 'find-hanging', 'forceTerminateTransaction')", name)
	}
	if len(p.Args) > 1 {
		return t.argError("unrecognized arguments: '%s'", strings.Join(p.Args[1:], " "))
	}
	if err := t.checkOptions(c); err != nil {
		return err
	}
	ctx, cancel, err := e.Context(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	return c.run(ctx, t)
}

// checkOptions refuses options of another command and missing required ones, as argparse4j.
func (t *txnTool) checkOptions(c txnCommand) error {
	global := map[string]bool{"bootstrap-server": true, "command-config": true, "help": true, "version": true}
	for _, g := range t.p.Given() {
		if !global[g] && !containsString(c.options, g) {
			return t.argError("unrecognized arguments: '--%s'", g)
		}
	}
	for _, name := range t.p.Given() {
		if bits, ok := txnNumeric[name]; ok {
			if _, _, err := t.number(name, bits); err != nil {
				return err
			}
		}
	}
	for _, r := range c.required {
		if !t.p.Has(r) {
			return t.argError("argument --%s is required", r)
		}
	}
	return nil
}

// txnNumeric are the numeric options and their Java types' sizes (Short, Integer, Long).
var txnNumeric = map[string]int{"duration-filter": 64, "broker-id": 32, "partition": 32, "start-offset": 64,
	"producer-id": 64, "producer-epoch": 16, "coordinator-epoch": 32, "max-transaction-timeout": 32}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// number parses an option's value as argparse4j's type(Integer/Long/Short) does; absent: ok false.
func (t *txnTool) number(name string, bits int) (int64, bool, error) {
	v, has, err := t.p.One(name)
	if err != nil || !has {
		return 0, false, err
	}
	n, perr := strconv.ParseInt(v, 10, bits)
	if perr != nil {
		types := map[int]string{16: "Short", 32: "Integer", 64: "Long"}
		return 0, true, t.argError("argument --%s: could not convert '%s' to %s (For input string: \"%s\")", name, v, types[bits], v)
	}
	return n, true, nil
}
