package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"
	openapiruntime "github.com/go-openapi/runtime"
	clientruntime "github.com/go-openapi/runtime/client"
	"github.com/go-openapi/strfmt"
	amclient "github.com/prometheus/alertmanager/api/v2/client"
	"github.com/prometheus/alertmanager/api/v2/client/alert"
	"github.com/prometheus/alertmanager/api/v2/client/silence"
	"github.com/prometheus/alertmanager/api/v2/models"
	commoncfg "github.com/prometheus/common/config"

	"github.com/alertlens/alertlens/version"
)

// upkeepFlags are the flags both silence commands take.
type upkeepFlags struct {
	cf           clientFlags
	alertmanager string
	httpConfig   string
	source       string
	apply        bool
}

func (u *upkeepFlags) register(c *kingpin.CmdClause) {
	u.cf.register(c)
	c.Flag("alertmanager", "the Alertmanager to act on (one source at a time), e.g. http://alertmanager:9093").Required().StringVar(&u.alertmanager)
	c.Flag("http-config-file", "Alertmanager's auth and TLS as a Prometheus http_config YAML file (as amtool's --http.config.file)").ExistingFileVar(&u.httpConfig)
	c.Flag("source", "the alertlens source that Alertmanager is").Required().StringVar(&u.source)
	c.Flag("apply", "act; without it nothing changes (dry run)").BoolVar(&u.apply)
}

// client builds Alertmanager's own API client, with http_config auth and TLS.
func (u *upkeepFlags) client() (*amclient.AlertmanagerAPI, error) {
	if u.alertmanager == "" || u.source == "" {
		return nil, errors.New("--alertmanager URL and --source NAME are required")
	}
	am, err := url.Parse(u.alertmanager)
	if err != nil || (am.Scheme != "http" && am.Scheme != "https") || am.Host == "" {
		return nil, fmt.Errorf("--alertmanager needs an http:// or https:// URL (got %q)", u.alertmanager)
	}
	hc := http.DefaultClient
	if u.httpConfig != "" {
		cfg, _, err := commoncfg.LoadHTTPConfigFile(u.httpConfig)
		if err != nil {
			return nil, fmt.Errorf("--http-config-file: %w", err)
		}
		if hc, err = commoncfg.NewClientFromConfig(*cfg, "alertlens"); err != nil {
			return nil, fmt.Errorf("--http-config-file: %w", err)
		}
	}
	rt := clientruntime.NewWithClient(am.Host, path.Join(am.Path, "/api/v2"), []string{am.Scheme}, hc)
	return amclient.New(rt, strfmt.Default), nil
}

// stamp is the line alertlens adds to a silence's comment when it acts.
func stamp(what string) string {
	v, _ := version.Info()
	return fmt.Sprintf("[%s by alertlens %s at %s]", what, v, time.Now().UTC().Format(time.RFC3339))
}

// expireCommand is "alertlens silences expire --stale".
func expireCommand(c *kingpin.CmdClause) action {
	var u upkeepFlags
	u.register(c)
	stale := c.Flag("stale", "the silences alertlens finds stale (required, so nothing is expired by accident)").Bool()
	maxAge := c.Flag("max-age", "stale when active longer than this; e.g. 7d").Default("7d").String()
	idle := c.Flag("idle", "stale when it silenced nothing for this long").Default("24h").String()
	return func(ctx context.Context) error {
		if !*stale {
			return errors.New("say --stale (the only kind alertlens expires)")
		}
		api, err := u.client()
		if err != nil {
			return err
		}
		return expireStale(ctx, &u, api, *maxAge, *idle)
	}
}

// extendCommand is "alertlens silences extend".
func extendCommand(c *kingpin.CmdClause) action {
	var u upkeepFlags
	u.register(c)
	within := c.Flag("within", "silences that end within this").Default("24h").Duration()
	by := c.Flag("by", "how much longer").Default("24h").Duration()
	return func(ctx context.Context) error {
		api, err := u.client()
		if err != nil {
			return err
		}
		return extendSilences(ctx, &u, api, *within, *by)
	}
}

// expireStale expires the silences alertlens's stale-silence analysis names
// for the source, noting why in each one's comment first.
func expireStale(ctx context.Context, u *upkeepFlags, api *amclient.AlertmanagerAPI, maxAge, idle string) error {
	body, err := get(ctx, &u.cf, "/api/v1/silences/stale", url.Values{"source": {u.source}, "max_age": {maxAge}, "idle": {idle}})
	if err != nil {
		return err
	}
	var ans struct {
		Silences []struct {
			ID      string   `json:"id"`
			Reasons []string `json:"reasons"`
		} `json:"silences"`
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return fmt.Errorf("reading the stale silences: %w", err)
	}
	for _, s := range ans.Silences {
		why := strings.Join(s.Reasons, ", ")
		if !u.apply {
			fmt.Printf("would expire %s (%s)\n", s.ID, why)
			continue
		}
		got, err := api.Silence.GetSilence(silence.NewGetSilenceParamsWithContext(ctx).WithSilenceID(strfmt.UUID(s.ID)))
		if err != nil {
			return amError(fmt.Sprintf("reading silence %s from Alertmanager", s.ID), err)
		}
		if st := got.Payload.Status; st == nil || st.State == nil || *st.State != models.SilenceStatusStateActive {
			fmt.Printf("skipped %s: no longer active\n", s.ID)
			continue
		}
		ps := &models.PostableSilence{ID: s.ID, Silence: got.Payload.Silence}
		comment := strings.TrimSpace(*ps.Comment + " " + stamp("expired as stale ("+why+")"))
		ps.Comment = &comment
		if _, err := api.Silence.PostSilences(silence.NewPostSilencesParamsWithContext(ctx).WithSilence(ps)); err != nil {
			return amError(fmt.Sprintf("noting the expiry in silence %s", s.ID), err)
		}
		if _, err := api.Silence.DeleteSilence(silence.NewDeleteSilenceParamsWithContext(ctx).WithSilenceID(strfmt.UUID(s.ID))); err != nil {
			return amError(fmt.Sprintf("expiring silence %s", s.ID), err)
		}
		fmt.Printf("expired %s (%s)\n", s.ID, why)
	}
	if len(ans.Silences) == 0 {
		fmt.Println("no stale silence")
	}
	return nil
}

// extendSilences extends the active silences that end within `within` and
// still silence firing alerts, by `by`, noting it in their comments.
func extendSilences(ctx context.Context, u *upkeepFlags, api *amclient.AlertmanagerAPI, within, by time.Duration) error {
	sils, err := api.Silence.GetSilences(silence.NewGetSilencesParamsWithContext(ctx))
	if err != nil {
		return amError("reading silences from Alertmanager", err)
	}
	alerts, err := api.Alert.GetAlerts(alert.NewGetAlertsParamsWithContext(ctx))
	if err != nil {
		return amError("reading alerts from Alertmanager", err)
	}
	silencing := map[string]int{}
	for _, a := range alerts.Payload {
		if a.Status == nil {
			continue
		}
		for _, id := range a.Status.SilencedBy {
			silencing[id]++
		}
	}
	n := 0
	for _, s := range sils.Payload {
		if s.ID == nil || s.Status == nil || s.Status.State == nil || *s.Status.State != models.SilenceStatusStateActive || s.EndsAt == nil {
			continue
		}
		end := time.Time(*s.EndsAt)
		if time.Until(end) > within || silencing[*s.ID] == 0 {
			continue
		}
		n++
		newEnd := end.Add(by)
		if !u.apply {
			fmt.Printf("would extend %s to %s (silences %d firing alerts)\n", *s.ID, newEnd.UTC().Format(time.RFC3339), silencing[*s.ID])
			continue
		}
		ps := &models.PostableSilence{ID: *s.ID, Silence: s.Silence}
		e := strfmt.DateTime(newEnd)
		ps.EndsAt = &e
		comment := strings.TrimSpace(*ps.Comment + " " + stamp(fmt.Sprintf("extended by %s while silencing %d firing alerts", by, silencing[*s.ID])))
		ps.Comment = &comment
		res, err := api.Silence.PostSilences(silence.NewPostSilencesParamsWithContext(ctx).WithSilence(ps))
		if err != nil {
			return amError(fmt.Sprintf("extending silence %s", *s.ID), err)
		}
		fmt.Printf("extended %s to %s (now %s)\n", *s.ID, newEnd.UTC().Format(time.RFC3339), res.Payload.SilenceID)
	}
	if n == 0 {
		fmt.Println("no silence to extend")
	}
	return nil
}

// amError says what failed against Alertmanager; a refusal of the
// credentials says where they come from.
func amError(what string, err error) error {
	var apiErr *openapiruntime.APIError
	if errors.As(err, &apiErr) && (apiErr.Code == http.StatusUnauthorized || apiErr.Code == http.StatusForbidden) {
		return fmt.Errorf("%s: Alertmanager refused the credentials (%d): check the basic_auth or authorization in --http-config-file", what, apiErr.Code)
	}
	return fmt.Errorf("%s: %w", what, err)
}
