// Package plugin is the alertlens Grafana datasource: every query type asks
// one alertlens API endpoint (so it works with either store backend) and
// shapes the JSON answer into data frames.
package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
)

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// Datasource is one configured alertlens datasource.
type Datasource struct {
	base   string
	token  string
	client *http.Client
}

// NewDatasource makes a datasource from its settings: the alertlens URL,
// and an optional bearer token kept in secure JSON ("token").
func NewDatasource(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("alertlens URL %q is not an http(s) URL", s.URL)
	}
	return &Datasource{base: strings.TrimRight(s.URL, "/"), token: s.DecryptedSecureJSONData["token"], client: &http.Client{Timeout: 60 * time.Second}}, nil
}

// Dispose implements instancemgmt.InstanceDisposer.
func (d *Datasource) Dispose() {}

// Query is what a panel sends: a query type and its parameters. Grafana's
// time range gives from and to; template variables are already replaced.
//
// Its fields are the analysis's parameters in camelCase (flapGap for
// flap_gap), as the descriptors name them, plus queryType.
type Query map[string]any

// userError is a mistake in the query (bad matcher, unknown receiver): shown
// to the user as such, not as a plugin failure.
type userError struct{ msg string }

func (e *userError) Error() string { return e.msg }

// get asks path with params and returns the body; 4xx answers are user
// errors carrying alertlens's message.
func (d *Datasource) get(ctx context.Context, path string, params url.Values) ([]byte, error) {
	u := d.base + path
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if d.token != "" {
		req.Header.Set("Authorization", "Bearer "+d.token)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("asking alertlens: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, fmt.Errorf("reading alertlens's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		if e.Error == "" {
			e.Error = strings.TrimSpace(string(body))
		}
		if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusUnauthorized {
			return nil, &userError{e.Error}
		}
		return nil, fmt.Errorf("alertlens answered %d: %s", resp.StatusCode, e.Error)
	}
	return body, nil
}

// QueryData answers each query on its own: one failing query (reported
// under its RefID) does not fail the others.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		resp.Responses[q.RefID] = d.query(ctx, q)
	}
	return resp, nil
}

func (d *Datasource) query(ctx context.Context, dq backend.DataQuery) (res backend.DataResponse) {
	defer func() {
		if r := recover(); r != nil {
			res = backend.ErrDataResponse(backend.StatusInternal, fmt.Sprintf("alertlens plugin: %v", r))
		}
	}()
	var q Query
	if err := json.Unmarshal(dq.JSON, &q); err != nil {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, "query is not valid JSON: "+err.Error())
	}
	qt, _ := q["queryType"].(string)
	if qt == "" {
		qt = dq.QueryType
	}
	desc, ok := queryTypes()[qt]
	if !ok {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream,
			fmt.Sprintf("unknown query type %q (one of %s)", qt, strings.Join(QueryTypes(), ", ")))
	}
	frames, err := d.fetch(ctx, desc, q, dq.TimeRange)
	var ue *userError
	switch {
	case errors.As(err, &ue):
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, ue.msg)
	case err != nil:
		return backend.ErrDataResponseWithSource(backend.StatusBadGateway, backend.ErrorSourcePlugin, err.Error())
	}
	for _, f := range frames {
		f.RefID = dq.RefID
	}
	return backend.DataResponse{Frames: frames}
}

// CheckHealth asks alertlens's /-/ready and says what it found.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	body, err := d.get(ctx, "/-/ready", nil)
	if err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: "alertlens at " + d.base + " is not ready: " + err.Error()}, nil
	}
	// The read API may require a token the health endpoint does not: try it.
	if _, err := d.get(ctx, "/api/v1/silences/stale", nil); err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: "alertlens is up but its API refused the query: " + err.Error()}, nil
	}
	return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: strings.TrimSpace(string(body))}, nil
}
