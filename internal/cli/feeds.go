package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"unspun/internal/server"
	"unspun/internal/store"
	"unspun/internal/watch"
)

func init() {
	register(&command{
		name:    "feeds",
		summary: "watch feeds: add, list or remove the feeds workers poll",
		run:     runFeeds,
	})
}

const feedsUsage = `
Usage:
  unspun feeds add URL [--every 15m] [--title T] [--db URL | --data DIR]
  unspun feeds list [--format text|json] [--db URL | --data DIR]
  unspun feeds remove URL|ID [--db URL | --data DIR]

Manages the watched feeds (RSS, Atom or JSON feeds) in the database.
'unspun worker' (or 'unspun serve --watch') polls each feed when it is
due, with conditional GET, and analyses and stores every new item under
the feed's title as its source; a feed that fails is retried later and
later (the wait doubles with each failure, at most a day). list shows each
feed's last poll, its items by outcome (queued, stored, duplicate, failed)
and its last error. remove stops watching a feed; the articles stored from
it stay.

Examples:
  unspun feeds add https://feeds.bbci.co.uk/news/world/rss.xml --every 30m
  unspun feeds list --db postgres://unspun@db.example/unspun
  unspun feeds remove https://feeds.bbci.co.uk/news/world/rss.xml
`

// MinFeedInterval is the shortest polling interval a feed may have.
const MinFeedInterval = time.Second

func runFeeds(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "feeds", feedsUsage)
	every := fs.Duration("every", 15*time.Minute, "polling `interval` of an added feed")
	title := fs.String("title", "", "`title` of an added feed, its articles' source (default: the feed's own)")
	format := fs.String("format", "text", "list output: text or json")
	db := AddDBFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErrorf("want a subcommand: add, list or remove")
	}
	sub, rest := pos[0], pos[1:]
	want := map[string]int{"add": 1, "list": 0, "remove": 1}
	n, ok := want[sub]
	if !ok {
		return usageErrorf("unknown subcommand %q (want add, list or remove)", sub)
	}
	if len(rest) != n {
		if n == 0 {
			return usageErrorf("feeds %s takes no argument, got %q", sub, rest[0])
		}
		return usageErrorf("feeds %s wants one URL", sub)
	}
	if *every < MinFeedInterval {
		return usageErrorf("--every %v: at least %v", *every, MinFeedInterval)
	}
	if *format != "text" && *format != "json" {
		return usageErrorf("--format %q: want text or json", *format)
	}
	st, err := db.Open(ctx, env)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "add":
		u, err := watch.CheckURL(rest[0])
		if err != nil {
			return usageErrorf("%v", err)
		}
		f, err := st.AddFeed(ctx, u, *title, *every)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "watching %s (feed %d), polled every %v\n", f.URL, f.ID, f.Every)
	case "list":
		feeds, err := st.Feeds(ctx)
		if err != nil {
			return err
		}
		if *format == "json" {
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(server.FeedViews(feeds))
		}
		writeFeeds(env, feeds)
	case "remove":
		f, err := st.FeedByURL(ctx, rest[0])
		if errors.Is(err, store.ErrNotFound) {
			if id, perr := strconv.ParseInt(rest[0], 10, 64); perr == nil {
				f, err = st.Feed(ctx, id)
			}
		}
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%s: not a watched feed ('unspun feeds list' shows them)", rest[0])
		}
		if err != nil {
			return err
		}
		if err := st.DeleteFeed(ctx, f.ID); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "stopped watching %s (feed %d); its %d stored articles stay\n", f.URL, f.ID, f.Stored)
	}
	return st.Close()
}

func writeFeeds(env *Env, feeds []store.Feed) {
	if len(feeds) == 0 {
		fmt.Fprintln(env.Stdout, "no watched feeds ('unspun feeds add URL' adds one)")
		return
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\turl\ttitle\tevery\tlast poll\titems\tstored\tduplicate\tfailed\tqueued\tfailures\tlast error")
	for _, f := range feeds {
		last := "never"
		if !f.LastPoll.IsZero() {
			last = f.LastPoll.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%v\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", f.ID, f.URL, f.Title, f.Every, last,
			f.Items, f.Stored, f.Duplicates, f.Failed, f.Queued, f.Failures, f.LastError)
	}
	tw.Flush()
}
