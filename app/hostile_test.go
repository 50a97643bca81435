package app_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/config"
)

// dial opens a raw connection to the service and sends head (request line
// and headers) without a body.
func dial(t *testing.T, svc *apptest.Service, head string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(svc.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	return c
}

// closedWithin reports whether the server closed c (after whatever it
// answered) within d. The bounds below are ten times the configured
// timeouts: they tell "closed by the timeout" from "never closed", not how
// fast the machine is.
func closedWithin(c net.Conn, d time.Duration) (answer string, closed bool) {
	_ = c.SetReadDeadline(time.Now().Add(d))
	b, err := io.ReadAll(c)
	return string(b), err == nil // ReadAll returns nil only at EOF
}

func hostileConfig(t *testing.T) config.Config {
	cfg := apptest.Config(t)
	cfg.HTTP.ReadTimeout = config.Duration(time.Second)
	cfg.HTTP.IdleTimeout = config.Duration(time.Second)
	cfg.Webhook.Auth.BearerToken = "s3cret"
	return cfg
}

func TestHostileClients(t *testing.T) {
	svc := apptest.Start(t, hostileConfig(t))
	head := func(token string) string {
		return "POST /webhook/prod HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n" +
			token + "\r\n\r\n" + `{"version":"4",`
	}
	t.Run("slow body without credentials is refused at once", func(t *testing.T) {
		// A read timeout of a minute: an answer within 5 s did not wait
		// for the body.
		cfg := hostileConfig(t)
		cfg.HTTP.ReadTimeout = config.Duration(time.Minute)
		patient := apptest.Start(t, cfg)
		c := dial(t, patient, head("Authorization: Bearer wrong"))
		answer, closed := closedWithin(c, 5*time.Second)
		if !strings.HasPrefix(answer, "HTTP/1.1 401") || !closed {
			t.Fatalf("answer %q, closed %v; want 401 and the connection closed without waiting for the body", answer, closed)
		}
	})
	t.Run("slow body with credentials is cut off by the read timeout", func(t *testing.T) {
		c := dial(t, svc, head("Authorization: Bearer s3cret"))
		// Keep trickling, slower than the body could ever complete.
		go func() {
			for range 20 {
				time.Sleep(500 * time.Millisecond)
				if _, err := io.WriteString(c, " "); err != nil {
					return
				}
			}
		}()
		answer, _ := closedWithin(c, 10*time.Second)
		if !strings.HasPrefix(answer, "HTTP/1.1 408") || !strings.Contains(answer, "http.read_timeout") || strings.Contains(answer, "127.0.0.1") {
			t.Fatalf("answer %q; want 408 naming http.read_timeout (and no addresses) within 10 s of a slow body with a 1 s read timeout", answer)
		}
	})
	t.Run("idle keep-alive connections are closed", func(t *testing.T) {
		c := dial(t, svc, "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n")
		r := bufio.NewReader(c)
		resp, err := http.ReadResponse(r, nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("healthy: %v %v", resp, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := r.ReadByte(); err != io.EOF {
			t.Fatalf("idle connection not closed by the server within 10 s (idle timeout 1 s): %v", err)
		}
	})
	t.Run("auth scheme is case-insensitive", func(t *testing.T) {
		for _, scheme := range []string{"Bearer", "bearer", "BEARER"} {
			code, body := svc.Post(t, "/webhook/prod", "application/json", []byte(`{}`), "Authorization", scheme+" s3cret")
			if code != 400 { // authenticated, then refused as an empty payload
				t.Errorf("%s: %d %s, want past auth (400 for the empty payload)", scheme, code, body)
			}
		}
	})
	// The service still works after all of it.
	if code, body := svc.Get(t, "/-/ready"); code != 200 {
		t.Fatalf("ready: %d %s", code, body)
	}
}
