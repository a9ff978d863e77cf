package compat

import (
	"fmt"
	"sort"
	"strings"
)

// txnGlobal are kafka-transactions.sh's options before the command.
var txnGlobal = []string{"bootstrap-server", "command-config", "help", "version"}

// expandTxnArgs spells out abbreviated option names as argparse4j accepts them: a unique
// prefix of an option of the level it is at (the global options before the command, the
// command's after it). An ambiguous prefix is argparse4j's error.
func expandTxnArgs(args []string) ([]string, error) {
	out := make([]string, 0, len(args))
	level, global := txnGlobal, true
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out = append(out, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "--") {
			if c, ok := txnCommands[a]; ok && global {
				level, global = append(append([]string{}, c.options...), "help"), false
			}
			out = append(out, a)
			continue
		}
		name, val, hasVal := strings.Cut(a[2:], "=")
		full, err := expandOption(name, level)
		if err != nil {
			return nil, err
		}
		if hasVal {
			out = append(out, "--"+full+"="+val)
			continue
		}
		out = append(out, "--"+full)
		if full != "help" && full != "version" && i+1 < len(args) && containsString(level, full) {
			i++
			out = append(out, args[i]) // the option's value, whatever it looks like
		}
	}
	return out, nil
}

// expandOption resolves a possibly abbreviated option name against the level's options; an
// unknown name stays as it is (the parser refuses it).
func expandOption(name string, level []string) (string, error) {
	if containsString(level, name) || name == "" {
		return name, nil
	}
	var matches []string
	for _, o := range level {
		if strings.HasPrefix(o, name) {
			matches = append(matches, o)
		}
	}
	switch len(matches) {
	case 0:
		return name, nil
	case 1:
		return matches[0], nil
	}
	sort.Strings(matches)
	return "", fmt.Errorf("%s\nkafka-transactions.sh: error: ambiguous option: --%s could match --%s", txnUsage, name, strings.Join(matches, ", --"))
}
