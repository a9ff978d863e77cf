// Package user implements `kafkit user`: SCRAM credentials (what kafka-configs.sh
// --entity-type users --add-config SCRAM-SHA-512=[...] does). One file per verb; password.go
// reads passwords (never from a flag value), scram.go sends the requests.
package user

import (
	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

const userLong = `Manage SCRAM users: the SCRAM-SHA-256 / SCRAM-SHA-512 credentials Kafka stores for SASL/SCRAM
logins. create fails for a user that already has a credential for the mechanism, update fails
for one that has none (as kubectl create and replace do); delete needs --yes.

A password comes from --password-file FILE, --password-stdin, the environment variable named
by --password-env NAME, or a prompt with no echo when stdin is a terminal: never from a flag
value (it would show in ps and shell history), and kafkit never prints it, not even with -v.
Passwords are at least 8 characters. kafkit salts and hashes the password (PBKDF2 with the
mechanism's hash, --iterations rounds) before sending it; Kafka never sees it in clear.

ACLs for a user name the principal User:NAME: see kafkit acl.`

// NewCmdUser returns the `user` command with its verbs.
func NewCmdUser(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "user",
		Aliases: []string{"users"},
		Short:   "List, create, update and delete SCRAM users",
		Long:    userLong,
		Example: `  kafkit user list
  kafkit user create orders-app --password-file ./orders-app.password
  kafkit user update orders-app --password-stdin < ./new.password
  kafkit user delete orders-app --yes`,
	}
	cmdutil.GroupCommand(cmd)
	cmd.AddCommand(
		newCmdList(f, nil),
		newCmdDescribe(f, nil),
		newCmdCreate(f, nil),
		newCmdUpdate(f, nil),
		newCmdDelete(f, nil),
	)
	return cmd
}
