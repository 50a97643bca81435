package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alecthomas/kingpin/v2"
)

// clientFlags are the flags every command that talks to a server shares.
type clientFlags struct {
	url      string
	token    string
	username string
	password string
	timeout  time.Duration
}

func (c *clientFlags) register(cmd *kingpin.CmdClause) {
	cmd.Flag("url", "the alertlens server").Default("http://localhost:9095").Envar("ALERTLENS_URL").StringVar(&c.url)
	cmd.Flag("timeout", "give up on a request to the server after this long (not import, which waits for its rows)").Default("1m").DurationVar(&c.timeout)
	cmd.Flag("bearer-token", "bearer token for the API").Envar("ALERTLENS_BEARER_TOKEN").StringVar(&c.token)
	cmd.Flag("username", "basic auth user").Envar("ALERTLENS_USERNAME").StringVar(&c.username)
	cmd.Flag("password", "basic auth password").Envar("ALERTLENS_PASSWORD").StringVar(&c.password)
}

func (c *clientFlags) authorize(r *http.Request) {
	switch {
	case c.token != "":
		r.Header.Set("Authorization", "Bearer "+c.token)
	case c.username != "":
		r.SetBasicAuth(c.username, c.password)
	}
}

// client is the HTTP client of read commands: the --timeout bounds each
// request.
func (c *clientFlags) client() *http.Client { return &http.Client{Timeout: c.timeout} }

// apiError turns a non-2xx answer into an error carrying the server's
// {"error": "..."} message.
func apiError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil && e.Error != "" {
		return fmt.Errorf("server answered %d: %s", resp.StatusCode, e.Error)
	}
	return fmt.Errorf("server answered %d: %s", resp.StatusCode, strings.TrimSpace(string(b)))
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressReader counts bytes read, for the progress line.
type progressReader struct {
	r io.Reader
	n atomic.Int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n.Add(int64(n))
	return n, err
}

// importCommand registers import's flags on c and returns what runs it.
func importCommand(c *kingpin.CmdClause) action {
	var cf clientFlags
	cf.register(c)
	eventsFile := c.Flag("events", "the files are Alertmanager's event recorder JSONL output (needs --source)").Bool()
	source := c.Flag("source", "with --events: the source the events come from").String()
	files := c.Arg("file", "recordings to post").Strings()
	return func(ctx context.Context) error {
		return runImport(ctx, &cf, *eventsFile, *source, *files)
	}
}

func runImport(ctx context.Context, cf *clientFlags, eventsFile bool, source string, files []string) error {
	if len(files) == 0 {
		return errors.New("no recording given (alertlens import FILE...)")
	}
	path := "/api/v1/import"
	switch {
	case eventsFile && source == "":
		return errors.New("--events needs --source NAME: the recorder's file does not name its Alertmanager")
	case eventsFile:
		path += "?" + url.Values{"format": {"events"}, "source": {source}}.Encode()
	case source != "":
		return errors.New("--source goes with --events: a recording names its sources itself")
	}
	tty := isTerminal(os.Stderr)
	var totalLines, totalRows int
	for _, name := range files {
		res, err := importFile(ctx, cf, path, name, tty)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Printf("%s: %d lines, %d rows\n", name, res.Lines, res.Rows)
		totalLines += res.Lines
		totalRows += res.Rows
	}
	if len(files) > 1 {
		fmt.Printf("total: %d files, %d lines, %d rows\n", len(files), totalLines, totalRows)
	}
	return nil
}

type importResult struct {
	Lines int `json:"lines"`
	Rows  int `json:"rows"`
}

func importFile(ctx context.Context, cf *clientFlags, path, name string, tty bool) (importResult, error) {
	var res importResult
	f, err := os.Open(name)
	if err != nil {
		return res, err
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		return res, err
	}
	pr := &progressReader{r: f}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(cf.url, "/")+path, pr)
	if err != nil {
		return res, err
	}
	req.ContentLength = st.Size()
	req.Header.Set("Content-Type", "application/x-ndjson")
	cf.authorize(req)
	// On a terminal: the upload's progress, then the server's own phases
	// (it streams them when asked), on one line cleared at the end.
	line := newStatusLine(os.Stderr, name)
	stopUpload := func() {}
	if tty {
		req.Header.Set("Accept", "application/x-ndjson")
		defer line.clear()
		uploaded := make(chan struct{})
		var ticking sync.WaitGroup
		// stopUpload ends the upload's progress (once), before anything
		// else writes the line.
		stopUpload = sync.OnceFunc(func() { close(uploaded); ticking.Wait() })
		defer stopUpload()
		ticking.Add(1)
		go func() {
			defer ticking.Done()
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-uploaded:
					return
				case <-t.C:
					n := pr.n.Load()
					pct := 100.0
					if st.Size() > 0 {
						pct = 100 * float64(n) / float64(st.Size())
					}
					line.set(fmt.Sprintf("uploading %5.1f%% (%s of %s)", pct, human(n), human(st.Size())))
				}
			}
		}()
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return res, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return res, apiError(resp)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
		return decodeResult(resp) // not asked for progress, or a server without it
	}
	dec := json.NewDecoder(resp.Body)
	var started time.Time
	for {
		var m struct {
			Phase  string       `json:"phase"`
			Done   int64        `json:"done"`
			Total  int64        `json:"total"`
			Status int          `json:"status"`
			Error  string       `json:"error"`
			Result importResult `json:"result"`
		}
		if err := dec.Decode(&m); err != nil {
			return res, fmt.Errorf("reading the server's progress: %w", err)
		}
		stopUpload() // the server is past reading the upload
		switch m.Phase {
		case "done":
			return m.Result, nil
		case "failed":
			return res, fmt.Errorf("server answered %d: %s", m.Status, m.Error)
		case "replaying":
			if started.IsZero() {
				started = time.Now()
			}
			status := fmt.Sprintf("replaying %d of %d lines", m.Done, m.Total)
			if secs := time.Since(started).Seconds(); secs > 0.5 && m.Done > 0 {
				rate := float64(m.Done) / secs
				status += fmt.Sprintf(" (%.0f lines/s, about %s left)", rate, (time.Duration(float64(m.Total-m.Done)/rate) * time.Second).Round(time.Second))
			}
			line.set(status)
		case "validating":
			line.set(fmt.Sprintf("validating %d of %d lines", m.Done, m.Total))
		case "storing":
			line.set(fmt.Sprintf("storing %d rows", m.Total))
		}
	}
}

func decodeResult(resp *http.Response) (importResult, error) {
	var res importResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return res, fmt.Errorf("reading the server's answer: %w", err)
	}
	return res, nil
}

// statusLine is one line of stderr rewritten in place.
type statusLine struct {
	mu   sync.Mutex
	w    io.Writer
	name string
	used bool
}

func newStatusLine(w io.Writer, name string) *statusLine { return &statusLine{w: w, name: name} }

func (l *statusLine) set(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = fmt.Fprintf(l.w, "\r\033[K%s: %s", l.name, s)
	l.used = true
}

func (l *statusLine) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.used {
		_, _ = fmt.Fprint(l.w, "\r\033[K")
	}
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
