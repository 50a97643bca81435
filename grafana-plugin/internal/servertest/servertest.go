// Package servertest runs the real alertlens binary for the plugin's tests:
// built once from the repository, started on a loopback port with a fresh
// data directory. The plugin module then needs nothing of the service's
// code, only its models.
package servertest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binary    string
	errBuild  error
)

// repoRoot is the alertlens repository, two folders above this module's
// internal/servertest.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

func build() (string, error) {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "alertlens-plugin-test-")
		if err != nil {
			errBuild = err
			return
		}
		binary = filepath.Join(dir, "alertlens")
		cmd := exec.CommandContext(context.Background(), "go", "build", "-o", binary, "./cmd/alertlens")
		cmd.Dir = repoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			errBuild = fmt.Errorf("building alertlens: %w\n%s", err, out)
		}
	})
	return binary, errBuild
}

// Server is a running alertlens.
type Server struct {
	URL string
}

var addrRE = regexp.MustCompile(`"?addr"?[=:]"?(127\.0\.0\.1:[0-9]+)`)

// Start runs alertlens serve with env (ALERTLENS_… settings) added, and
// stops it when the test ends.
func Start(t testing.TB, env ...string) *Server {
	t.Helper()
	bin, err := build()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir())
	cmd.Dir = repoRoot() // where the engine library is found by default
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	addr := make(chan string, 1)
	var logBuf bytes.Buffer
	var mu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			logBuf.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case a := <-addr:
		s := &Server{URL: "http://" + a}
		s.waitReady(t)
		return s
	case <-time.After(60 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("alertlens did not say where it listens within 60s; its log:\n%s", logBuf.String())
	}
	return nil
}

func (s *Server) waitReady(t testing.TB) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; {
		if code, _ := s.get("/-/ready"); code == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("alertlens not ready within 60s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) get(path string) (int, string) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, s.URL+path, nil)
	if err != nil {
		return 0, err.Error()
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var queueRE = regexp.MustCompile(`(?m)^alertlens_queue_bytes ([0-9.e+]+)$`)

// Import posts a recording and waits until its rows are in the store: the
// writer empties the queue only once the store took the rows.
func (s *Server) Import(t testing.TB, recording string) {
	t.Helper()
	body, err := os.ReadFile(recording)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.URL+"/api/v1/import", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("import %s: %d %s", recording, resp.StatusCode, b)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, metrics := s.get("/metrics")
		if m := queueRE.FindStringSubmatch(metrics); m != nil && m[1] == "0" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the queue did not drain within 30s after importing %s", recording)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Testdata is a recording in the service's api/testdata.
func Testdata(name string) string {
	return filepath.Join(repoRoot(), "api", "testdata", name)
}

// Env builds an ALERTLENS_ setting for Start.
func Env(name, value string) string {
	return "ALERTLENS_" + strings.ToUpper(name) + "=" + value
}
