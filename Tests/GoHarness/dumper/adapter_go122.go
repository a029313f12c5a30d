// Adapter for Go 1.22: internal/trace/v2/event/go122 + internal/trace/v2/event, and the
// trace versions from internal/trace/v2/version. The layout has no experiments.
package main

import (
	"internal/trace/v2/event"
	"internal/trace/v2/event/go122"
)

func loadTables() tables {
	var t tables
	for _, s := range go122.Specs() {
		t.Specs = append(t.Specs, rawSpec{
			Name: s.Name, Args: s.Args, StringIDs: s.StringIDs, StackIDs: s.StackIDs,
			StartEv: int(s.StartEv), Timed: s.IsTimedEvent, HasData: s.HasData,
			IsStack: s.IsStack,
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
