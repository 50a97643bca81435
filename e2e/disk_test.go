package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alertlens/alertlens/store/storetest"
)

// hookFor is a webhook delivery of one firing alert.
func hookFor(fp string) string {
	return fmt.Sprintf(`{"version":"4","receiver":"team","status":"firing","groupKey":"g","truncatedAlerts":0,"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"",`+
		`"alerts":[{"status":"firing","labels":{"alertname":"Disk","n":%q},"annotations":{},"startsAt":"2026-12-01T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":%q}]}`, fp, fp)
}

func post(t *testing.T, u, body string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func freeBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * st.Bsize //nolint:gosec // block counts of a small tmpfs
}

// ballast allocates n bytes in a new file under dir.
func ballast(t *testing.T, dir, name string, n int64) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if err := syscall.Fallocate(int(f.Fd()), 0, 0, n); err != nil { //nolint:gosec // a file descriptor
		t.Fatalf("allocating %d bytes of ballast: %v", n, err)
	}
	return p
}

// The real binary on a small disk of its own (a 400 MiB tmpfs: this test
// mounts it, so it runs as root, as CI does). The disk fills: first under
// store.min_free_bytes, then completely. Alerts acknowledged before and
// during are all stored once space returns, once each; the full disk is
// answered 503, the service stays up, and readiness follows the disk by
// itself.
func TestFullDiskRecovers(t *testing.T) {
	disk := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(disk, 0o750); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=400m", "tmpfs", disk).CombinedOutput(); err != nil {
		t.Fatalf("mounting a tmpfs as a small disk (this test needs root): %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", disk).Run() })

	port := freePort(t)
	cfgFile := filepath.Join(t.TempDir(), "alertlens.yml")
	cfg := fmt.Sprintf(`listen: 127.0.0.1:%d
store:
  data_dir: %s
  chdb_lib: %s
  min_free_bytes: 100MiB
queue:
  segment_bytes: 1MiB
  max_bytes: 64MiB
  flush_interval: 50ms
  min_backoff: 50ms
  max_backoff: 500ms
  not_ready_after: 1s
`, port, disk, storetest.LibPath())
	if err := os.WriteFile(cfgFile, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	svc := newProcess(t, cli(t), port, "serve", "--config", cfgFile)
	svc.start()
	hook := svc.url + "/webhook"
	stored := func() int {
		q := url.Values{"by": {"alertname"}, "from": {"2026-12-01T00:00:00Z"}, "to": {"2026-12-31T00:00:00Z"}}
		code, body := get(t, svc.url+"/api/v1/noise?"+q.Encode())
		if code != 200 {
			t.Fatalf("noise: %d %s", code, body)
		}
		var ans struct{ Rows []struct{ Notifications int } }
		if err := json.Unmarshal([]byte(body), &ans); err != nil {
			t.Fatal(err)
		}
		if len(ans.Rows) == 0 {
			return 0
		}
		return ans.Rows[0].Notifications
	}

	if code, _, body := post(t, hook, hookFor("00000000000000d1")); code != 200 {
		t.Fatalf("first alert: %d %s", code, body)
	}
	eventually(t, "the first alert stored", 20*time.Second, func() bool { return stored() == 1 })

	// Under the headroom: the alert is acknowledged (queued), not written,
	// and readiness says why.
	low := ballast(t, disk, "ballast-1", freeBytes(t, disk)-60<<20)
	if code, _, body := post(t, hook, hookFor("00000000000000d2")); code != 200 {
		t.Fatalf("alert under the headroom: %d %s", code, body)
	}
	var ready string
	eventually(t, "not ready while under the headroom", 20*time.Second, func() bool {
		code, body := get(t, svc.url+"/-/ready")
		ready = body
		return code == 503
	})
	if !strings.Contains(ready, "store.min_free_bytes") || strings.Contains(ready, disk) {
		t.Errorf("readiness says %q: want the setting named and no path", ready)
	}
	if n := stored(); n != 1 {
		t.Errorf("%d notifications stored under the headroom, want 1 (the second waits in the queue)", n)
	}

	// The disk completely full: once the queue's last segment is used up
	// (it is allocated ahead) the webhook answers 503 with Retry-After —
	// Alertmanager retries — and the service stays up. What it answered
	// 200 before that is acknowledged.
	full := ballast(t, disk, "ballast-2", freeBytes(t, disk))
	acknowledged := 2
	refused := false
	for i := 0; i < 20000 && !refused; i++ {
		code, hdr, body := post(t, hook, hookFor(fmt.Sprintf("%016x", 0xe0000+i)))
		switch {
		case code == 200:
			acknowledged++
		case code == 503 && hdr.Get("Retry-After") != "" && !strings.Contains(body, disk):
			refused = true
		default:
			t.Fatalf("alert on a full disk: %d (Retry-After %q) %s; want 200 or 503 with Retry-After and no path", code, hdr.Get("Retry-After"), body)
		}
	}
	if !refused {
		t.Fatalf("%d alerts acknowledged on a full disk and none refused", acknowledged-2)
	}
	// Space returns: ready again by itself, and both acknowledged alerts
	// are stored, once each.
	for _, f := range []string{full, low} {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "ready again", 30*time.Second, func() bool { code, _ := get(t, svc.url+"/-/ready"); return code == 200 })
	eventually(t, "every acknowledged alert stored", 60*time.Second, func() bool { return stored() == acknowledged })
	time.Sleep(time.Second) // a late duplicate insert would show by now
	if n := stored(); n != acknowledged {
		t.Errorf("%d notifications stored, want the %d acknowledged", n, acknowledged)
	}
	t.Logf("%d alerts acknowledged in all; the full disk refused one after %d", acknowledged, acknowledged-2)
}
