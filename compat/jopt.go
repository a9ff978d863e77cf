package compat

import (
	"fmt"
	"sort"
	"strings"
)

// Arg says whether an option takes a value.
type Arg int

const (
	NoArg       Arg = iota // a switch: --list
	RequiredArg            // --topic t, --topic=t
	OptionalArg            // --compression-codec, --compression-codec=lz4, --compression-codec lz4
)

// Option is one option of a kafka-*.sh tool, in joptsimple's terms, and what kafkit does with it.
type Option struct {
	Name string
	Arg  Arg
	// Help is the one-line description `compat list` and --help show.
	Help string
	// Unsupported, when set, says why kafkit refuses the option and what to use instead; the
	// option is then a usage error (exit 2), never silently ignored.
	Unsupported string
	// Ignored, when set, says why the option is accepted but has no effect in kafkit (a JVM
	// setting, a deprecated spelling); it is still parsed and validated.
	Ignored string
	// Alias names the option this one is another spelling of (Kafka 3.x vs 4.x names).
	Alias string
	// Repeat: the option may be given several times (--property, --config); any other option
	// with a value given twice is an error, as the Java tools' valueOf makes it.
	Repeat bool
}

// Parsed is a command line parsed against a tool's options: values per option (aliases folded
// into their target), in command-line order, and the non-option arguments.
type Parsed struct {
	values map[string][]string
	seen   []string
	Args   []string
	// Raw is the command line as given, for messages that quote it.
	Raw []string
}

// Has reports whether the option was given.
func (p *Parsed) Has(name string) bool { _, ok := p.values[name]; return ok }

// Value is the option's value, or "" when absent; with the option given more than once it is
// the last value, as joptsimple's valueOf does not allow: use One to get that error.
func (p *Parsed) Value(name string) string {
	v := p.values[name]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// Values are all values given for a repeatable option, in order.
func (p *Parsed) Values(name string) []string { return p.values[name] }

// One is the single value of an option that may be given once, or an error in joptsimple's
// words when it was given several times.
func (p *Parsed) One(name string) (string, bool, error) {
	v := p.values[name]
	switch len(v) {
	case 0:
		return "", false, nil
	case 1:
		return v[0], true, nil
	}
	return "", true, fmt.Errorf("Found multiple arguments for option %s, but you asked for only one", name)
}

// Given lists the options given, in first-seen order (for "unsupported" checks and messages).
func (p *Parsed) Given() []string { return p.seen }

// Parse parses args with joptsimple's rules as Kafka's tools configure it: long options only,
// `--opt value` and `--opt=value`, no abbreviations (Kafka builds its parsers with
// allowAbbreviations=false), repeated options collected, "--" ends the options, anything else
// that does not start with "--" is a non-option argument. Errors use joptsimple's wording,
// which scripts and people know from the Java tools.
func Parse(opts []Option, args []string) (*Parsed, error) {
	byName := make(map[string]*Option, len(opts))
	for i := range opts {
		byName[opts[i].Name] = &opts[i]
	}
	p := &Parsed{values: map[string][]string{}, Raw: args}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			p.Args = append(p.Args, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "--") || a == "-" {
			if strings.HasPrefix(a, "-") && len(a) > 1 {
				return nil, fmt.Errorf("%s is not a recognized option", strings.TrimLeft(a, "-"))
			}
			p.Args = append(p.Args, a)
			continue
		}
		name, val, hasVal := strings.Cut(a[2:], "=")
		o := byName[name]
		if o == nil {
			return nil, fmt.Errorf("%s is not a recognized option", name)
		}
		// joptsimple accepts and ignores "=value" on a switch (--exclude-internal=yes).
		if o.Arg == OptionalArg && !hasVal && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			// joptsimple takes the next token as an optional argument unless it looks like an option.
			i++
			val, hasVal = args[i], true
		}
		if o.Arg == RequiredArg && !hasVal {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("Option %s requires an argument", name)
			}
			// A required argument is always the next token, even one that starts with "--".
			i++
			val = args[i]
		}
		key := name
		if o.Alias != "" {
			key = o.Alias
		}
		if _, ok := p.values[key]; !ok {
			p.seen = append(p.seen, name)
		}
		if o.Arg == NoArg || (o.Arg == OptionalArg && !hasVal) {
			p.values[key] = append(p.values[key], "")
		} else {
			p.values[key] = append(p.values[key], val)
		}
	}
	return p, nil
}

// repeated returns the error for a single-valued option given more than once.
func repeated(opts []Option, p *Parsed) error {
	for _, o := range opts {
		key := o.Name
		if o.Alias != "" {
			key = o.Alias
		}
		if o.Arg != NoArg && !o.Repeat && len(p.values[key]) > 1 && o.Alias == "" {
			return fmt.Errorf("Found multiple arguments for option %s, but you asked for only one", o.Name)
		}
	}
	return nil
}

// unsupported returns the first given option kafkit does not support, with its reason.
func unsupported(opts []Option, p *Parsed) (string, string) {
	for _, name := range p.seen {
		for _, o := range opts {
			if o.Name == name && o.Unsupported != "" {
				return name, o.Unsupported
			}
		}
	}
	return "", ""
}

// sortedNames lists option names for help output.
func sortedNames(opts []Option) []string {
	names := make([]string, 0, len(opts))
	for _, o := range opts {
		names = append(names, o.Name)
	}
	sort.Strings(names)
	return names
}
