package compat

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kafkit/kafkit/internal/cmdutil"
)

type installOptions struct {
	IO     *cmdutil.IOStreams
	Dir    string
	Target string // the kafkit binary the links point to
	Force  bool
	DryRun bool
}

func newCmdInstall(f *cmdutil.Factory) *cobra.Command {
	opts := &installOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "install DIR",
		Short: "Write kafka-*.sh links to kafkit into DIR",
		Long: `Write one symbolic link per covered script into DIR, in both spellings (kafka-topics.sh
and kafka-topics, the Confluent name), each pointing to this kafkit binary. Invoked through a
link, kafkit behaves as that tool. Existing files are left alone unless --force; --dry-run only
prints what would be written.`,
		Example: `  kafkit compat install /usr/local/bin
  kafkit compat install /opt/bitnami/kafka/bin --force
  kafkit compat install rootfs/opt/kafka/bin --target /usr/local/bin/kafkit`,
		Args: cmdutil.Args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if opts.Target == "" {
				exe, err := os.Executable()
				if err != nil {
					return fmt.Errorf("cannot find the kafkit binary to link to: %v", err)
				}
				opts.Target = exe
			}
			return installRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace existing files of the same names")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "print the links that would be written; write nothing")
	cmd.Flags().StringVar(&opts.Target, "target", "", "path the links point to (default: this kafkit binary; for image builds, e.g. /usr/local/bin/kafkit)")
	return cmd
}

// linkNames lists every name kafkit answers to as a script.
func linkNames() []string {
	var names []string
	for _, s := range scripts() {
		names = append(names, s.Name, strings.TrimSuffix(s.Name, ".sh"))
	}
	return names
}

func installRun(_ context.Context, opts *installOptions) error {
	if st, err := os.Stat(opts.Dir); err != nil || !st.IsDir() {
		return cmdutil.UsageErrorf("%s is not a directory", opts.Dir)
	}
	var failed []string
	for _, name := range linkNames() {
		path := filepath.Join(opts.Dir, name)
		if opts.DryRun {
			fmt.Fprintf(opts.IO.Out, "%s -> %s (dry run)\n", path, opts.Target)
			continue
		}
		if err := writeLink(path, opts.Target, opts.Force); err != nil {
			fmt.Fprintf(opts.IO.ErrOut, "error: %s: %v\n", path, err)
			failed = append(failed, name)
			continue
		}
		fmt.Fprintf(opts.IO.Out, "%s -> %s\n", path, opts.Target)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d links not written (use --force to replace existing files)", len(failed), len(linkNames()))
	}
	return nil
}

func writeLink(path, target string, force bool) error {
	if cur, err := os.Readlink(path); err == nil && cur == target {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		if !force {
			return errors.New("exists")
		}
		if err := os.Remove(path); err != nil {
			return err
		}
	}
	return os.Symlink(target, path)
}
