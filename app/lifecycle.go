package app

import (
	"context"
	"errors"
	"fmt"
)

// lifecycle is a stack of named cleanups run last-in-first-out, so things
// close in the reverse of the order they opened.
type lifecycle struct {
	names []string
	fns   []func(context.Context) error
}

func (l *lifecycle) push(name string, fn func(context.Context) error) {
	l.names = append(l.names, name)
	l.fns = append(l.fns, fn)
}

func (l *lifecycle) run(ctx context.Context) error {
	var errs []error
	for i := len(l.fns) - 1; i >= 0; i-- {
		if err := l.fns[i](ctx); err != nil {
			errs = append(errs, fmt.Errorf("closing %s: %w", l.names[i], err))
		}
	}
	l.names, l.fns = nil, nil
	return errors.Join(errs...)
}
