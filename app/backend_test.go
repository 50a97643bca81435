package app_test

import (
	"testing"

	"github.com/alertlens/alertlens/store"
	"github.com/alertlens/alertlens/store/storetest"
)

type noClose struct{ *store.Embedded }

func (noClose) Close() error { return nil }

func storeBackend(t *testing.T) store.Backend { return noClose{storetest.Backend(t)} }
