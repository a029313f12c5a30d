//go:build go1.23

package main

import (
	"iter"
	"runtime/trace"
)

// haveGo123 reports whether this binary was built by Go 1.23 or newer, the
// first release with iter.Pull and the AllocFree trace experiment.
const haveGo123 = true

// countTo is a push iterator over 0..n-1, with a region around each value so
// the coroutine's goroutine shows up with user annotations too.
func countTo(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i * i) {
				return
			}
		}
	}
}

// runCoro drives push iterators through iter.Pull, so the runtime switches
// between coroutine goroutines (GoSwitch / GoSwitchDestroy events).
func runCoro() error {
	total := 0
	// A pull iterator drained to the end.
	next, stop := iter.Pull(countTo(40))
	for {
		v, ok := next()
		if !ok {
			break
		}
		total += v
	}
	stop()

	// Pull iterators stopped part-way through.
	for round := 0; round < 5; round++ {
		trace.WithRegion(ctxBackground(), "pull-partial", func() {
			next, stop := iter.Pull(countTo(1000))
			for i := 0; i < 7+round; i++ {
				v, _ := next()
				total += v
			}
			stop()
		})
	}

	// Two pull iterators interleaved, zipping their values together.
	na, stopA := iter.Pull(countTo(25))
	nb, stopB := iter.Pull(countTo(30))
	for {
		a, okA := na()
		b, okB := nb()
		if !okA && !okB {
			break
		}
		total += a - b
	}
	stopA()
	stopB()
	sink(total)
	return nil
}
