package store

import (
	"context"
	"fmt"
	"syscall"
)

// HeadroomError says an insert waits because the engine's disk is nearly
// full. Its text names the setting and is safe to show a client.
type HeadroomError struct {
	Free, Min uint64
}

func (e *HeadroomError) Error() string {
	return fmt.Sprintf("the store's disk has %d MiB free, under store.min_free_bytes (%d MiB): writes wait until space returns",
		e.Free>>20, e.Min>>20)
}

// ClientReason is the text readiness may show.
func (e *HeadroomError) ClientReason() string { return e.Error() }

// Headroom keeps inserts off a disk with less than Min bytes free, so the
// engine keeps room for its merges and its own metadata: the engine fails
// far less gracefully when the disk fills under it (a merge or a part
// write half done). An insert it holds back is an outage to the writer,
// which retries with backoff and recovers by itself when space returns.
type Headroom struct {
	ins *Store
	dir string
	min uint64
	// free reports the bytes available to an unprivileged writer in dir.
	free func(dir string) (uint64, error)
}

// NewHeadroom makes st's inserts wait while dir has under min bytes free.
func NewHeadroom(st *Store, dir string, min uint64) *Headroom {
	return &Headroom{ins: st, dir: dir, min: min, free: statfsFree}
}

// Insert inserts unless the disk is under its headroom.
func (h *Headroom) Insert(ctx context.Context, table string, rows []byte, token string) error {
	if err := h.check(); err != nil {
		return err
	}
	return h.ins.Insert(ctx, table, rows, token)
}

// InsertMissing is Store.InsertMissing unless the disk is under its headroom.
func (h *Headroom) InsertMissing(ctx context.Context, table string, rows []byte) (int, error) {
	if err := h.check(); err != nil {
		return 0, err
	}
	return h.ins.InsertMissing(ctx, table, rows)
}

func (h *Headroom) check() error {
	free, err := h.free(h.dir)
	if err != nil {
		return fmt.Errorf("store: checking free space in the data directory: %w", err)
	}
	if free < h.min {
		return &HeadroomError{Free: free, Min: h.min}
	}
	return nil
}

func statfsFree(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil //nolint:gosec // Bsize is a positive block size
}
