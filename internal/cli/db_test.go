package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"unspun/internal/store"
)

func TestDBFlags(t *testing.T) {
	dir := t.TempDir()
	art := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(art, []byte("Headline\n\nThe regime lies, and the terrible plan will ruin us all.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": filepath.Join(dir, "home")}
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		wantDB string
	}{
		{"--db path", env, []string{"--db", filepath.Join(dir, "x", "my.db")}, filepath.Join(dir, "x", "my.db")},
		{"--db sqlite: URL", env, []string{"--db", "sqlite:" + filepath.Join(dir, "y.db")}, filepath.Join(dir, "y.db")},
		{"--data", env, []string{"--data", filepath.Join(dir, "d")}, filepath.Join(dir, "d", store.DefaultFile)},
		{"$UNSPUN_DB", map[string]string{"HOME": env["HOME"], "UNSPUN_DB": filepath.Join(dir, "env.db")}, nil, filepath.Join(dir, "env.db")},
		{"default", env, nil, filepath.Join(dir, "home", ".local", "share", "unspun", store.DefaultFile)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"batch", "--store", "--format", "jsonl"}, tt.args...)
			_, stderr, code := runMainEnv("", false, tt.env, append(args, art)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if want := "stored 1 article in " + tt.wantDB + "\n"; !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
			if _, err := os.Stat(tt.wantDB); err != nil {
				t.Error(err)
			}
		})
	}
	_, stderr, code := runMainEnv("", false, env, "batch", "--store", "--db", "x.db", "--data", dir, art)
	if code != ExitUsage || !strings.Contains(stderr, "give --db or --data, not both") {
		t.Errorf("--db and --data: exit %d: %s", code, stderr)
	}
	_, stderr, code = runMainEnv("", false, env, "batch", "--store", "--db", "mysql://host/db", art)
	if code != ExitRuntime || !strings.Contains(stderr, `unknown scheme "mysql"`) {
		t.Errorf("--db mysql://: exit %d: %s", code, stderr)
	}
}

// TestReadOnlyDataDir is issue 13's "create migrations table: unable to
// open database file (14)": the message must name the directory and why.
func TestReadOnlyDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
			t.Skipf("chattr: %v %s", err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
	} else {
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
	}
	for _, args := range [][]string{
		{"batch", "--store", "--data", dir, "testdata/analyze/article.txt"},
		{"serve", "--addr", "127.0.0.1:0", "--data", dir},
	} {
		_, stderr, code := runMainEnv("", false, map[string]string{"HOME": t.TempDir()}, args...)
		if code != ExitRuntime || !strings.Contains(stderr, dir) || !strings.Contains(stderr, "database is read-only") ||
			!strings.Contains(stderr, "--data") || strings.Contains(stderr, "(14)") {
			t.Errorf("unspun %s: exit %d: %s", args[0], code, stderr)
		}
	}
}

func TestDamagedDatabase(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, store.DefaultFile), []byte(strings.Repeat("not a database ", 500)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runMainEnv("", false, map[string]string{"HOME": t.TempDir()}, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	if code != ExitRuntime || !strings.Contains(stderr, "database is damaged") || !strings.Contains(stderr, ".recover") {
		t.Errorf("serve on a damaged database: exit %d: %s", code, stderr)
	}
}
