package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	amwebhook "github.com/prometheus/alertmanager/notify/webhook"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/queue"
	"github.com/alertlens/alertlens/recording"
	"github.com/alertlens/alertlens/store"
)

// Handler serves POST /webhook and POST /webhook/{source}.
type Handler struct {
	in       *Ingester
	log      *slog.Logger
	requests *prometheus.CounterVec
}

// NewHandler builds the receiver. rec may be nil (no recording); reg may be
// nil (no metrics).
func NewHandler(q queue.Producer, lim Limits, dedup *Dedup, rec *recording.Writer, log *slog.Logger, reg prometheus.Registerer) *Handler {
	in := &Ingester{Queue: q, Dedup: dedup, Limits: lim, Log: log,
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "alertlens_alerts_received_total", Help: "Alerts received by webhook (or import) and durably queued, by source and status.",
		}, []string{"source", "status"}),
		dups: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "alertlens_webhook_ha_duplicates_total", Help: "Alerts delivered again by another HA peer within the dedup window (stored, not counted).",
		}),
	}
	if rec != nil {
		in.Record = func(source string, at time.Time, body []byte) error {
			return rec.Write(recording.Line{Kind: recording.KindWebhook, At: at, Source: source, Payload: compact(body)})
		}
	}
	h := &Handler{in: in, log: log, requests: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "alertlens_webhook_requests_total", Help: "Webhook requests by HTTP status code.",
	}, []string{"code"})}
	if reg != nil {
		reg.MustRegister(h.requests, in.received, in.dups)
	}
	return h
}

// ForImport returns an Ingester sharing this handler's limits and metrics,
// appending to q, with its own HA dedup state (an import replays its own clock) and
// no recording.
func (h *Handler) ForImport(dedupWindow time.Duration, q queue.Producer) *Ingester {
	in := *h.in
	in.Queue = q
	in.Dedup = NewDedup(dedupWindow)
	in.Record = nil
	return &in
}

// Register adds the routes, behind auth when configured.
func (h *Handler) Register(e *echo.Echo, auth config.Auth) {
	mw := authMiddleware(auth)
	e.POST("/webhook", h.serve, mw)
	e.POST("/webhook/:source", h.serve, mw)
}

// Response is the 200 answer.
type Response struct {
	Source     string `json:"source"`
	Alerts     int    `json:"alerts"`
	Duplicates int    `json:"ha_duplicates"`
}

func (h *Handler) serve(c echo.Context) error {
	code, body := h.handle(c.Request(), c.Param("source"))
	return Reply(c, h.requests, code, body)
}

// ErrorBody is every intake's 4xx/5xx answer.
type ErrorBody struct {
	Error string `json:"error"`
}

// Reply counts an intake's answer by status code and sends it; a 503 says
// when to come back, as Alertmanager's retries would anyway.
func Reply(c echo.Context, requests *prometheus.CounterVec, code int, body any) error {
	requests.WithLabelValues(strconv.Itoa(code)).Inc()
	if code == http.StatusServiceUnavailable {
		c.Response().Header().Set("Retry-After", "10")
	}
	return c.JSON(code, body)
}

func (h *Handler) handle(r *http.Request, source string) (int, any) {
	source, body, code, msg := ReadBody(r, source, h.in.Limits.MaxBodyBytes, "application/json")
	if code != 0 {
		return code, ErrorBody{Error: msg}
	}
	n, dups, err := h.in.Ingest(r.Context(), body, source, time.Now())
	var ie *InputError
	switch {
	case errors.As(err, &ie):
		h.log.LogAttrs(r.Context(), slog.LevelWarn, "webhook: rejected payload", slog.String("source", source), slog.String("error", ie.Msg))
		return http.StatusBadRequest, ErrorBody{Error: ie.Msg}
	case err != nil:
		h.log.LogAttrs(r.Context(), slog.LevelError, "webhook: cannot queue payload", slog.String("source", source), slog.String("error", err.Error()))
		return http.StatusServiceUnavailable, ErrorBody{Error: "cannot queue the notification, retry later: " + queue.Reason(err)}
	}
	return http.StatusOK, Response{Source: source, Alerts: n, Duplicates: dups}
}

// Ingester decodes, validates and durably queues payloads. Live webhooks
// and imported recordings both go through Ingest.
type Ingester struct {
	Queue  queue.Producer
	Dedup  *Dedup // nil: no HA dedup
	Limits Limits
	// Record, if set, is called after a payload is queued (serve --record).
	Record func(source string, at time.Time, body []byte) error
	Log    *slog.Logger

	received *prometheus.CounterVec
	dups     prometheus.Counter
}

// Ingest queues one payload received at at, returning how many alerts it
// held and how many of them were HA duplicates. An *InputError means the
// payload is bad and nothing of it was queued; any other error means the
// queue could not take it.
func (in *Ingester) Ingest(ctx context.Context, body []byte, source string, at time.Time) (alerts, duplicates int, err error) {
	msg, err := Decode(body, in.Limits)
	if err != nil {
		return 0, 0, err
	}
	return in.IngestDecoded(ctx, msg, body, source, at)
}

// IngestDecoded queues a payload Decode already accepted (the importer
// validates a whole recording before storing any of it); body is what gets
// recorded.
func (in *Ingester) IngestDecoded(ctx context.Context, msg *amwebhook.Message, body []byte, source string, at time.Time) (alerts, duplicates int, err error) {
	rows, forget := Rows(msg, source, at, in.Dedup)
	data, err := store.EncodeRows(nil, rows)
	if err != nil {
		forget()
		return 0, 0, err
	}
	if err := in.Queue.Append(ctx, store.Section(store.TableNotifications, data)); err != nil {
		forget()
		return 0, 0, err
	}
	for _, r := range rows {
		if r.HADuplicate == 1 {
			duplicates++
		}
		if in.received != nil {
			in.received.WithLabelValues(source, r.Status).Inc()
		}
	}
	if in.dups != nil {
		in.dups.Add(float64(duplicates))
	}
	if in.Record != nil {
		if err := in.Record(source, at, body); err != nil && in.Log != nil {
			// The notification is queued; only the recording misses it.
			in.Log.LogAttrs(ctx, slog.LevelError, "webhook: writing recording", slog.String("error", err.Error()))
		}
	}
	return len(rows), duplicates, nil
}

// ReadBody checks what every intake checks before it decodes anything: the
// source named in the path, the content type (one of types, or none), the
// body size (webhook.max_body_bytes), and a body that arrives whole and in
// time. It returns the source and the body, or the status and the message
// to answer (code 0 when all is well). A network error's own text, with
// addresses, is never answered.
func ReadBody(r *http.Request, source string, limit int64, types ...string) (string, []byte, int, string) {
	if source == "" {
		source = config.DefaultSource
	}
	if !config.ValidSourceName(source) {
		return "", nil, http.StatusBadRequest, "source " + strconv.Quote(truncate(source)) + " in the path must be 1-64 characters of [A-Za-z0-9_.-]"
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !slices.Contains(types, mt) {
			return "", nil, http.StatusBadRequest, "content type " + strconv.Quote(ct) + " is not " + strings.Join(types, " or ")
		}
	}
	if r.ContentLength > limit {
		return "", nil, http.StatusRequestEntityTooLarge, "body of " + strconv.FormatInt(r.ContentLength, 10) + " bytes exceeds the limit of " + strconv.FormatInt(limit, 10) + " (webhook.max_body_bytes)"
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "", nil, http.StatusRequestTimeout, "the body did not arrive within http.read_timeout"
	case err != nil:
		return "", nil, http.StatusBadRequest, "the body was broken off before its end"
	case int64(len(body)) > limit:
		return "", nil, http.StatusRequestEntityTooLarge, "body exceeds the limit of " + strconv.FormatInt(limit, 10) + " bytes (webhook.max_body_bytes)"
	}
	return source, body, 0, ""
}

func compact(b []byte) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return b
	}
	return buf.Bytes()
}
