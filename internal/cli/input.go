package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"unicode/utf8"
	"unspun/internal/analysis"

	"unspun/internal/corpus"
	"unspun/internal/ctxio"
)

// untilDone returns f's result, or ctx's cause as soon as ctx ends, for
// steps that do not watch a context (decoding the model takes about a
// second on a busy machine): Ctrl-C stops the command at once, and f is
// left to finish as the process exits.
func untilDone[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, context.Cause(ctx)
	}
}

// interrupted is the error of a read that ctx cut short: a signal, said
// plainly, so that a user who pressed Ctrl-C on a waiting command knows
// why it stopped.
func interrupted(ctx context.Context, name string) error {
	return fmt.Errorf("%s: stopped before the article was read (%v)", name, context.Cause(ctx))
}

// Checks on the files and folders the commands read, so that bad input
// gets an error naming the file and the reason before any work is done.

// maxIDListBytes bounds a file of article ids: the PTC's lists are a few
// kilobytes.
const maxIDListBytes = 1 << 20

// maxIDLen is the longest article id accepted; PTC ids are 9 digits.
const maxIDLen = 200

// requireDir checks that path, given for flag, is an existing folder.
func requireDir(flag, path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s %s is not a folder", flag, path)
	}
	return nil
}

// readArticle reads one article from r, named name in errors, with
// corpus.DecodeText's checks (binary, UTF-8), refusing more than
// analysis.MaxBytes before reading further. It gives up when ctx ends
// (Ctrl-C while a pipe's writer is idle).
func readArticle(ctx context.Context, name string, r io.Reader) (string, error) {
	b, err := ctxio.ReadAll(ctx, r, analysis.MaxBytes)
	if err != nil {
		if ctx.Err() != nil {
			return "", interrupted(ctx, name)
		}
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > analysis.MaxBytes {
		return "", fmt.Errorf("%s: the article is larger than %d MB", name, analysis.MaxBytes>>20)
	}
	return corpus.DecodeText(name, bytes.NewReader(b))
}

// readArticleFolder reads the articleID.txt files of the folder that flag
// names, after checking it is a folder whose articles can be read safely
// (see checkArticleFolder).
func readArticleFolder(flag, dir string, maxBytes int64) ([]*corpus.Article, error) {
	if err := requireDir(flag, dir); err != nil {
		return nil, err
	}
	if err := checkArticleFolder(dir, nil, maxBytes); err != nil {
		return nil, err
	}
	return corpus.ReadArticles(dir, nil)
}

// checkArticleFolder checks, before corpus.ReadArticles reads them, the
// articleID.txt files of dir (only those of ids when ids is not nil):
// each must be a regular file (a named pipe would block the read forever)
// and, when maxBytes > 0, at most maxBytes long, so an oversized article
// is refused with the limit that applies without reading it.
func checkArticleFolder(dir string, ids []string, maxBytes int64) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var want map[string]bool
	if ids != nil {
		want = make(map[string]bool, len(ids))
		for _, id := range ids {
			want[id] = true
		}
	}
	for _, e := range entries {
		id := corpus.ArticleID(e.Name())
		if id == "" || e.IsDir() || (want != nil && !want[id]) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		switch {
		case st.IsDir():
			// A symbolic link to a folder.
			return fmt.Errorf("%s is a folder, not an article file", p)
		case !st.Mode().IsRegular():
			return fmt.Errorf("%s is not a regular file, not an article", p)
		case maxBytes > 0 && st.Size() > maxBytes:
			return fmt.Errorf("%s: the article is larger than %d MB", p, maxBytes>>20)
		}
	}
	return nil
}

// checkAnalysable refuses articles the pipeline refuses: corpus reads
// articles of up to corpus.MaxArticleBytes, analysis takes up to
// analysis.MaxBytes.
func checkAnalysable(arts []*corpus.Article) error {
	for _, a := range arts {
		if len(a.Doc.Text) > analysis.MaxBytes {
			return fmt.Errorf("%s: the article is larger than %d MB", a.Path, analysis.MaxBytes>>20)
		}
	}
	return nil
}

// readIDList reads a file of article ids, one a line, as corpus.ReadIDs
// does, but refuses a folder, a binary, non-UTF-8 or oversized file, a
// file without ids and ids too long to be ids, rather than passing their
// bytes on to later error messages.
func readIDList(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a folder, not a file of article ids", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxIDListBytes+1))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case len(b) > maxIDListBytes:
		return nil, fmt.Errorf("%s: larger than %d MB, not a file of article ids", path, maxIDListBytes>>20)
	case bytes.IndexByte(b, 0) >= 0:
		return nil, fmt.Errorf("%s: binary file (NUL byte at offset %d), not a file of article ids", path, bytes.IndexByte(b, 0))
	case !utf8.Valid(b):
		return nil, fmt.Errorf("%s: not valid UTF-8, not a file of article ids", path)
	}
	ids, err := corpus.ReadIDs(path)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s: no article ids", path)
	}
	for _, id := range ids {
		if len(id) > maxIDLen {
			return nil, fmt.Errorf("%s: %q… is too long to be an article id", path, string([]rune(id)[:20]))
		}
	}
	return ids, nil
}
