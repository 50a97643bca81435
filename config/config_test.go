package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/alertlens/alertlens/workhours"
)

func TestLoadGood(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "good.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9999" || c.Store.Retention != Duration(90*24*time.Hour) || c.Queue.MaxBytes != 2<<30 ||
		c.Queue.Fsync != "never" || c.Webhook.DedupWindow != Duration(30*time.Second) || len(c.Sources) != 2 ||
		c.PollInterval != Duration(30*time.Second) || c.Queue.BatchRows != 10000 {
		t.Fatalf("loaded %+v", c)
	}
	if got := c.QueueDir(); got != "/var/lib/alertlens/queue" {
		t.Fatalf("queue dir %s", got)
	}
}

func TestLoadBadNamesTheField(t *testing.T) {
	cases := map[string]string{
		"bad-unknown-field.yml": "field storage not found",
		"bad-store-kind.yml":    "store.kind:",
		"bad-source-name.yml":   "sources[0].name:",
		"bad-source-url.yml":    "sources[0].url:",
		"bad-source-dup.yml":    "sources[1].name:",
		"bad-duration.yml":      `invalid duration "soon"`,
		"bad-size.yml":          `invalid size "lots"`,
		// A bare number is no duration: the error names the field.
		"bad-duration-bare-number.yml": `poll_interval: "15" is not a duration`,
		"bad-fsync.yml":                "queue.fsync:",
		"bad-auth-both.yml":            "webhook.auth:",
		"bad-clickhouse-no-dsn.yml":    "store.clickhouse.dsn:",
		"bad-retention.yml":            "store.retention:",
		"bad-compact-interval.yml":     "store.compact_interval: 30s is neither 0 nor at least 1m",
		"bad-seal-min-span.yml":        "store.seal_min_span: -24h0m0s is negative",
		"bad-tls.yml":                  "tls:",
		"bad-yaml.yml":                 "yaml",
	}
	for file, want := range cases {
		t.Run(file, func(t *testing.T) {
			c, err := Load(filepath.Join("testdata", file))
			if err == nil {
				err = c.Validate()
			}
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v, want one containing %q", err, want)
			}
		})
	}
}

func TestPrecedenceFlagsOverEnvOverFile(t *testing.T) {
	t.Setenv("ALERTLENS_LISTEN", ":7000")
	t.Setenv("ALERTLENS_STORE_DATA_DIR", "/env/data")
	t.Setenv("ALERTLENS_QUEUE_BATCH_ROWS", "500")
	t.Setenv("ALERTLENS_ALERTMANAGER", "env=http://env:9093")
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	build := Flags(fs)
	if err := fs.Parse([]string{"--config", filepath.Join("testdata", "good.yml"), "--listen", ":8000",
		"--alertmanager", "a=http://a:9093", "--alertmanager", "b=http://b:9093"}); err != nil {
		t.Fatal(err)
	}
	c, err := build()
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":8000" {
		t.Errorf("listen %q: the flag should win over env and file", c.Listen)
	}
	if c.Store.DataDir != "/env/data" || c.Queue.BatchRows != 500 {
		t.Errorf("data dir %q, batch %d: env should win over the file", c.Store.DataDir, c.Queue.BatchRows)
	}
	if c.Queue.Fsync != "never" {
		t.Errorf("fsync %q: the file's value should stand", c.Queue.Fsync)
	}
	if len(c.Sources) != 2 || c.Sources[0].Name != "a" || c.Sources[1].URL != "http://b:9093" {
		t.Errorf("sources %+v: the flags should replace env and file", c.Sources)
	}
}

func TestFlagErrorsNameTheField(t *testing.T) {
	for _, args := range [][]string{
		{"--poll-interval", "fast"},
		{"--alertmanager", "noequals"},
		{"--store", "sqlite"},
		{"--queue-max-bytes", "100"},
	} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		build := Flags(fs)
		if err := fs.Parse(args); err != nil {
			continue // rejected by the flag package itself: also fine
		}
		_, err := build()
		if err == nil {
			t.Errorf("%v accepted", args)
			continue
		}
		name := strings.TrimPrefix(args[0], "--")
		field := map[string]string{"poll-interval": "poll_interval", "alertmanager": "alertmanager", "store": "store.kind", "queue-max-bytes": "queue.max_bytes"}[name]
		if !strings.Contains(err.Error(), field) {
			t.Errorf("%v: error %q does not name %s", args, err, field)
		}
	}
}

func TestSecretsAreHidden(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "good.yml"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "hunter2") || !strings.Contains(string(b), "<secret>") {
		t.Fatalf("marshalled config shows the secret:\n%s", b)
	}
}

func TestDurationsAndSizes(t *testing.T) {
	for in, want := range map[string]time.Duration{"15s": 15 * time.Second, "7d": 7 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "1h30m": 90 * time.Minute, "0.5d": 12 * time.Hour} {
		d, err := ParseDuration(in)
		if err != nil || time.Duration(d) != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, d, err, want)
		}
	}
	for in, want := range map[string]Bytes{"1024": 1024, "64MiB": 64 << 20, "1GiB": 1 << 30, "512KiB": 512 << 10} {
		b, err := ParseBytes(in)
		if err != nil || b != want {
			t.Errorf("ParseBytes(%q) = %v, %v; want %v", in, b, err, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"good.yml", "bad-unknown-field.yml", "bad-source-dup.yml", "bad-yaml.yml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c := Default()
		if err := Parse(b, &c); err != nil {
			return
		}
		_ = c.Validate() // must not panic
	})
}

// Sleep hours with no time zone of their own are in each receiver's: the
// working-hours zone of that receiver, else the global one.
func TestEffectiveSleepHours(t *testing.T) {
	c := Default()
	c.WorkingHours.Timezone = "America/New_York"
	c.WorkingHours.Receivers = map[string]workhours.Spec{"eu": {Timezone: "Europe/Berlin"}, "us": {Start: "08:00"}}
	got := c.EffectiveSleepHours()
	for r, want := range map[string]string{"eu": "Europe/Berlin", "us": "America/New_York", "anyone": "America/New_York"} {
		if s := got.For(r); s.Timezone != want || s.Start != "23:00" || s.End != "07:00" || len(s.Days) != 7 {
			t.Errorf("%s: %+v, want 23:00–07:00 every day in %s", r, s, want)
		}
	}
	// An explicit sleep time zone applies to everyone without their own.
	c.SleepHours.Timezone = "Asia/Tokyo"
	if s := c.EffectiveSleepHours().For("eu"); s.Timezone != "Asia/Tokyo" {
		t.Errorf("eu with a global sleep time zone: %+v", s)
	}
}

// The example configuration shipped in release archives is the README's
// configuration block, and it loads and validates.
func TestExampleConfig(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("..", "deploy", "alertlens.example.yml"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(example), "\nlisten:")
	if !strings.Contains(string(readme), "```yaml\nlisten:"+body+"```") {
		t.Errorf("deploy/alertlens.example.yml differs from the README's configuration block")
	}
	c, err := Load(filepath.Join("..", "deploy", "alertlens.example.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("the example does not validate: %v", err)
	}
}
