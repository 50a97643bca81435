// Package config is alertlens's configuration: one YAML file, every field
// overridable by an ALERTLENS_… environment variable and by a flag, checked
// at start with errors that name the field.
//
// Precedence, lowest first: built-in defaults, the YAML file, environment
// variables, flags given on the command line.
package config

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/units"
	"gopkg.in/yaml.v3"

	"github.com/alertlens/alertlens/workhours"
)

// Duration is a time.Duration written like Prometheus durations ("15s",
// "7d") in YAML, flags and environment variables.
type Duration time.Duration

// ParseDuration accepts Go durations plus a "d" (24h) and "w" (7d) unit.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	mult := time.Duration(0)
	switch {
	case strings.HasSuffix(s, "d"):
		mult = 24 * time.Hour
	case strings.HasSuffix(s, "w"):
		mult = 7 * 24 * time.Hour
	}
	if mult != 0 {
		n, err := strconv.ParseFloat(s[:len(s)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		return Duration(time.Duration(n * float64(mult))), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	return Duration(d), nil
}

func (d Duration) String() string {
	td := time.Duration(d)
	if td >= 24*time.Hour && td%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", td/(24*time.Hour))
	}
	return td.String()
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return &valueError{line: n.Line, err: fmt.Errorf("%q is not a duration (e.g. 15s, 5m, 7d): %w", n.Value, err)}
	}
	*d = v
	return nil
}

// MarshalYAML implements yaml.Marshaler.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// Bytes is a size written as "64MiB", "1GiB" or a plain number of bytes.
type Bytes int64

// ParseBytes parses a size.
func ParseBytes(s string) (Bytes, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Bytes(n), nil
	}
	n, err := units.ParseBase2Bytes(s)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q (e.g. 1048576, 512KiB, 64MiB, 1GiB)", s)
	}
	return Bytes(n), nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (b *Bytes) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseBytes(n.Value)
	if err != nil {
		return &valueError{line: n.Line, err: fmt.Errorf("%q is not a size (e.g. 64MiB, 1GiB, 1048576): %w", n.Value, err)}
	}
	*b = v
	return nil
}

// Secret is a string never printed.
type Secret string

// String hides the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "<secret>"
}

// MarshalYAML hides the value.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// Auth is optional credentials a client must present: a bearer token or
// basic auth, as Alertmanager's http_config can send.
type Auth struct {
	BearerToken Secret `yaml:"bearer_token"`
	Username    string `yaml:"username"`
	Password    Secret `yaml:"password"`
}

// Enabled reports whether any credential is configured.
func (a Auth) Enabled() bool { return a.BearerToken != "" || a.Username != "" }

// Source is one Alertmanager (or HA cluster of them) to poll.
type Source struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
}

// Store configures the backend.
type Store struct {
	Kind    string `yaml:"kind"`
	DataDir string `yaml:"data_dir"`
	ChdbLib string `yaml:"chdb_lib"`
	// ReadConnections bound the embedded engine's parallel reads; the
	// writer and readiness have connections of their own.
	ReadConnections int `yaml:"read_connections"`
	// MinFreeBytes: the embedded engine's inserts wait while its disk has
	// less free, leaving the engine room for merges.
	MinFreeBytes Bytes      `yaml:"min_free_bytes"`
	Database     string     `yaml:"database"`
	Retention    Duration   `yaml:"retention"`
	ClickHouse   ClickHouse `yaml:"clickhouse"`
	// EpisodesFromRaw builds every episode (and the pairs loops and stale
	// silences start from) from the raw rows instead of the per-day tables
	// kept at ingest: the same answers, slower; for checking one against
	// the other.
	EpisodesFromRaw bool `yaml:"episodes_from_raw"`
	// CompactInterval: how often each month of the per-day episode
	// summaries is merged into one part and the finished months' episodes
	// sealed (0: neither; merges left to the engine).
	CompactInterval Duration `yaml:"compact_interval"`
	// SealMinSpan: a read takes sealed episodes only when the seal covers
	// at least this much of the days it scans (0: any of them). Over a few
	// sealed days merging their summaries is as fast as sorting the
	// sealed episodes; over a week the seal is faster.
	SealMinSpan Duration `yaml:"seal_min_span"`
}

// ClickHouse configures the server backend.
type ClickHouse struct {
	DSN     Secret `yaml:"dsn"`
	Cluster string `yaml:"cluster"`
}

// Queue configures the durable ingest queue and its writer.
type Queue struct {
	Dir           string   `yaml:"dir"`
	MaxBytes      Bytes    `yaml:"max_bytes"`
	SegmentBytes  Bytes    `yaml:"segment_bytes"`
	Fsync         string   `yaml:"fsync"`
	BatchRows     int      `yaml:"batch_rows"`
	FlushInterval Duration `yaml:"flush_interval"`
	DeadLetter    string   `yaml:"dead_letter"`
	MinBackoff    Duration `yaml:"min_backoff"`
	MaxBackoff    Duration `yaml:"max_backoff"`
	// NotReadyAfter: when the store has refused every write this long, the
	// service reports not ready (and ready again at the first write).
	NotReadyAfter Duration `yaml:"not_ready_after"`
}

// Webhook configures the webhook receiver's limits.
type Webhook struct {
	MaxBodyBytes  Bytes    `yaml:"max_body_bytes"`
	MaxAlerts     int      `yaml:"max_alerts"`
	MaxLabels     int      `yaml:"max_labels"`
	MaxLabelBytes int      `yaml:"max_label_bytes"`
	DedupWindow   Duration `yaml:"dedup_window"`
	Auth          Auth     `yaml:"auth"`
}

// HTTP bounds what one client can hold of the server.
type HTTP struct {
	// ReadTimeout bounds reading a whole request, body included (a slow
	// body is cut off); WriteTimeout bounds writing the answer.
	ReadTimeout  Duration `yaml:"read_timeout"`
	WriteTimeout Duration `yaml:"write_timeout"`
	// IdleTimeout closes keep-alive connections that send nothing.
	IdleTimeout    Duration `yaml:"idle_timeout"`
	MaxHeaderBytes Bytes    `yaml:"max_header_bytes"`
	// MaxConnections bounds open connections; more wait to be accepted.
	MaxConnections int `yaml:"max_connections"`
}

// API configures the read API and the import endpoint.
type API struct {
	Auth           Auth     `yaml:"auth"`
	QueryTimeout   Duration `yaml:"query_timeout"`
	MaxRows        int      `yaml:"max_rows"`
	MaxImportBytes Bytes    `yaml:"max_import_bytes"`
	// MaxQueryMemory bounds the engine memory one read query may use; big
	// aggregations and sorts spill to disk at half of it.
	MaxQueryMemory Bytes `yaml:"max_query_memory"`
}

// TLS serves HTTPS when both files are set.
type TLS struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// WorkingHours is the default schedule and per-receiver ones.
type WorkingHours struct {
	workhours.Spec `yaml:",inline"`
	Receivers      map[string]workhours.Spec `yaml:"receivers"`
}

// For returns the schedule of receiver: its own, with fields it leaves out
// taken from the default.
func (w WorkingHours) For(receiver string) workhours.Spec {
	s, ok := w.Receivers[receiver]
	if !ok {
		return w.Spec
	}
	if s.Timezone == "" {
		s.Timezone = w.Timezone
	}
	if s.Days == nil {
		s.Days = w.Days
	}
	if s.Start == "" {
		s.Start = w.Start
	}
	if s.End == "" {
		s.End = w.End
	}
	return s
}

// EffectiveSleepHours are the sleep hours with every time zone resolved: a
// sleep schedule that names no time zone is in the receiver's own (its
// working-hours time zone), so by default every receiver's nights are
// 23:00–07:00 where that receiver lives.
func (c Config) EffectiveSleepHours() WorkingHours {
	out := WorkingHours{Spec: c.SleepHours.Spec, Receivers: map[string]workhours.Spec{}}
	if out.Timezone == "" {
		out.Timezone = c.WorkingHours.Timezone
	}
	for r, s := range c.SleepHours.Receivers {
		if s.Timezone == "" && c.SleepHours.Timezone == "" {
			s.Timezone = c.WorkingHours.For(r).Timezone
		}
		out.Receivers[r] = s
	}
	if c.SleepHours.Timezone == "" {
		for r := range c.WorkingHours.Receivers {
			if _, ok := out.Receivers[r]; !ok {
				out.Receivers[r] = workhours.Spec{Timezone: c.WorkingHours.For(r).Timezone}
			}
		}
	}
	return out
}

// Config is the whole configuration.
type Config struct {
	Listen             string       `yaml:"listen"`
	LogLevel           string       `yaml:"log_level"`
	Store              Store        `yaml:"store"`
	Queue              Queue        `yaml:"queue"`
	Webhook            Webhook      `yaml:"webhook"`
	HTTP               HTTP         `yaml:"http"`
	API                API          `yaml:"api"`
	TLS                TLS          `yaml:"tls"`
	Sources            []Source     `yaml:"sources"`
	PollInterval       Duration     `yaml:"poll_interval"`
	PollTimeout        Duration     `yaml:"poll_timeout"`
	CheckpointInterval Duration     `yaml:"checkpoint_interval"`
	Record             string       `yaml:"record"`
	ShutdownTimeout    Duration     `yaml:"shutdown_timeout"`
	WorkingHours       WorkingHours `yaml:"working_hours"`
	// SleepHours are the nights the weekly review counts pages in.
	SleepHours WorkingHours `yaml:"sleep_hours"`
	// NullReceivers are receivers that notify nobody: alerts reaching only
	// these are reported as unrouted.
	NullReceivers []string `yaml:"null_receivers"`
}

// Default returns the built-in defaults.
func Default() Config {
	return Config{
		Listen:   ":9095",
		LogLevel: "info",
		Store: Store{
			Kind: "embedded", DataDir: "./data", Database: "alertlens", ReadConnections: 2, MinFreeBytes: 1 << 30,
			Retention: Duration(400 * 24 * time.Hour), CompactInterval: Duration(time.Hour),
			SealMinSpan: Duration(7 * 24 * time.Hour),
		},
		Queue: Queue{
			MaxBytes: 1 << 30, SegmentBytes: 64 << 20, Fsync: "always",
			BatchRows: 10000, FlushInterval: Duration(time.Second),
			MinBackoff: Duration(100 * time.Millisecond), MaxBackoff: Duration(30 * time.Second), NotReadyAfter: Duration(10 * time.Second),
		},
		Webhook: Webhook{
			MaxBodyBytes: 10 << 20, MaxAlerts: 5000, MaxLabels: 256, MaxLabelBytes: 16 << 10,
			DedupWindow: Duration(time.Minute),
		},
		HTTP:               HTTP{ReadTimeout: Duration(5 * time.Minute), WriteTimeout: Duration(2 * time.Minute), IdleTimeout: Duration(time.Minute), MaxHeaderBytes: 64 << 10, MaxConnections: 1024},
		API:                API{QueryTimeout: Duration(30 * time.Second), MaxRows: 100000, MaxImportBytes: 1 << 30, MaxQueryMemory: 2 << 30},
		PollInterval:       Duration(15 * time.Second),
		PollTimeout:        Duration(10 * time.Second),
		CheckpointInterval: Duration(time.Hour),
		ShutdownTimeout:    Duration(30 * time.Second),
		WorkingHours:       WorkingHours{Spec: workhours.Default("UTC")},
		SleepHours:         WorkingHours{Spec: workhours.DefaultSleep("")},
		NullReceivers:      []string{"null", "blackhole"},
	}
}

// Load reads a YAML file over the defaults. Unknown fields are errors.
func Load(path string) (Config, error) {
	c := Default()
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	return c, Parse(b, &c)
}

// valueError is a value that does not parse, at a line of the file; Parse
// turns the line into the field's name.
type valueError struct {
	line int
	err  error
}

func (e *valueError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *valueError) Unwrap() error { return e.err }

// Parse decodes YAML into c strictly. A value that does not parse is
// reported with the dotted name of its field.
func Parse(b []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	err := dec.Decode(c)
	var ve *valueError
	switch {
	case err == nil || errors.Is(err, io.EOF):
		return nil
	case errors.As(err, &ve):
		var root yaml.Node
		if yaml.Unmarshal(b, &root) == nil {
			if field := fieldAt(&root, ve.line, ""); field != "" {
				return fmt.Errorf("%s: %w", field, ve.err)
			}
		}
	}
	return fmt.Errorf("config: %w", err)
}

// fieldAt finds the dotted path of the mapping key whose value sits on line.
func fieldAt(n *yaml.Node, line int, prefix string) string {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			if f := fieldAt(c, line, prefix); f != "" {
				return f
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			path := key.Value
			if prefix != "" {
				path = prefix + "." + key.Value
			}
			if val.Kind == yaml.ScalarNode && val.Line == line {
				return path
			}
			if f := fieldAt(val, line, path); f != "" {
				return f
			}
		}
	}
	return ""
}

// Validate checks every section and names the first bad field.
func (c *Config) Validate() error {
	var errs []error
	add := func(field, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, a...)))
	}
	if c.Listen == "" {
		add("listen", "must be set")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("log_level", "%q is not one of debug, info, warn, error", c.LogLevel)
	}
	switch c.Store.Kind {
	case "embedded":
		if c.Store.DataDir == "" {
			add("store.data_dir", "must be set for the embedded store")
		}
	case "clickhouse":
		if c.Store.ClickHouse.DSN == "" {
			add("store.clickhouse.dsn", "must be set when store.kind is clickhouse")
		} else if u, err := url.Parse(string(c.Store.ClickHouse.DSN)); err != nil || u.Host == "" {
			add("store.clickhouse.dsn", "not a URL like clickhouse://user:pass@host:9000/db")
		}
	default:
		add("store.kind", "%q is neither embedded nor clickhouse", c.Store.Kind)
	}
	if c.Store.CompactInterval != 0 && c.Store.CompactInterval < Duration(time.Minute) {
		add("store.compact_interval", "%s is neither 0 nor at least 1m", c.Store.CompactInterval)
	}
	if c.Store.SealMinSpan < 0 {
		add("store.seal_min_span", "%s is negative", c.Store.SealMinSpan)
	}
	if c.Store.Retention < Duration(24*time.Hour) {
		add("store.retention", "%s is shorter than 1d", c.Store.Retention)
	}
	if c.Store.ReadConnections < 1 || c.Store.ReadConnections > 64 {
		add("store.read_connections", "%d is not from 1 to 64", c.Store.ReadConnections)
	}
	if c.Queue.Fsync != "always" && c.Queue.Fsync != "never" {
		add("queue.fsync", "%q is neither always nor never", c.Queue.Fsync)
	}
	if c.Queue.SegmentBytes < 4096 {
		add("queue.segment_bytes", "%d is below 4096", c.Queue.SegmentBytes)
	}
	if c.Queue.MaxBytes < c.Queue.SegmentBytes {
		add("queue.max_bytes", "%d is below queue.segment_bytes", c.Queue.MaxBytes)
	}
	if c.Queue.BatchRows < 1 || c.Queue.BatchRows > 500000 {
		add("queue.batch_rows", "%d is outside 1..500000", c.Queue.BatchRows)
	}
	if c.Queue.FlushInterval <= 0 {
		add("queue.flush_interval", "must be positive")
	}
	if c.Queue.MinBackoff <= 0 || c.Queue.MaxBackoff < c.Queue.MinBackoff {
		add("queue.min_backoff", "must be positive and at most queue.max_backoff")
	}
	if c.Webhook.MaxBodyBytes < 1024 {
		add("webhook.max_body_bytes", "%d is below 1024", c.Webhook.MaxBodyBytes)
	}
	if c.Webhook.MaxAlerts < 1 {
		add("webhook.max_alerts", "must be at least 1")
	}
	if c.Webhook.MaxLabels < 1 {
		add("webhook.max_labels", "must be at least 1")
	}
	if c.Webhook.MaxLabelBytes < 1 {
		add("webhook.max_label_bytes", "must be at least 1")
	}
	if c.Webhook.DedupWindow < 0 {
		add("webhook.dedup_window", "must not be negative")
	}
	validAuth("webhook.auth", c.Webhook.Auth, add)
	validAuth("api.auth", c.API.Auth, add)
	if c.API.QueryTimeout < Duration(time.Second) {
		add("api.query_timeout", "must be at least 1s")
	}
	if c.API.MaxQueryMemory < 16<<20 {
		add("api.max_query_memory", "%d is below 16MiB", c.API.MaxQueryMemory)
	}
	if c.HTTP.ReadTimeout < Duration(time.Second) || c.HTTP.WriteTimeout < Duration(time.Second) || c.HTTP.IdleTimeout < Duration(time.Second) {
		add("http", "read_timeout, write_timeout and idle_timeout must each be at least 1s")
	}
	if c.HTTP.WriteTimeout <= c.API.QueryTimeout {
		add("http.write_timeout", "%s must be longer than api.query_timeout (%s), or long answers are cut off", c.HTTP.WriteTimeout, c.API.QueryTimeout)
	}
	if c.HTTP.MaxHeaderBytes < 4<<10 {
		add("http.max_header_bytes", "%d is below 4KiB", c.HTTP.MaxHeaderBytes)
	}
	if c.HTTP.MaxConnections < 16 {
		add("http.max_connections", "%d is below 16", c.HTTP.MaxConnections)
	}
	if c.API.MaxRows < 1 {
		add("api.max_rows", "must be at least 1")
	}
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		add("tls", "cert_file and key_file must be set together")
	}
	seen := map[string]bool{}
	for i, s := range c.Sources {
		f := fmt.Sprintf("sources[%d]", i)
		if !ValidSourceName(s.Name) {
			add(f+".name", "%q must be 1-64 characters of [A-Za-z0-9_.-]", s.Name)
		}
		if seen[s.Name] {
			add(f+".name", "%q is used twice", s.Name)
		}
		seen[s.Name] = true
		if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add(f+".url", "%q is not an http(s) URL", s.URL)
		}
	}
	if c.PollInterval < Duration(time.Second) {
		add("poll_interval", "%s is below 1s", c.PollInterval)
	}
	if c.PollTimeout <= 0 {
		add("poll_timeout", "must be positive")
	}
	if c.CheckpointInterval < c.PollInterval {
		add("checkpoint_interval", "%s is below poll_interval", c.CheckpointInterval)
	}
	if c.ShutdownTimeout <= 0 {
		add("shutdown_timeout", "must be positive")
	}
	if _, err := c.WorkingHours.Parse("working_hours"); err != nil {
		errs = append(errs, err)
	}
	for r := range c.WorkingHours.Receivers {
		if _, err := c.WorkingHours.For(r).Parse("working_hours.receivers." + r); err != nil {
			errs = append(errs, err)
		}
	}
	if _, err := c.SleepHours.Parse("sleep_hours"); err != nil {
		errs = append(errs, err)
	}
	for r := range c.SleepHours.Receivers {
		if _, err := c.SleepHours.For(r).Parse("sleep_hours.receivers." + r); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func validAuth(field string, a Auth, add func(string, string, ...any)) {
	if a.BearerToken != "" && a.Username != "" {
		add(field, "set bearer_token or username/password, not both")
	}
	if (a.Username == "") != (a.Password == "") {
		add(field, "username and password must be set together")
	}
}

// ValidSourceName reports whether s is an acceptable source name; it also
// decides what a /webhook/{source} path may say.
func ValidSourceName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' && r != '.' && r != '-' {
			return false
		}
	}
	return true
}

// DefaultSource names webhooks posted to plain /webhook.
const DefaultSource = "default"

// QueueDir returns the queue directory, defaulting under the data dir.
func (c *Config) QueueDir() string {
	if c.Queue.Dir != "" {
		return c.Queue.Dir
	}
	return filepath.Join(c.Store.DataDir, "queue")
}

// DeadLetterPath returns the dead-letter file, defaulting under the data dir.
func (c *Config) DeadLetterPath() string {
	if c.Queue.DeadLetter != "" {
		return c.Queue.DeadLetter
	}
	return filepath.Join(c.Store.DataDir, "dead-letter.ndjson")
}

// setting is one overridable field: its YAML path, flag name and setter.
type setting struct {
	path  string // e.g. store.data_dir; ALERTLENS_STORE_DATA_DIR
	flag  string // flag name, empty for env-only settings
	usage string
	set   func(c *Config, v string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

func secret(p func(*Config) *Secret) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = Secret(v); return nil }
}

func dur(p func(*Config) *Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := ParseDuration(v)
		*p(c) = d
		return err
	}
}

func byt(p func(*Config) *Bytes) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := ParseBytes(v)
		*p(c) = b
		return err
	}
}

func boolean(p func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		*p(c) = b
		return err
	}
}

func num(p func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("invalid integer %q", v)
		}
		*p(c) = n
		return nil
	}
}

var settings = []setting{
	{"listen", "listen", "HTTP address (webhook, API, metrics)", str(func(c *Config) *string { return &c.Listen })},
	{"log_level", "log-level", "debug, info, warn or error", str(func(c *Config) *string { return &c.LogLevel })},
	{"store.kind", "store", "backend: embedded or clickhouse", str(func(c *Config) *string { return &c.Store.Kind })},
	{"store.data_dir", "data-dir", "embedded data and the ingest queue", str(func(c *Config) *string { return &c.Store.DataDir })},
	{"store.chdb_lib", "chdb-lib", "path of libchdb.so (also ALERTLENS_CHDB_LIB)", str(func(c *Config) *string { return &c.Store.ChdbLib })},
	{"store.database", "database", "ClickHouse database", str(func(c *Config) *string { return &c.Store.Database })},
	{"store.read_connections", "read-connections", "embedded engine connections for reads (the writer and readiness have their own)", num(func(c *Config) *int { return &c.Store.ReadConnections })},
	{"store.min_free_bytes", "", "embedded engine: inserts wait while its disk has less free (0: never)", byt(func(c *Config) *Bytes { return &c.Store.MinFreeBytes })},
	{"store.retention", "retention", "how long history is kept (TTL)", dur(func(c *Config) *Duration { return &c.Store.Retention })},
	{"store.episodes_from_raw", "", "", boolean(func(c *Config) *bool { return &c.Store.EpisodesFromRaw })},
	{"store.compact_interval", "", "how often the per-day episode summaries are merged and the finished months' episodes sealed (0: never)", dur(func(c *Config) *Duration { return &c.Store.CompactInterval })},
	{"store.seal_min_span", "", "reads take sealed episodes only when the seal covers at least this much of the days they scan (0: any)", dur(func(c *Config) *Duration { return &c.Store.SealMinSpan })},
	{"store.clickhouse.dsn", "clickhouse-dsn", "e.g. clickhouse://user:pass@host:9000/alertlens", secret(func(c *Config) *Secret { return &c.Store.ClickHouse.DSN })},
	{"store.clickhouse.cluster", "clickhouse-cluster", "cluster name: DDL ON CLUSTER, Distributed tables", str(func(c *Config) *string { return &c.Store.ClickHouse.Cluster })},
	{"queue.dir", "queue-dir", "ingest queue directory (default DATA_DIR/queue)", str(func(c *Config) *string { return &c.Queue.Dir })},
	{"queue.max_bytes", "queue-max-bytes", "disk budget of the ingest queue", byt(func(c *Config) *Bytes { return &c.Queue.MaxBytes })},
	{"queue.segment_bytes", "queue-segment-bytes", "size of one queue segment file", byt(func(c *Config) *Bytes { return &c.Queue.SegmentBytes })},
	{"queue.fsync", "queue-fsync", "always (survives power loss) or never (survives process crashes)", str(func(c *Config) *string { return &c.Queue.Fsync })},
	{"queue.batch_rows", "queue-batch-rows", "rows per store insert", num(func(c *Config) *int { return &c.Queue.BatchRows })},
	{"queue.flush_interval", "queue-flush-interval", "longest a row waits before it is written", dur(func(c *Config) *Duration { return &c.Queue.FlushInterval })},
	{"queue.dead_letter", "dead-letter", "file for rows the store rejects (default DATA_DIR/dead-letter.ndjson)", str(func(c *Config) *string { return &c.Queue.DeadLetter })},
	{"queue.min_backoff", "", "", dur(func(c *Config) *Duration { return &c.Queue.MinBackoff })},
	{"queue.max_backoff", "", "", dur(func(c *Config) *Duration { return &c.Queue.MaxBackoff })},
	{"queue.not_ready_after", "", "", dur(func(c *Config) *Duration { return &c.Queue.NotReadyAfter })},
	{"webhook.max_body_bytes", "webhook-max-body-bytes", "largest webhook body", byt(func(c *Config) *Bytes { return &c.Webhook.MaxBodyBytes })},
	{"webhook.max_alerts", "webhook-max-alerts", "most alerts in one webhook", num(func(c *Config) *int { return &c.Webhook.MaxAlerts })},
	{"webhook.max_labels", "webhook-max-labels", "most labels (and annotations) per alert", num(func(c *Config) *int { return &c.Webhook.MaxLabels })},
	{"webhook.max_label_bytes", "webhook-max-label-bytes", "longest label or annotation value", num(func(c *Config) *int { return &c.Webhook.MaxLabelBytes })},
	{"webhook.dedup_window", "webhook-dedup-window", "HA duplicate deliveries within this window count once", dur(func(c *Config) *Duration { return &c.Webhook.DedupWindow })},
	{"webhook.auth.bearer_token", "", "", secret(func(c *Config) *Secret { return &c.Webhook.Auth.BearerToken })},
	{"webhook.auth.username", "", "", str(func(c *Config) *string { return &c.Webhook.Auth.Username })},
	{"webhook.auth.password", "", "", secret(func(c *Config) *Secret { return &c.Webhook.Auth.Password })},
	{"api.auth.bearer_token", "", "", secret(func(c *Config) *Secret { return &c.API.Auth.BearerToken })},
	{"api.auth.username", "", "", str(func(c *Config) *string { return &c.API.Auth.Username })},
	{"api.auth.password", "", "", secret(func(c *Config) *Secret { return &c.API.Auth.Password })},
	{"api.query_timeout", "query-timeout", "longest a read query may run", dur(func(c *Config) *Duration { return &c.API.QueryTimeout })},
	{"api.max_rows", "max-rows", "most rows one read query may return", num(func(c *Config) *int { return &c.API.MaxRows })},
	{"http.read_timeout", "http-read-timeout", "longest time to read one request, body included", dur(func(c *Config) *Duration { return &c.HTTP.ReadTimeout })},
	{"http.write_timeout", "http-write-timeout", "longest time to write one answer", dur(func(c *Config) *Duration { return &c.HTTP.WriteTimeout })},
	{"http.idle_timeout", "http-idle-timeout", "idle keep-alive connections close after this", dur(func(c *Config) *Duration { return &c.HTTP.IdleTimeout })},
	{"http.max_header_bytes", "http-max-header-bytes", "largest request header", byt(func(c *Config) *Bytes { return &c.HTTP.MaxHeaderBytes })},
	{"http.max_connections", "http-max-connections", "most open connections at once", num(func(c *Config) *int { return &c.HTTP.MaxConnections })},
	{"api.max_query_memory", "max-query-memory", "engine memory one read query may use (spills to disk at half)", byt(func(c *Config) *Bytes { return &c.API.MaxQueryMemory })},
	{"api.max_import_bytes", "max-import-bytes", "largest recording accepted by /api/v1/import", byt(func(c *Config) *Bytes { return &c.API.MaxImportBytes })},
	{"tls.cert_file", "tls-cert-file", "serve HTTPS with this certificate", str(func(c *Config) *string { return &c.TLS.CertFile })},
	{"tls.key_file", "tls-key-file", "and this key", str(func(c *Config) *string { return &c.TLS.KeyFile })},
	{"poll_interval", "poll-interval", "poll period", dur(func(c *Config) *Duration { return &c.PollInterval })},
	{"poll_timeout", "poll-timeout", "timeout of one poll", dur(func(c *Config) *Duration { return &c.PollTimeout })},
	{"checkpoint_interval", "checkpoint-interval", "how often every polled alert's full state is stored", dur(func(c *Config) *Duration { return &c.CheckpointInterval })},
	{"record", "record", "also append everything received and polled to FILE as a recording", str(func(c *Config) *string { return &c.Record })},
	{"shutdown_timeout", "shutdown-timeout", "longest a clean shutdown may take", dur(func(c *Config) *Duration { return &c.ShutdownTimeout })},
}

// EnvName returns the environment variable for a YAML path.
func EnvName(path string) string {
	return "ALERTLENS_" + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
}

// Registrar is where Flags puts the serve flags: a *flag.FlagSet, or a
// command of a CLI library (kingpin takes any flag.Value).
type Registrar interface {
	Var(value flag.Value, name, usage string)
}

// given is a flag's text and whether the command line set it: only given
// flags override the environment and the file.
type given struct {
	v   string
	set bool
}

func (g *given) String() string { return g.v }

func (g *given) Set(v string) error {
	g.v, g.set = v, true
	return nil
}

// Flags registers the serve flags on r and returns a function that builds
// the final configuration once the command line is parsed. Every help line
// says the default and the environment variable.
func Flags(r Registrar) func() (Config, error) {
	configFile := &given{}
	r.Var(configFile, "config", "YAML config file (alertlens.example.yml in a release archive, deploy/ in the repository, shows every setting)")
	defaults := defaultValues()
	values := map[string]*given{}
	for _, s := range settings {
		if s.flag == "" {
			continue
		}
		values[s.flag] = &given{}
		usage := s.usage + " ("
		if d := defaults[s.path]; d != "" {
			usage += "default " + d + ", "
		}
		r.Var(values[s.flag], s.flag, usage+"env "+EnvName(s.path)+")")
	}
	var sources sourceFlag
	r.Var(&sources, "alertmanager", "NAME=URL of an Alertmanager (or HA cluster) to poll; repeatable (env ALERTLENS_ALERTMANAGER, comma-separated)")
	return func() (Config, error) {
		c := Default()
		if configFile.v != "" {
			var err error
			if c, err = Load(configFile.v); err != nil {
				return c, err
			}
		}
		for _, s := range settings {
			if v, ok := os.LookupEnv(EnvName(s.path)); ok {
				if err := s.set(&c, v); err != nil {
					return c, fmt.Errorf("%s (from %s): %w", s.path, EnvName(s.path), err)
				}
			}
		}
		if v, ok := os.LookupEnv("ALERTLENS_ALERTMANAGER"); ok && v != "" {
			var envSources sourceFlag
			for _, part := range strings.Split(v, ",") {
				if err := envSources.Set(part); err != nil {
					return c, fmt.Errorf("sources (from ALERTLENS_ALERTMANAGER): %w", err)
				}
			}
			c.Sources = envSources
		}
		for _, s := range settings {
			if g := values[s.flag]; s.flag != "" && g.set {
				if err := s.set(&c, g.v); err != nil {
					return c, fmt.Errorf("%s (from --%s): %w", s.path, s.flag, err)
				}
			}
		}
		if len(sources) > 0 {
			c.Sources = sources
		}
		if err := c.Validate(); err != nil {
			return c, fmt.Errorf("invalid configuration:\n%w", err)
		}
		return c, nil
	}
}

// defaultValues are the default configuration's settings by YAML path, as
// the YAML file would spell them, for help lines.
func defaultValues() map[string]string {
	b, err := yaml.Marshal(Default())
	if err != nil {
		return nil
	}
	var tree map[string]any
	if yaml.Unmarshal(b, &tree) != nil {
		return nil
	}
	out := map[string]string{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			switch v := v.(type) {
			case map[string]any:
				walk(prefix+k+".", v)
			case nil, []any:
			default:
				if s := fmt.Sprint(v); s != "" && s != "0" {
					out[prefix+k] = s
				}
			}
		}
	}
	walk("", tree)
	return out
}

type sourceFlag []Source

func (s *sourceFlag) String() string {
	parts := make([]string, len(*s))
	for i, x := range *s {
		parts[i] = x.Name + "=" + x.URL
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// IsCumulative tells kingpin the flag may be repeated.
func (s *sourceFlag) IsCumulative() bool { return true }

func (s *sourceFlag) Set(v string) error {
	name, u, ok := strings.Cut(strings.TrimSpace(v), "=")
	if !ok {
		return fmt.Errorf("--alertmanager %q: want NAME=URL", v)
	}
	*s = append(*s, Source{Name: name, URL: u})
	return nil
}
