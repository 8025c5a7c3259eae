// Package batch runs the analyzer over many articles: it gathers them from
// folders, files, standard input and RSS, Atom or JSON feeds, analyses them
// concurrently, and hands the results back in input order, one at a time,
// so that thousands of articles pass through in bounded memory. It also
// aggregates results per source, the view that compares news sources.
package batch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"unspun/internal/corpus"
)

// MaxFeedBytes caps the size of one feed document.
const MaxFeedBytes = 20 << 20

// feedTimeout bounds the download of a feed given as a URL.
const feedTimeout = 30 * time.Second

// Item is one article to analyse: where it comes from and what is known
// of it before it is read. A feed item has
// a URL unless the feed gives it no link; a file has a Path.
type Item struct {
	// Source names the group the article is compared in: the feed's
	// title, the folder's name, or the name the user chose.
	Source string
	// Path is the article's file, or "-" for standard input.
	Path string
	// URL is the link of a feed item.
	URL string
	// ID names the article in labels rows: the id of an articleID.txt
	// file, else the file name without its extension, "stdin", or the
	// item's URL.
	ID string
	// Title is the feed item's title; for files it is filled in from the
	// text's first line once read.
	Title string
	// Published is the feed item's date; zero if unknown.
	Published time.Time
	// Feed is the feed the item came from (its path or URL); "" for
	// files.
	Feed string
	// Fallback is the feed's own text of the item (its content, else its
	// description), as plain text; it is analysed when the link cannot be
	// fetched or fetching is off.
	Fallback string
}

// Name is how messages refer to the item: its path or URL.
func (it *Item) Name() string {
	switch {
	case it.Path == "-":
		return "standard input"
	case it.Path != "":
		return it.Path
	case it.URL != "":
		return it.URL
	}
	return it.Feed + " " + it.ID
}

// GatherOptions configures Gather.
type GatherOptions struct {
	// Source, when not empty, is the source of every item.
	Source string
	// Client downloads feeds given as URLs; nil means a client with a
	// 30-second timeout. Feed URLs are the user's own choice and are
	// fetched as given; the links inside a feed are fetched by the
	// Runner's fetch.Fetcher, which refuses private addresses.
	Client *http.Client
}

// Gather turns command-line sources into the items to analyse, in order.
// A source is a folder (every .txt file under it, recursively, in lexical
// order; hidden files and folders are skipped), an article file, "-" for
// one article on standard input, a feed file (.xml, .rss, .atom or .json)
// or a feed URL (http or https). Articles are not read yet; feeds are
// downloaded and parsed, so that a missing path or a malformed feed is
// reported, naming it, before any analysis starts.
func Gather(ctx context.Context, sources []string, o GatherOptions) ([]Item, error) {
	if len(sources) == 0 {
		return nil, errors.New("no sources")
	}
	var items []Item
	stdin := false
	for _, src := range sources {
		var got []Item
		var err error
		switch {
		case src == "-":
			if stdin {
				return nil, errors.New("standard input (-) given twice")
			}
			stdin = true
			got = []Item{{Source: "stdin", Path: "-", ID: "stdin"}}
		case isURL(src):
			got, err = gatherFeedURL(ctx, src, o.Client)
		default:
			got, err = gatherPath(src)
		}
		if err != nil {
			return nil, err
		}
		if o.Source != "" {
			for i := range got {
				got[i].Source = o.Source
			}
		}
		items = append(items, got...)
	}
	return items, nil
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// isFeedFile reports whether path names a feed by its extension.
func isFeedFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xml", ".rss", ".atom", ".json":
		return true
	}
	return false
}

func gatherPath(path string) ([]Item, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file or folder", path)
		}
		return nil, err
	}
	if !st.IsDir() {
		if isFeedFile(path) {
			return gatherFeedFile(path)
		}
		if e := strings.ToLower(filepath.Ext(path)); e == ".html" || e == ".htm" {
			return nil, fmt.Errorf("%s: HTML files are not supported; save the article as plain text (.txt), or list it in a feed", path)
		}
		return []Item{fileItem(path, folderName(filepath.Dir(path)))}, nil
	}
	source := folderName(path)
	var items []Item
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != path && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.EqualFold(filepath.Ext(p), ".txt") {
			return nil
		}
		regular := d.Type().IsRegular()
		if d.Type()&fs.ModeSymlink != 0 {
			// A link to an article file counts; links to folders are
			// not followed, which could loop.
			st, err := os.Stat(p)
			regular = err == nil && st.Mode().IsRegular()
		}
		if regular {
			items = append(items, fileItem(p, source))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read folder %s: %w", path, err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s: no .txt articles in this folder", path)
	}
	return items, nil
}

// folderName is the base name of dir, resolving "." and the like.
func folderName(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	name := filepath.Base(dir)
	if name == string(filepath.Separator) || name == "." {
		return dir
	}
	return name
}

func fileItem(path, source string) Item {
	id := corpus.ArticleID(path)
	if id == "" {
		base := filepath.Base(path)
		id = strings.TrimSuffix(base, filepath.Ext(base))
	}
	return Item{Source: source, Path: path, ID: id}
}

func gatherFeedFile(path string) ([]Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	items, err := parseFeed(f, path, "")
	if err != nil {
		return nil, err
	}
	if len(items) > 0 && items[0].Source == "" {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		for i := range items {
			items[i].Source = name
		}
	}
	return items, nil
}

func gatherFeedURL(ctx context.Context, rawURL string, client *http.Client) ([]Item, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("feed %s: not a valid URL", rawURL)
	}
	if client == nil {
		client = &http.Client{Timeout: feedTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", u.Redacted(), err)
	}
	req.Header.Set("User-Agent", "unspun/1 (+article analysis)")
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8")
	resp, err := client.Do(req)
	if err != nil {
		// url.Error repeats the URL the message already names.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("feed %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("feed %s: server answered %s", u.Redacted(), resp.Status)
	}
	items, err := parseFeed(resp.Body, u.Redacted(), resp.Request.URL.String())
	if err != nil {
		return nil, err
	}
	if len(items) > 0 && items[0].Source == "" {
		for i := range items {
			items[i].Source = u.Hostname()
		}
	}
	return items, nil
}

// parseFeed reads a feed named name; base resolves relative item links
// (empty for local files, whose relative links cannot be fetched).
func parseFeed(r io.Reader, name, base string) ([]Item, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFeedBytes+1))
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", name, err)
	}
	if len(b) > MaxFeedBytes {
		return nil, fmt.Errorf("feed %s: larger than %d MB", name, MaxFeedBytes>>20)
	}
	feed, err := gofeed.NewParser().ParseString(string(b))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, fmt.Errorf("feed %s: not an RSS, Atom or JSON feed (a web page or other file?); batch reads feeds, folders and text files", name)
	}
	if err != nil {
		return nil, fmt.Errorf("feed %s: not a valid RSS, Atom or JSON feed: %v", name, err)
	}
	if len(feed.Items) == 0 {
		return nil, fmt.Errorf("feed %s: no items", name)
	}
	var baseURL *url.URL
	if base != "" {
		baseURL, _ = url.Parse(base)
	}
	source := oneLine(feed.Title)
	items := make([]Item, 0, len(feed.Items))
	for i, fi := range feed.Items {
		it := Item{Source: source, Feed: name, Title: oneLine(fi.Title), URL: itemLink(fi, baseURL)}
		switch {
		case fi.PublishedParsed != nil:
			it.Published = *fi.PublishedParsed
		case fi.UpdatedParsed != nil:
			it.Published = *fi.UpdatedParsed
		}
		it.Fallback = htmlText(fi.Content)
		if strings.TrimSpace(it.Fallback) == "" {
			it.Fallback = htmlText(fi.Description)
		}
		it.ID = it.URL
		if it.ID == "" {
			it.ID = fmt.Sprintf("item%d", i+1)
		}
		items = append(items, it)
	}
	return items, nil
}

// itemLink is the item's absolute http(s) link, or "".
func itemLink(fi *gofeed.Item, base *url.URL) string {
	links := append([]string{fi.Link}, fi.Links...)
	for _, l := range links {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		u, err := url.Parse(l)
		if err != nil {
			continue
		}
		if !u.IsAbs() && base != nil {
			u = base.ResolveReference(u)
		}
		if u.Scheme == "http" || u.Scheme == "https" {
			return u.String()
		}
	}
	return ""
}

// oneLine collapses runs of white space, for titles.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
