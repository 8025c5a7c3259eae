// Package cli implements unspun's command-line interface: argument parsing,
// help texts, output formats and exit codes. cmd/unspun only wires it to the
// process; every command calls internal/analyze (or the corpus and scoring
// packages), never a model directly.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitRuntime = 1
	ExitUsage   = 2
)

// Env is what a command may touch of the process: its streams and
// environment. Tests supply their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable.
	Getenv func(string) string
	// StdoutIsTerminal reports whether Stdout is a terminal (for colour).
	StdoutIsTerminal bool
}

// OSEnv returns the Env of the running process.
func OSEnv() *Env {
	return &Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv:           os.Getenv,
		StdoutIsTerminal: isTerminal(os.Stdout),
	}
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// command is one subcommand.
type command struct {
	name    string
	summary string // one line for the top-level help
	// run executes the command with the arguments after its name.
	run func(ctx context.Context, env *Env, args []string) error
}

var commands = map[string]*command{}

// register adds a subcommand; each command's file registers itself.
func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("cli: duplicate command " + c.name)
	}
	commands[c.name] = c
}

// UsageError is a mistake in the command line: exit code 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usageErrorf(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// Main runs unspun with args (without the program name) and returns the
// exit code.
func Main(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 {
		topHelp(env.Stderr)
		return ExitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return finish(env, c.name, c.run(ctx, env, []string{"-h"}))
			}
		}
		topHelp(env.Stdout)
		return ExitOK
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(env.Stderr, "unspun: unknown command %q\n\n", name)
		topHelp(env.Stderr)
		return ExitUsage
	}
	return finish(env, c.name, c.run(ctx, env, args[1:]))
}

func finish(env *Env, name string, err error) int {
	var ue *UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "unspun %s: %v\nRun 'unspun %s -h' for usage.\n", name, err, name)
		return ExitUsage
	default:
		fmt.Fprintf(env.Stderr, "unspun %s: %v\n", name, err)
		return ExitRuntime
	}
}

func topHelp(w io.Writer) {
	fmt.Fprint(w, `unspun finds propaganda and persuasion techniques in news articles.

Usage:
  unspun <command> [flags] [arguments]

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Example:
  unspun analyze testdata/demo/iran-mek-2018.txt

Run 'unspun <command> -h' for a command's flags and examples.
Exit codes: 0 ok, 1 runtime error, 2 usage error.
`)
}

// newFlags returns a FlagSet for a subcommand whose -h prints usage (a
// synopsis with an example) and the flags to env.Stdout.
func newFlags(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("unspun "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintln(env.Stdout, strings.TrimSpace(usage))
		var flags strings.Builder
		fs.SetOutput(&flags)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if flags.Len() > 0 {
			fmt.Fprintf(env.Stdout, "\nFlags:\n%s", flags.String())
		}
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors and -h into
// flag.ErrHelp after printing the usage once (the flag package would print
// it itself on -h, and on every error, to the discarded output).
func parseFlags(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if errors.Is(err, flag.ErrHelp) {
		usage()
		return flag.ErrHelp
	}
	if err != nil {
		return &UsageError{Msg: err.Error()}
	}
	return nil
}
