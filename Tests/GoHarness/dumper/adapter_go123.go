// Adapter for Go 1.23 and 1.24: internal/trace/event/go122 + internal/trace/event, and the
// trace versions from internal/trace/version. Experiment names come from the source only
// (the layout has no Experiments()).
package main

import (
	"internal/trace/event"
	"internal/trace/event/go122"
)

func loadTables() tables {
	var t tables
	for _, s := range go122.Specs() {
		t.Specs = append(t.Specs, rawSpec{
			Name: s.Name, Args: s.Args, StringIDs: s.StringIDs, StackIDs: s.StackIDs,
			StartEv: int(s.StartEv), Timed: s.IsTimedEvent, HasData: s.HasData,
			IsStack: s.IsStack, Experiment: int(s.Experiment),
		})
	}
	t.ArgTypes = event.ArgTypes[:]
	t.Constants = map[string]int64{
		"MaxBatchSize":      go122.MaxBatchSize,
		"MaxFramesPerStack": go122.MaxFramesPerStack,
		"MaxStringSize":     go122.MaxStringSize,
	}
	t.GoStatusString = func(v uint64) string { return go122.GoStatus(v).String() }
	t.ProcStatusString = func(v uint64) string { return go122.ProcStatus(v).String() }
	return t
}
