package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alertlens/alertlens/app"
	"github.com/alertlens/alertlens/config"
)

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

func runServe(ctx context.Context, build func() (config.Config, error)) error {
	cfg, err := build()
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	if err := a.Start(); err != nil {
		_ = a.Stop(context.Background())
		return err
	}
	select {
	case <-ctx.Done():
		log.LogAttrs(context.Background(), slog.LevelInfo, "shutting down")
	case <-a.WriterDone():
		log.LogAttrs(context.Background(), slog.LevelError, "writer stopped; shutting down")
	case err := <-a.Failed():
		sctx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.ShutdownTimeout))
		defer cancel()
		return errors.Join(err, a.Stop(sctx))
	}
	sctx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.ShutdownTimeout))
	defer cancel()
	if err := a.Stop(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func runMigrate(ctx context.Context, build func() (config.Config, error)) error {
	cfg, err := build()
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel)
	st, err := app.OpenStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	v, err := st.AppliedVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("schema of %s store, database %s, at version %d\n", cfg.Store.Kind, cfg.Store.Database, v)
	return nil
}
