package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "alertlens-bin-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "alertlens")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building alertlens: %v\n%s", err, out)
		os.Exit(1)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	storetest.Main(m)
}

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func TestImportCommand(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	good, bad := filepath.Join("testdata", "good.ndjson"), filepath.Join("testdata", "bad-line2.ndjson")
	cases := []struct {
		name      string
		args      []string
		stdout    string
		stderrHas string
		code      int
	}{
		{"one file", []string{"import", "--url", svc.URL, good}, good + ": 3 lines, 3 rows\n", "", 0},
		{"two files", []string{"import", "--url", svc.URL, good, good},
			good + ": 3 lines, 3 rows\n" + good + ": 3 lines, 3 rows\ntotal: 2 files, 6 lines, 6 rows\n", "", 0},
		{"bad line", []string{"import", "--url", svc.URL, bad}, "", `alertlens import: testdata/bad-line2.ndjson: server answered 400: line 2: poll line without "alerts"`, 1},
		{"missing file", []string{"import", "--url", svc.URL, "testdata/nope.ndjson"}, "", "no such file or directory", 1},
		{"no file", []string{"import", "--url", svc.URL}, "", "no recording given", 1},
		{"server down", []string{"import", "--url", "http://127.0.0.1:1", good}, "", "connection refused", 1},
		{"unknown command", []string{"frobnicate"}, "", `unknown command "frobnicate"`, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := run(t, c.args...)
			if code != c.code || out != c.stdout || !strings.Contains(errOut, c.stderrHas) {
				t.Fatalf("exit %d, stdout %q, stderr %q\nwant exit %d, stdout %q, stderr containing %q", code, out, errOut, c.code, c.stdout, c.stderrHas)
			}
		})
	}
	// Three good imports of the same notification: each import is its own
	// replay, so each stores its rows (imports are not deduplicated).
	if n := svc.WaitCount(t, store.TableNotifications, "", 3); n != 3 {
		t.Fatalf("%d notifications after three imports", n)
	}
}

func TestServeRejectsBadConfig(t *testing.T) {
	_, errOut, code := run(t, "serve", "--store", "sqlite", "--poll-interval", "1s")
	if code != 1 || !strings.Contains(errOut, "store.kind:") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = run(t, "serve", "--alertmanager", "prod")
	if code != 1 || !strings.Contains(errOut, "want NAME=URL") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}
