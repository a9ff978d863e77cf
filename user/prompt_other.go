//go:build !linux && !darwin

package user

import "github.com/kafkit/kafkit/internal/cmdutil"

// terminalSecret: no prompt on this system; give the password with a flag.
func terminalSecret(*cmdutil.IOStreams) secretReader { return nil }
