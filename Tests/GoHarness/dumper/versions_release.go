// Trace versions of a release, from its internal/trace/version table (under internal/trace/v2
// in Go 1.22, where Scripts/extract-real-tables rewrites the import).
package main

import (
	"internal/trace/version"
)

func loadVersions() map[uint32][]int {
	out := map[uint32][]int{}
	for v := uint32(22); v < 100; v++ { // 22 is the first v2 trace version
		ver := version.Version(v)
		specs := ver.Specs()
		if !ver.Valid() || len(specs) == 0 {
			continue
		}
		out[v] = definedIDs(len(specs), func(i int) string { return specs[i].Name })
	}
	return out
}
