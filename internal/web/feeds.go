package web

import (
	"strings"
	"time"

	"unspun/internal/store"
)

// PageFeeds is the page of watched feeds.
const PageFeeds = "feeds"

// FeedsData is the data of the watched-feeds page.
type FeedsData struct {
	Base
	Feeds []FeedRow
}

// FeedRow is one watched feed as the page shows it.
type FeedRow struct {
	store.Feed
	// LastPoll and NextPoll are formatted ("never" before the first).
	LastPoll, NextPoll string
	Every              string
}

// NewFeedsData builds the watched-feeds page.
func NewFeedsData(b Base, feeds []store.Feed) *FeedsData {
	d := &FeedsData{Base: b}
	for _, f := range feeds {
		row := FeedRow{Feed: f, LastPoll: "never", NextPoll: f.NextPoll.UTC().Format("2006-01-02 15:04 UTC")}
		if !f.LastPoll.IsZero() {
			row.LastPoll = f.LastPoll.UTC().Format("2006-01-02 15:04 UTC")
		}
		row.Every = shortDuration(f.Every)
		d.Feeds = append(d.Feeds, row)
	}
	return d
}

// shortDuration is d without zero minutes and seconds: "1h", "15m", "90s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if d%time.Minute == 0 {
		s = strings.TrimSuffix(s, "0s")
		if d%time.Hour == 0 {
			s = strings.TrimSuffix(s, "0m")
		}
	}
	return s
}
