package main

import (
	"context"
	"errors"
	"flag"
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

// loadConfig parses a command's flags into the validated configuration.
func loadConfig(name string, args []string) (config.Config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	build := config.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return config.Config{}, err
	}
	return build()
}

func runServe(ctx context.Context, args []string) error {
	cfg, err := loadConfig("serve", args)
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

func runMigrate(ctx context.Context, args []string) error {
	cfg, err := loadConfig("migrate", args)
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
