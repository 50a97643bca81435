// Package storetest gives tests a real embedded store. The engine allows one
// storage path per process, so a test binary shares one engine and every
// test gets its own freshly migrated database in it.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/chdb"
)

var (
	mu      sync.Mutex
	backend *store.Embedded
	dataDir string
)

// RepoRoot finds the repository root (where `make` installs the engine) by
// walking up to scripts/install-chdb.sh; nested modules (the Grafana plugin)
// have go.mod files of their own.
func RepoRoot() string {
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "scripts", "install-chdb.sh")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// LibPath is the libchdb.so the tests use: $ALERTLENS_CHDB_LIB or the one
// `make` installs at the repository root.
func LibPath() string {
	if p := os.Getenv(chdb.LibEnv); p != "" {
		return p
	}
	return filepath.Join(RepoRoot(), chdb.DefaultLibPath)
}

// DataDir is this process's engine data directory (created on first use).
func DataDir(t testing.TB) string {
	mu.Lock()
	defer mu.Unlock()
	if dataDir == "" {
		sweepDead()
		d, err := os.MkdirTemp("", "alertlens-test-")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "pid"), []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
			t.Fatal(err)
		}
		dataDir = d
	}
	return dataDir
}

// UseDataDir makes dir this process's engine data directory, for a
// benchmark that keeps its data between runs. It must come before the
// engine's first use.
func UseDataDir(dir string) error {
	mu.Lock()
	defer mu.Unlock()
	if dataDir != "" && dataDir != dir {
		return fmt.Errorf("storetest: the engine already uses %s", dataDir)
	}
	dataDir = dir
	return nil
}

// sweepDead removes engine directories of earlier test processes that have
// exited. A process cannot remove its own: the engine's threads still use it
// until the very end, and pulling it from under them crashes the exit.
func sweepDead() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "alertlens-test-*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(string(b))
		if err != nil || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			_ = os.RemoveAll(d)
		}
	}
}

// Backend returns the process's embedded engine, opening it on first use.
func Backend(t testing.TB) *store.Embedded {
	t.Helper()
	dir := DataDir(t)
	mu.Lock()
	defer mu.Unlock()
	if backend == nil {
		b, err := store.OpenEmbedded(LibPath(), dir, 2)
		if err != nil {
			t.Fatalf("opening the embedded engine (run `make chdb` first): %v", err)
		}
		backend = b
	}
	return backend
}

// shared keeps Close from closing the process-wide connection.
type shared struct{ *store.Embedded }

func (shared) Close() error { return nil }

// NewDatabaseName returns a unique database name for one test.
func NewDatabaseName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "t_" + hex.EncodeToString(b)
}

// New returns a store on a new, migrated database, dropped when the test ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	b := Backend(t)
	db := NewDatabaseName()
	st, err := store.New(shared{b}, store.Options{Database: db, Retention: 400 * 24 * time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Exec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s SYNC", db)); err != nil {
			t.Logf("dropping %s: %v", db, err)
		}
	})
	return st
}

// Main runs the tests and exits the process. The engine's data directory
// is left for the next test process to sweep (see sweepDead).
//
// It exits with exit_group directly: under -race, os.Exit goes through
// TSan's exit(), which runs libchdb's C++ static destructors while the
// engine's background threads still run, and those then crash. A plain Go
// binary (alertlens itself) never runs them. Races found during the tests
// already failed them, so no report is lost.
func Main(m *testing.M) {
	code := m.Run()
	syscall.Exit(code)
}

// Count returns SELECT count() FROM db.table WHERE cond.
func Count(t testing.TB, st *store.Store, table, cond string) int {
	t.Helper()
	if cond == "" {
		cond = "1"
	}
	out, err := st.Query(context.Background(), fmt.Sprintf("SELECT count() AS n FROM {{db}}.%s WHERE %s", table, cond), nil)
	if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	var n int
	if _, err := fmt.Sscanf(string(out), `{"n":"%d"}`, &n); err != nil {
		if _, err2 := fmt.Sscanf(string(out), `{"n":%d}`, &n); err2 != nil {
			t.Fatalf("count %s: parsing %q: %v", table, out, err)
		}
	}
	return n
}
