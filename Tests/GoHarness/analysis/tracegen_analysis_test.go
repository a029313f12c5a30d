// The reference side of Tests/TraceAnalysisTests. Never built in place: the Swift tests overlay
// it into Go 1.27.3's own internal/trace (go test -overlay) so that it can call the Summarizer
// and the MMU code, which no program outside the standard library can import.
//
// TRACEGEN_ANALYSIS_LIST names a file with one "INPUT<TAB>OUTPUT" line per trace. For each, the
// output gets one JSON object: "error" when Go's reader rejects the trace, else "summary" (the
// layout of `gotrace summary --format json`) and "mmu" (MMU per flag set and window).

package trace

import (
	"encoding/json"
	"io"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestTracegenAnalysis(t *testing.T) {
	list := os.Getenv("TRACEGEN_ANALYSIS_LIST")
	if list == "" {
		t.Skip("TRACEGEN_ANALYSIS_LIST not set")
	}
	text, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		input, output, _ := strings.Cut(line, "\t")
		result := tracegenAnalyze(input)
		bytes, err := json.Marshal(result)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(output, bytes, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func tracegenAnalyze(path string) map[string]any {
	file, err := os.Open(path)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	defer file.Close()
	reader, err := NewReader(file)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	summarizer := NewSummarizer()
	var events []Event
	for {
		ev, err := reader.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		events = append(events, ev)
		summarizer.Event(&events[len(events)-1])
	}
	return map[string]any{"summary": tracegenSummary(summarizer.Finalize()), "mmu": tracegenMMU(events)}
}

func tracegenNonZero(m map[string]time.Duration) map[string]int64 {
	out := map[string]int64{}
	for k, v := range m {
		if v != 0 {
			out[k] = int64(v)
		}
	}
	return out
}

func tracegenStats(into map[string]any, s GoroutineExecStats) {
	into["execTime"] = int64(s.ExecTime)
	into["schedWaitTime"] = int64(s.SchedWaitTime)
	into["blockTimeByReason"] = tracegenNonZero(s.BlockTimeByReason)
	into["syscallTime"] = int64(s.SyscallTime)
	into["syscallBlockTime"] = int64(s.SyscallBlockTime)
	into["totalTime"] = int64(s.TotalTime)
	into["rangeTime"] = tracegenNonZero(s.RangeTime)
}

func tracegenTime(ev *Event) any {
	if ev == nil {
		return nil
	}
	return int64(ev.Time())
}

func tracegenRegions(regions []*UserRegionSummary) []any {
	out := []any{}
	for _, r := range regions {
		m := map[string]any{"taskID": uint64(r.TaskID), "name": r.Name, "startTime": tracegenTime(r.Start), "endTime": tracegenTime(r.End)}
		tracegenStats(m, r.GoroutineExecStats)
		out = append(out, m)
	}
	return out
}

func tracegenSummary(s *Summary) map[string]any {
	var gids []GoID
	for id := range s.Goroutines {
		gids = append(gids, id)
	}
	sort.Slice(gids, func(i, j int) bool { return gids[i] < gids[j] })
	goroutines := []any{}
	for _, id := range gids {
		g := s.Goroutines[id]
		m := map[string]any{"id": int64(g.ID), "name": g.Name, "pc": g.PC, "creationTime": int64(g.CreationTime),
			"startTime": int64(g.StartTime), "endTime": int64(g.EndTime), "regions": tracegenRegions(g.Regions)}
		tracegenStats(m, g.GoroutineExecStats)
		goroutines = append(goroutines, m)
	}
	var tids []TaskID
	for id := range s.Tasks {
		tids = append(tids, id)
	}
	sort.Slice(tids, func(i, j int) bool { return tids[i] < tids[j] })
	tasks := []any{}
	for _, id := range tids {
		task := s.Tasks[id]
		var parent any
		if task.Parent != nil {
			parent = uint64(task.Parent.ID)
		}
		members := []int64{}
		for gid := range task.Goroutines {
			members = append(members, int64(gid))
		}
		sort.Slice(members, func(i, j int) bool { return members[i] < members[j] })
		tasks = append(tasks, map[string]any{"id": uint64(task.ID), "name": task.Name, "parent": parent, "complete": task.Complete(),
			"startTime": tracegenTime(task.Start), "endTime": tracegenTime(task.End), "logs": len(task.Logs),
			"goroutines": members, "regions": tracegenRegions(task.Regions)})
	}
	return map[string]any{"goroutines": goroutines, "tasks": tasks}
}

// The flag sets and windows the Swift tests ask `gotrace mmu` for.
var tracegenFlagSets = []UtilFlags{
	UtilSTW | UtilBackground | UtilAssist | UtilSweep,
	UtilSTW | UtilBackground | UtilAssist | UtilSweep | UtilPerProc,
	UtilSTW,
	UtilBackground | UtilAssist,
}

var tracegenWindows = []time.Duration{1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000}

func tracegenMMU(events []Event) []any {
	out := []any{}
	for _, flags := range tracegenFlagSets {
		curve := NewMMUCurve(MutatorUtilizationV2(events, flags))
		values := []float64{}
		for _, window := range tracegenWindows {
			values = append(values, curve.MMU(window))
		}
		out = append(out, map[string]any{"flags": int(flags), "mmu": values})
	}
	return out
}
