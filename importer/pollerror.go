package importer

import (
	"github.com/alertlens/alertlens/poller"
	"github.com/alertlens/alertlens/queue"
	"github.com/alertlens/alertlens/recording"
	"github.com/alertlens/alertlens/store"
)

func pollErrorSection(d *poller.Differ, l recording.Line) (queue.Section, error) {
	data, err := store.EncodeRows(nil, []store.Poll{d.Failed(l.At, 0, l.Error)})
	return store.Section(store.TablePolls, data), err
}
