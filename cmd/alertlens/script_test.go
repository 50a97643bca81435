package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/alertlens/alertlens/store/storetest"
)

// TestScripts runs the CLI scripts in testdata/script (txtar, as pint's
// are): each a session at a terminal, the real binary on PATH, and where a
// script says `serve RECORDING`, a real alertlens on a data directory of
// its own with that recording (from api/testdata) imported, at $URL.
func TestScripts(t *testing.T) {
	recordings, err := filepath.Abs(filepath.Join("..", "..", "api", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", filepath.Dir(binary)+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("ALERTLENS_CLI_CONFIG", "")
			env.Setenv("HOME", env.WorkDir) // no CLI config file of the machine's
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"serve": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: serve RECORDING")
				}
				ts.Setenv("URL", serveRecording(ts, filepath.Join(recordings, args[0])))
			},
		},
	})
}

// serveRecording starts `alertlens serve` on a free port and a data
// directory in the script's work directory, imports the recording, and
// returns the server's URL; the process ends with the script.
func serveRecording(ts *testscript.TestScript, recording string) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	port := l.Addr().(*net.TCPAddr).Port
	ts.Check(l.Close())
	url := "http://127.0.0.1:" + strconv.Itoa(port)
	var log bytes.Buffer
	cmd := exec.Command(binary, "serve", "--listen", "127.0.0.1:"+strconv.Itoa(port), "--data-dir", ts.MkAbs("data"))
	cmd.Env = append(os.Environ(), "ALERTLENS_CHDB_LIB="+storetest.LibPath())
	cmd.Stdout, cmd.Stderr = &log, &log
	ts.Check(cmd.Start())
	ts.Defer(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(url + "/-/ready")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			ts.Fatalf("alertlens did not get ready:\n%s", log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	out, err := exec.Command(binary, "import", "--url", url, recording).CombinedOutput()
	if err != nil {
		ts.Fatalf("importing %s: %v\n%s", recording, err, out)
	}
	return url
}
