package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/alertmanager/eventrecorder/eventrecorderpb"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/alertlens/alertlens/config"
	"github.com/alertlens/alertlens/httpauth"
	"github.com/alertlens/alertlens/queue"
	"github.com/alertlens/alertlens/recording"
	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/webhook"
)

// Ingester turns event bodies into queued rows. Live intake and imports
// share it.
type Ingester struct {
	Queue  queue.Producer
	Limits webhook.Limits
	// Record, if set, is called with each event after it is queued (serve
	// --record).
	Record func(source string, at time.Time, event []byte) error
	Log    *slog.Logger

	received *prometheus.CounterVec
}

// NewIngester builds an ingester. rec may be nil (no recording); reg may
// be nil (no metrics).
func NewIngester(q queue.Producer, lim webhook.Limits, rec *recording.Writer, log *slog.Logger, reg prometheus.Registerer) *Ingester {
	in := &Ingester{Queue: q, Limits: lim, Log: log, received: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "alertlens_events_received_total", Help: "Event recorder events queued, by source and kind.",
	}, []string{"source", "kind"})}
	if rec != nil {
		in.Record = func(source string, at time.Time, event []byte) error {
			return rec.Write(recording.Line{Kind: recording.KindEvent, At: at, Source: source, Event: event})
		}
	}
	if reg != nil {
		reg.MustRegister(in.received)
	}
	return in
}

// Add queues decoded events (one record: all of them or none) and
// returns how many rows they gave.
func (in *Ingester) Add(ctx context.Context, evs []*eventrecorderpb.Event, source string, at time.Time) (int, error) {
	var rows []store.Event
	for _, ev := range evs {
		rows = append(rows, Rows(ev, source, at)...)
	}
	data, err := store.EncodeRows(nil, rows)
	if err != nil {
		return 0, err
	}
	if len(rows) > 0 {
		if err := in.Queue.Append(ctx, store.Section(store.TableEvents, data)); err != nil {
			return 0, err
		}
	}
	for _, r := range rows {
		if in.received != nil {
			in.received.WithLabelValues(source, r.Kind).Inc()
		}
	}
	if in.Record != nil {
		for _, ev := range evs {
			b, err := marshal(ev)
			if err == nil {
				err = in.Record(source, at, b)
			}
			if err != nil && in.Log != nil {
				// The events are queued; only the recording misses them.
				in.Log.LogAttrs(ctx, slog.LevelError, "events: writing recording", slog.String("error", err.Error()))
			}
		}
	}
	return len(rows), nil
}

// Handler serves POST /events and POST /events/{source}.
type Handler struct {
	in       *Ingester
	log      *slog.Logger
	requests *prometheus.CounterVec
}

// NewHandler serves the intake through in.
func NewHandler(in *Ingester, log *slog.Logger, reg prometheus.Registerer) *Handler {
	h := &Handler{in: in, log: log, requests: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "alertlens_events_requests_total", Help: "Event intake requests by HTTP status code.",
	}, []string{"code"})}
	if reg != nil {
		reg.MustRegister(h.requests)
	}
	return h
}

// Register adds the routes behind the webhook's auth: the recorder's
// webhook output is configured like a receiver's.
func (h *Handler) Register(e *echo.Echo, auth config.Auth) {
	mw := httpauth.Middleware(auth, "alertlens events")
	e.POST("/events", h.serve, mw)
	e.POST("/events/:source", h.serve, mw)
}

// Response is the 200 answer.
type Response struct {
	Source string `json:"source"`
	Events int    `json:"events"`
}

func (h *Handler) serve(c echo.Context) error {
	code, body := h.handle(c.Request(), c.Param("source"))
	return webhook.Reply(c, h.requests, code, body)
}

func (h *Handler) handle(r *http.Request, source string) (int, any) {
	source, body, code, msg := webhook.ReadBody(r, source, h.in.Limits.MaxBodyBytes, "application/json", "application/x-ndjson")
	if code != 0 {
		return code, webhook.ErrorBody{Error: msg}
	}
	evs, err := Decode(body, h.in.Limits)
	var ie *webhook.InputError
	if errors.As(err, &ie) {
		h.log.LogAttrs(r.Context(), slog.LevelWarn, "events: rejected body", slog.String("source", source), slog.String("error", ie.Msg))
		return http.StatusBadRequest, webhook.ErrorBody{Error: ie.Msg}
	}
	if _, err := h.in.Add(r.Context(), evs, source, time.Now()); err != nil {
		h.log.LogAttrs(r.Context(), slog.LevelError, "events: cannot queue", slog.String("source", source), slog.String("error", err.Error()))
		return http.StatusServiceUnavailable, webhook.ErrorBody{Error: "cannot queue the events, retry later: " + queue.Reason(err)}
	}
	return http.StatusOK, Response{Source: source, Events: len(evs)}
}

// marshal writes an event back in the recorder's own JSON form, compact.
func marshal(ev *eventrecorderpb.Event) ([]byte, error) {
	b, err := protojsonMarshal(ev)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
