// Command unspun finds propaganda and persuasion techniques in news
// articles: span identification and technique classification as defined by
// SemEval-2020 Task 11, with explanations, a web page and an HTTP API.
//
// Run "unspun help" for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"unspun/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, restore the default handling: a second
	// Ctrl-C kills a command that is slow to stop.
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := cli.Main(ctx, cli.OSEnv(), os.Args[1:])
	stop()
	os.Exit(code)
}
