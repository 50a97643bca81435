// Package apptest runs a whole alertlens in-process for tests: real embedded
// engine (one per test binary, a fresh database per service), real queue,
// HTTP on a free loopback port.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app"
	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/store/storetest"
)

// Config returns a configuration for a test service: shared engine data
// dir, its own database and queue, fast flushes.
func Config(t testing.TB) config.Config {
	c := config.Default()
	c.Listen = "127.0.0.1:0"
	c.Store.DataDir = storetest.DataDir(t)
	c.Store.ChdbLib = storetest.LibPath()
	c.Store.Database = storetest.NewDatabaseName()
	dir := t.TempDir()
	c.Queue.Dir = filepath.Join(dir, "queue")
	c.Queue.DeadLetter = filepath.Join(dir, "dead-letter.ndjson")
	c.Queue.FlushInterval = config.Duration(20 * time.Millisecond)
	c.Queue.MinBackoff = config.Duration(10 * time.Millisecond)
	c.Queue.MaxBackoff = config.Duration(200 * time.Millisecond)
	c.PollInterval = config.Duration(time.Second)
	c.PollTimeout = config.Duration(2 * time.Second)
	c.CheckpointInterval = config.Duration(time.Minute)
	// The suites' windows are days long: with the default span they would
	// never read a seal, and the suites' sealed run would check nothing.
	c.Store.SealMinSpan = 0
	// make test runs the analyses' suites a second time with episodes
	// built from the raw rows (store.episodes_from_raw set through its
	// environment variable): both ways must give the same answers.
	if v, err := strconv.ParseBool(os.Getenv(config.EnvName("store.episodes_from_raw"))); err == nil {
		c.Store.EpisodesFromRaw = v
	}
	return c
}

// Service is a running alertlens.
type Service struct {
	*app.App
	URL string
	Cfg config.Config
}

// Start starts a service with cfg (see Config); it stops when the test ends.
func Start(t testing.TB, cfg config.Config) *Service {
	t.Helper()
	storetest.Backend(t) // boot the engine on the shared path first
	log := slog.New(slog.DiscardHandler)
	if os.Getenv("ALERTLENS_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	a, err := app.New(context.Background(), cfg, log)
	if err != nil {
		t.Fatalf("starting alertlens: %v", err)
	}
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Service{App: a, URL: "http://" + a.Addr(), Cfg: cfg}
	t.Cleanup(func() { s.Stop(t) })
	return s
}

// Stop stops the service (idempotent).
func (s *Service) Stop(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.App.Stop(ctx); err != nil {
		t.Errorf("stopping alertlens: %v", err)
	}
}

// Post sends body to path and returns the status and body.
func (s *Service) Post(t testing.TB, path, contentType string, body []byte, hdr ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// Get fetches path.
func (s *Service) Get(t testing.TB, path string) (int, []byte) {
	t.Helper()
	resp := s.get(t, path)
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// get sends GET path and returns the response, its body unread.
func (s *Service) get(t testing.TB, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// GetAnswer is Get for a benchmark: a 200's body is read to its end and
// dropped (nil), any other's returned. A client keeping a large answer
// grows its buffer by doubling, clearing each new one, on the cores the
// service answers on: for 90 days' episodes of one team at a big
// Alertmanager's scale (76 MB) that was half a second of CPU an ask,
// counted as the service's time.
func (s *Service) GetAnswer(t testing.TB, path string) (int, []byte) {
	t.Helper()
	resp := s.get(t, path)
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatalf("GET %s: reading the answer: %v", path, err)
	}
	return resp.StatusCode, nil
}

// Count returns the rows of table matching cond.
func (s *Service) Count(t testing.TB, table, cond string) int {
	return storetest.Count(t, s.Store, table, cond)
}

// WaitCount waits until table has at least n rows matching cond and
// returns the count; it fails the test after 30 seconds.
func (s *Service) WaitCount(t testing.TB, table, cond string, n int) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := s.Count(t, table, cond)
		if got >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 30s for %d rows in %s where %s; have %d", n, table, cond, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitDrained waits until the writer stored everything queued so far (the
// cursor moves only after the store took the rows); it fails the test after
// 30 seconds.
func (s *Service) WaitDrained(t testing.TB) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); s.Queue.Stats().Bytes > 0; {
		if time.Now().After(deadline) {
			t.Fatalf("queue not drained after 30s: %d bytes left", s.Queue.Stats().Bytes)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// make test runs the analyses' suite once more with the per-day
	// summaries merged and the finished months' episodes sealed after
	// every drain, as store.compact_interval does in service (the suite's
	// recordings are of finished months: their episodes are read sealed):
	// merged, sealed or not, the answers are the same.
	if v, _ := strconv.ParseBool(os.Getenv("ALERTLENS_TEST_MERGE_SUMMARIES")); v {
		if err := s.Compact(context.Background()); err != nil {
			t.Fatalf("compacting the summaries: %v", err)
		}
	}
}

// Rows runs a query and decodes each JSONEachRow line into a map.
func (s *Service) Rows(t testing.TB, sql string, params map[string]string) []map[string]any {
	t.Helper()
	out, err := s.Store.Query(context.Background(), sql, params)
	if err != nil {
		t.Fatalf("query %q: %v", sql, err)
	}
	var rows []map[string]any
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, m)
	}
	return rows
}
