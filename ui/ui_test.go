package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/alertlens/alertlens/app/apptest"
	"github.com/alertlens/alertlens/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// browser runs Debian's chromium headless and collects what a person would
// notice: console errors, uncaught exceptions and failed requests.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func newBrowser(t testing.TB) *browser {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium (Debian's package, which .ci/run installs): %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(1200, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	b := &browser{ctx: ctx}
	if err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				b.problems = append(b.problems, "console error")
			}
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, "exception: "+e.ExceptionDetails.Text)
		case *network.EventResponseReceived:
			if e.Response.Status >= 400 {
				b.problems = append(b.problems, "request failed: "+e.Response.URL)
			}
		case *network.EventLoadingFailed:
			b.problems = append(b.problems, "loading failed: "+e.ErrorText)
		}
	}); err != nil {
		t.Fatal(err)
	}
	return b
}

// forget drops the problems seen so far.
func (b *browser) forget() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = nil
}

func (b *browser) clean(t testing.TB) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.problems) > 0 {
		t.Fatalf("the page had problems: %v", b.problems)
	}
}

func text(t *testing.T, b *browser, sel string) string {
	t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitVisible(sel)); err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	s, err := chromedp.Run(b.ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	return s
}

// rendered waits until the page has drawn every section n times since it
// was loaded (the page marks each render).
func rendered(t *testing.T, b *browser, n int) {
	t.Helper()
	do(t, b, chromedp.Poll[bool](fmt.Sprintf(`performance.getEntriesByName("alertlens:rendered").length >= %d`, n)))
}

func do[T any](t *testing.T, b *browser, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The pages over api/testdata/lookup.ndjson, 09:30–11:00 (its story is in
// api/lookup_test.go): C fires from 09:00 and A in source eu from 10:30, so
// two alerts fire at 11:00; nothing flaps, no inhibition failed, no silence
// is stale (s1 ended long ago). A was notified three times (two deliveries
// in prod, HA duplicate not counted, one in eu) in two episodes.
func TestPagesInABrowser(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	body, err := os.ReadFile(filepath.Join("..", "api", "testdata", "lookup.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	if code, b := svc.Post(t, "/api/v1/import", "application/x-ndjson", body); code != 200 {
		t.Fatalf("import: %d %s", code, b)
	}
	b := newBrowser(t)
	win := "from=2026-11-02T09:30:00Z&to=2026-11-02T11:00:00Z"

	do(t, b, chromedp.Navigate(svc.URL+"/?page=overview&"+win))
	rendered(t, b, 1)
	cards := text(t, b, ".cards")
	for _, want := range []string{"2\nalerts firing now", "0\nflapping alerts", "0\nfailed inhibitions", "0\ninhibition loops", "0\nstale silences"} {
		if !strings.Contains(cards, want) {
			t.Errorf("overview cards %q lack %q", cards, want)
		}
	}
	if rows := text(t, b, "#noisiest table"); !strings.Contains(rows, "A\t3\t2\t40m\t0") {
		t.Errorf("noisiest alerts: %q, want A with 3 notifications in 2 episodes", rows)
	}
	// The source filter offers the sources of the window.
	do(t, b, chromedp.WaitReady(`#sources option[value="prod"]`))
	if opts := do(t, b, chromedp.Evaluate[string](`[...document.querySelectorAll("#sources option")].map(o => o.value).join(",")`)); opts != "eu,prod" {
		t.Errorf("source choices %q, want eu,prod", opts)
	}
	if charts := do(t, b, chromedp.Evaluate[int](`document.querySelectorAll("#chart canvas").length`)); charts != 1 {
		t.Errorf("the chart did not draw: %d canvases", charts)
	}

	// Changing a filter changes the URL and the content: only A fires in eu.
	do(t, b, chromedp.SetValue(`input[name="source"]`, "eu"))
	// (requestSubmit, as pressing Apply does: the page's handler runs)
	do(t, b, chromedp.Evaluate[any](`document.getElementById("filters").requestSubmit()`))
	rendered(t, b, 2)
	loc := do(t, b, chromedp.Location())
	if u, err := url.Parse(loc); err != nil || u.Query().Get("source") != "eu" {
		t.Fatalf("the URL after filtering: %s", loc)
	}
	if cards := text(t, b, ".cards"); !strings.Contains(cards, "1\nalerts firing now") {
		t.Errorf("with source eu: %q, want one alert firing", cards)
	}

	// The alert page explains a clicked moment exactly as the API does.
	q := "fingerprint=bbbbbbbbbbbbbbbb&at=2026-11-02T10:06:00Z&source=prod"
	do(t, b, chromedp.Navigate(svc.URL+"/?page=alert&"+win+"&"+q))
	shown := text(t, b, "#explain")
	_, raw := svc.Get(t, "/api/v1/explain?"+q)
	var ex struct{ Summary string }
	if err := json.Unmarshal(raw, &ex); err != nil {
		t.Fatal(err)
	}
	if shown != ex.Summary || !strings.Contains(shown, "inhibited by A") {
		t.Errorf("explain on the page %q, the API's %q", shown, ex.Summary)
	}
	// B's labels as the poller saw them, where it comes from, and its one
	// episode, 10:02 to 10:08:15 (the poll that found it gone), never
	// notified.
	if got := text(t, b, "#labels"); got != `alertname="B", severity="P1"` {
		t.Errorf("labels: %q", got)
	}
	if href := do(t, b, chromedp.Evaluate[string](`document.querySelector('a[href="http://prom/g"]') ? "http://prom/g" : ""`)); href != "http://prom/g" {
		t.Errorf("no link to the generator URL")
	}
	rendered(t, b, 1)
	if eps := text(t, b, "#episodes table"); !strings.Contains(eps, "2026-11-02T10:02:00Z\t2026-11-02T10:08:15Z\t0\t") || strings.Count(eps, "\n") != 1 {
		t.Errorf("episodes: %q", eps)
	}
	// The handover of 09:30–11:00: A fired in two sources (prod 10:00–10:10
	// with two notifications, eu from 10:30 with one), C from 09:00 (its one
	// notification came before the window but belongs to its episode), B
	// only seen inhibited (no notification). Sorted by notifications.
	do(t, b, chromedp.Navigate(svc.URL+"/?page=handover&"+win))
	fired := text(t, b, "#fired table")
	rows := strings.Split(strings.TrimSpace(fired), "\n")
	if len(rows) != 4 || !strings.HasPrefix(rows[1], "A\t2\t2\t3\t") || !strings.HasPrefix(rows[2], "C\t1\t1\t1\t") || !strings.HasPrefix(rows[3], "B\t1\t1\t0\t") {
		t.Errorf("what fired: %q", fired)
	}
	if still := text(t, b, "#still table"); strings.Count(still, "\n") != 2 || !strings.Contains(still, "C\t") || !strings.Contains(still, "eu") {
		t.Errorf("still firing: %q, want C and A in eu", still)
	}
	if copyText := text(t, b, "#copy"); copyText != "Copy as Markdown" {
		t.Errorf("copy button: %q", copyText)
	}
	for _, page := range []string{"flapping", "inhibitions", "silences", "noise"} {
		do(t, b, chromedp.Navigate(svc.URL+"/?page="+page+"&"+win))
		if txt := text(t, b, "main"); strings.Contains(txt, "Loading") {
			t.Errorf("%s did not load: %q", page, txt)
		}
	}
	b.clean(t)
}

func importInto(t *testing.T, svc *apptest.Service, recording string) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "api", "testdata", recording))
	if err != nil {
		t.Fatal(err)
	}
	if code, b := svc.Post(t, "/api/v1/import", "application/x-ndjson", body); code != 200 {
		t.Fatalf("import %s: %d %s", recording, code, b)
	}
}

// The swimlanes and the weekly review over api/testdata/flapping.ndjson
// (its story in api/flapping_test.go and api/report_test.go), and the
// suggestions over api/testdata/grouping.ndjson (api/suggestions_test.go).
func TestTimelineWeeklyAndSuggestionPages(t *testing.T) {
	flaps := apptest.Start(t, apptest.Config(t))
	importInto(t, flaps, "flapping.ndjson")
	b := newBrowser(t)

	// 10:00–14:00: Flappy, Hesitant and Steady change state; one lane each,
	// in name order. Flappy's last change is its 13:30 firing; the other two
	// end resolved (11:40 and 12:10).
	do(t, b, chromedp.Navigate(flaps.URL+"/?page=timeline&from=2026-11-02T10:00:00Z&to=2026-11-02T14:00:00Z"))
	if got := text(t, b, "#lanes"); got != "3 alerts changed state in the window." {
		t.Errorf("lanes: %q", got)
	}
	// The poll of 12:35 failed, the one of 12:39 succeeded.
	if got := text(t, b, "#blind"); got != "The poller was blind: prod 2026-11-02T12:35:00Z – 2026-11-02T12:39:00Z." {
		t.Errorf("blind: %q", got)
	}
	if n := do(t, b, chromedp.Evaluate[int](`document.querySelectorAll("#swimlanes canvas").length`)); n != 1 {
		t.Errorf("the swimlanes did not draw: %d canvases", n)
	}
	rows := strings.Split(strings.TrimSpace(text(t, b, "main table")), "\n")
	if len(rows) != 4 || !strings.HasPrefix(rows[1], "Flappy\t") || !strings.HasSuffix(rows[1], "\tfiring") ||
		!strings.HasPrefix(rows[2], "Hesitant\t") || !strings.HasSuffix(rows[2], "\tresolved") || !strings.HasPrefix(rows[3], "Steady\t") {
		t.Errorf("lanes table: %q", rows)
	}

	// The week: 21 notifications, all on Monday (UTC): hour 09 two (Flappy),
	// 10 eight (Flappy 4 with its HA duplicate once, Steady 2, Hesitant 2),
	// 11 four (Hesitant), 12 six (Flappy 4, Steady 2), 13 one (Flappy).
	// With Flappy's suggested for: 11m and keep_firing_for: 51m, its four
	// episodes shorter than 11m vanish (8 notifications) and two page 11m
	// later.
	do(t, b, chromedp.Navigate(flaps.URL+"/?page=weekly&week=2026-W45"))
	if got := text(t, b, "#totals table"); !strings.Contains(got, "Notifications\t21\t0\t21") {
		t.Errorf("totals: %q", got)
	}
	if got := text(t, b, "#if-suggested"); !strings.Contains(got, "8 fewer notifications (0 fewer in sleep hours) from the suggested for:/keep_firing_for: of 1 alerts, 2 episodes paging up to 11m later") {
		t.Errorf("if suggested: %q", got)
	}
	// All 21 to team; none out of its hours (weekdays 09–18) or in its sleep.
	if got := text(t, b, "#by-receiver table"); !strings.Contains(got, "team\t21\t21\t0\t0") {
		t.Errorf("by receiver: %q", got)
	}
	do(t, b, chromedp.WaitVisible(`#heat`)) // drawn after the per-day series arrives
	monday := do(t, b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#heat tr")[1].querySelectorAll("td")].map(td => td.textContent)`))
	want := make([]string, 24)
	want[9], want[10], want[11], want[12], want[13] = "2", "8", "4", "6", "1"
	if strings.Join(monday, ",") != strings.Join(want, ",") {
		t.Errorf("Monday's hours %q, want %q", monday, want)
	}
	if n := do(t, b, chromedp.Evaluate[int](`document.querySelectorAll("#per-day canvas").length`)); n != 1 {
		t.Errorf("notifications per day did not draw: %d canvases", n)
	}
	// The week picker changes the URL and the content (W44 is empty).
	do(t, b, chromedp.SetValue(`#week`, "2026-W44"))
	do(t, b, chromedp.Evaluate[any](`document.getElementById("week").dispatchEvent(new Event("change"))`))
	do(t, b, chromedp.WaitVisible(`#totals`))
	if loc := do(t, b, chromedp.Location()); !strings.Contains(loc, "week=2026-W44") {
		t.Errorf("the URL after picking a week: %s", loc)
	}
	if got := text(t, b, "#totals table"); !strings.Contains(got, "Notifications\t0\t0\t0") {
		t.Errorf("W44 totals: %q", got)
	}
	b.clean(t)

	groups := apptest.Start(t, apptest.Config(t))
	importInto(t, groups, "grouping.ndjson")
	g := newBrowser(t)
	do(t, g, chromedp.Navigate(groups.URL+"/?page=suggestions&from=2026-11-05T00:00:00Z&to=2026-11-06T00:00:00Z"))
	inhibit := text(t, g, "#inhibit table")
	// support 6, confidence 6/7, 6 notifications saved (all 6 in sleep
	// hours), six pairs
	if !strings.Contains(inhibit, `alertname=\"NodeDown\"`) || !strings.Contains(inhibit, "\t6\t86%\t6\t6\t") || !strings.Contains(inhibit, "6 pairs") {
		t.Errorf("inhibit suggestions: %q", inhibit)
	}
	grouping := text(t, g, "#grouping table")
	if !strings.Contains(grouping, "team\tNodeDown, TargetDown\talertname\t") || !strings.Contains(grouping, "- instance") ||
		!strings.Contains(grouping, "\t6\t86%\t6\t6\t") || !strings.Contains(grouping, "6 pairs") {
		t.Errorf("grouping suggestions: %q", grouping)
	}
	do(t, g, chromedp.Navigate(groups.URL+"/?page=loops&from=2026-11-05T00:00:00Z&to=2026-11-06T00:00:00Z"))
	if got := text(t, g, "#observed"); got != "None." {
		t.Errorf("observed loops: %q", got)
	}
	g.clean(t)
}

// Behind a reverse proxy that serves alertlens under /alertlens (Go's own
// httputil.ReverseProxy, stripping the prefix), the pages work when opened
// as …/alertlens — without the trailing slash — and as …/alertlens/.
func TestPagesUnderAPathPrefix(t *testing.T) {
	svc := apptest.Start(t, apptest.Config(t))
	importInto(t, svc, "lookup.ndjson")
	target, err := url.Parse(svc.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/alertlens")
		if !ok {
			http.NotFound(w, r)
			return
		}
		r.URL.Path = "/" + strings.TrimPrefix(rest, "/")
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	b := newBrowser(t)
	for _, path := range []string{"/alertlens?page=noise", "/alertlens/?page=noise"} {
		do(t, b, chromedp.Navigate(front.URL+path+"&from=2026-11-02T09:30:00Z&to=2026-11-02T11:00:00Z"))
		// A: 3 notifications in the window (two in prod, one in eu).
		if got := text(t, b, "main table"); !strings.Contains(got, "A\t3\t") {
			t.Errorf("%s: noise %q", path, got)
		}
		if loc := do(t, b, chromedp.Location()); !strings.HasPrefix(loc, front.URL+"/alertlens/?") {
			t.Errorf("%s: the page ended at %s", path, loc)
		}
		if path == "/alertlens?page=noise" {
			// The first load redirects to …/alertlens/ at once: what the
			// browser had begun to fetch against the wrong base (aborted, or
			// a 404 from the proxy) belongs to the abandoned page.
			b.forget()
		}
	}
	b.clean(t)
}
