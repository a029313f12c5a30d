// Command tracerecord records small Go execution traces (runtime/trace) that
// exercise particular parts of the trace format. tracegen uses the results as
// test fixtures (see Scripts/record-fixtures) and, with -scenario big, as
// benchmark input.
//
// Usage:
//
//	tracerecord -scenario NAME -o FILE [-duration D] [-size BYTES]
//
// Scenarios: annotations, syscalls, cpuprofile, coro, generations, allocfree,
// big. A scenario the building toolchain cannot record makes the program
// print "unsupported: ..." and exit with status 3.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync"
	"syscall"
	"time"
)

const exitUnsupported = 3

var errUnsupported = errors.New("unsupported")

var (
	flagScenario = flag.String("scenario", "", "scenario to record (see -list)")
	flagOut      = flag.String("o", "", "trace output file")
	flagList     = flag.Bool("list", false, "list scenarios and exit")
	flagDuration = flag.Duration("duration", 0, "big: run at least this long")
	flagSize     = flag.Int64("size", 32<<20, "big: run until the trace file has at least this many bytes (0 = no size goal)")
)

type scenario struct {
	name string
	help string
	run  func() error
}

var scenarios = []scenario{
	{"annotations", "user tasks, regions and logs with awkward text", runAnnotations},
	{"syscalls", "file I/O, getpid, sleeps, GC and a GOMAXPROCS change", runSyscalls},
	{"cpuprofile", "CPU profile samples taken while tracing", runCPUProfile},
	{"coro", "iter.Pull coroutine switches (Go 1.23+)", runCoro},
	{"generations", "short mixed workload; record with GODEBUG=traceadvanceperiod=0", runGenerations},
	{"allocfree", "allocations and frees; record with GODEBUG=traceallocfree=1 (Go 1.23+)", runAllocFree},
	{"goroutines", "many goroutines: 400 parked on channels, woken in waves, half of them exiting", runGoroutines},
	{"big", "long mixed workload for benchmarks (-size, -duration)", runBig},
}

func main() {
	flag.Parse()
	if *flagList {
		for _, s := range scenarios {
			fmt.Printf("%-12s %s\n", s.name, s.help)
		}
		return
	}
	var sc *scenario
	for i := range scenarios {
		if scenarios[i].name == *flagScenario {
			sc = &scenarios[i]
		}
	}
	if sc == nil {
		fmt.Fprintf(os.Stderr, "tracerecord: unknown or missing -scenario %q (try -list)\n", *flagScenario)
		os.Exit(2)
	}
	if *flagOut == "" {
		fmt.Fprintln(os.Stderr, "tracerecord: -o FILE is required")
		os.Exit(2)
	}
	if sc.name == "allocfree" && !haveGo123 {
		unsupported(sc.name, "the AllocFree experiment needs Go 1.23+")
	}
	if sc.name == "coro" && !haveGo123 {
		unsupported(sc.name, "iter.Pull needs Go 1.23+")
	}

	f, err := os.Create(*flagOut)
	if err != nil {
		fatal(err)
	}
	outFile = f
	if err := trace.Start(f); err != nil {
		fatal(err)
	}
	runErr := sc.run()
	trace.Stop()
	if err := f.Close(); err != nil {
		fatal(err)
	}
	if errors.Is(runErr, errUnsupported) {
		os.Remove(*flagOut)
		unsupported(sc.name, runtime.Version())
	}
	if runErr != nil {
		fatal(runErr)
	}
}

// outFile is the trace being written; big watches its size.
var outFile *os.File

func unsupported(name, why string) {
	fmt.Printf("unsupported: scenario %s with %s: %s\n", name, runtime.Version(), why)
	os.Exit(exitUnsupported)
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "tracerecord: %v\n", err)
	os.Exit(1)
}

func ctxBackground() context.Context { return context.Background() }

// sinkValue keeps results alive so the compiler cannot drop the work.
var (
	sinkMu    sync.Mutex
	sinkValue int
)

func sink(v int) {
	sinkMu.Lock()
	sinkValue += v
	sinkMu.Unlock()
}

// ---------------------------------------------------------------------------
// annotations

// awkwardTexts are strings whose quoting in `go tool trace -d=wire` output
// (strconv.Quote) is easy to get wrong.
var awkwardTexts = []string{
	`plain ascii`,
	`"quoted"`,
	"naïve — ünïcödé ✓",
	"tab\there",
	`back\slash`,
	"new\nline and carriage\rreturn",
	"bell\a nul\x00 del\x7f esc\x1b",
	"no-break\u00a0space, zero\u200bwidth, joiner\u200d, bom\ufeff",
	"emoji 🧵 and cjk 追跡 and rtl שלום",
	"invalid utf8 \xff\xfe end",
	"combining e\u0301 and private \ue000",
	"",
}

func runAnnotations() error {
	ctx, outer := trace.NewTask(context.Background(), `outer task "quoted"`)
	defer outer.End()

	trace.Log(ctx, "category", "naïve — ünïcödé ✓")
	trace.Log(ctx, "", "message without a category")
	trace.Logf(ctx, "printf", "formatted %d %q", 42, "x\ty")
	for i, s := range awkwardTexts {
		trace.Log(ctx, fmt.Sprintf("awkward/%d", i), s)
	}
	// A string longer than the runtime's per-string limit.
	trace.Log(ctx, "long", strings.Repeat("0123456789abcdef", 100))

	outerRegion := trace.StartRegion(ctx, "outer region")
	trace.WithRegion(ctx, "with\tregion", func() {
		inner := trace.StartRegion(ctx, `inner \ region`)
		trace.Log(ctx, "inside", "nested two deep")
		trace.WithRegion(ctx, "naïve region ✓", func() {
			trace.Log(ctx, "inside", "nested three deep")
		})
		inner.End()
	})
	outerRegion.End()

	// Child tasks running on other goroutines, each with its own regions.
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cctx, child := trace.NewTask(ctx, fmt.Sprintf("child task %d", i))
			defer child.End()
			trace.WithRegion(cctx, "child work", func() {
				total := 0
				for j := 0; j < 10000*(i+1); j++ {
					total += j % 7
				}
				sink(total)
				trace.Logf(cctx, "result", "child %d got %d", i, total)
			})
			time.Sleep(time.Millisecond)
		}(i)
	}
	wg.Wait()

	// A region with no task, and a task ended before its region.
	trace.WithRegion(context.Background(), "taskless region", func() {
		trace.Log(context.Background(), "taskless", "log outside any task")
	})
	tctx, early := trace.NewTask(ctx, "ended early")
	r := trace.StartRegion(tctx, "outlives its task")
	early.End()
	r.End()
	return nil
}

// ---------------------------------------------------------------------------
// syscalls

func runSyscalls() error {
	ctx, task := trace.NewTask(context.Background(), "syscalls")
	defer task.End()

	dir, err := os.MkdirTemp("", "tracerecord")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	var err2 error
	trace.WithRegion(ctx, "file io", func() {
		name := filepath.Join(dir, "data.bin")
		f, err := os.Create(name)
		if err != nil {
			err2 = err
			return
		}
		block := make([]byte, 4096)
		for i := 0; i < 16; i++ {
			if _, err := f.Write(block); err != nil {
				err2 = err
				return
			}
		}
		if err := f.Sync(); err != nil {
			err2 = err
			return
		}
		f.Close()
		data, err := os.ReadFile(name)
		if err != nil {
			err2 = err
			return
		}
		sink(len(data))
	})
	if err2 != nil {
		return err2
	}

	trace.WithRegion(ctx, "getpid", func() {
		var wg sync.WaitGroup
		for g := 0; g < 3; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 200; i++ {
					sink(syscall.Getpid())
				}
			}()
		}
		wg.Wait()
	})

	trace.WithRegion(ctx, "sleep", func() {
		for i := 0; i < 5; i++ {
			time.Sleep(300 * time.Microsecond)
		}
	})

	trace.WithRegion(ctx, "gc", func() {
		garbage := make([][]byte, 0, 256)
		for i := 0; i < 256; i++ {
			garbage = append(garbage, make([]byte, 1024))
		}
		sink(len(garbage))
		garbage = nil
		quietGC()
	})

	trace.WithRegion(ctx, "gomaxprocs", func() {
		old := runtime.GOMAXPROCS(0)
		runtime.GOMAXPROCS(old + 2)
		spin(4, 2*time.Millisecond)
		runtime.GOMAXPROCS(1)
		spin(2, time.Millisecond)
		runtime.GOMAXPROCS(old)
	})
	return nil
}

// quietGC runs runtime.GC with GOMAXPROCS 1. runtime.GC waits for sweeping
// with a runtime.Gosched loop, which can add thousands of GoStop/GoStart pairs
// to the trace while another P is sweeping; with one P the wait is short.
func quietGC() {
	old := runtime.GOMAXPROCS(1)
	runtime.GC()
	runtime.GOMAXPROCS(old)
}

// spin runs n goroutines that each burn CPU for about d.
func spin(n int, d time.Duration) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(seed int) {
			defer wg.Done()
			burn(d, seed)
		}(i)
	}
	wg.Wait()
}

// burn keeps the CPU busy for about d.
func burn(d time.Duration, seed int) {
	deadline := time.Now().Add(d)
	x := uint64(seed) + 1
	for time.Now().Before(deadline) {
		for i := 0; i < 1000; i++ {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
		}
	}
	sink(int(x & 1))
}

// ---------------------------------------------------------------------------
// cpuprofile

func runCPUProfile() error {
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	ctx, task := trace.NewTask(context.Background(), "cpu burn")
	defer task.End()
	trace.WithRegion(ctx, "burn", func() {
		spin(4, 200*time.Millisecond)
	})
	return nil
}

// ---------------------------------------------------------------------------
// generations

func runGenerations() error {
	ctx, task := trace.NewTask(context.Background(), "generations")
	defer task.End()
	for round := 0; round < 8; round++ {
		trace.WithRegion(ctx, fmt.Sprintf("round %d", round), func() {
			pingPong(20)
			time.Sleep(300 * time.Microsecond)
		})
	}
	return nil
}

// pingPong bounces a value between two goroutines n times.
func pingPong(n int) {
	ping, pong := make(chan int), make(chan int)
	done := make(chan struct{})
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(done)
	}()
	v := 0
	for i := 0; i < n; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	<-done
	sink(v)
}

// ---------------------------------------------------------------------------
// goroutines

// runGoroutines keeps 400 goroutines alive at once: each parks on its own channel, is woken in
// waves of 50 by the main goroutine, takes a shared lock, and half of them exit while the rest
// park again until a final broadcast.
func runGoroutines() error {
	const count = 400
	var mu sync.Mutex
	var wg sync.WaitGroup
	wake := make([]chan int, count)
	final := make(chan struct{})
	for i := range wake {
		wake[i] = make(chan int)
		wg.Add(1)
		go func(id int, ch chan int) {
			defer wg.Done()
			v := <-ch
			mu.Lock()
			sinkValue += v
			mu.Unlock()
			if id%2 == 0 {
				return
			}
			<-final
		}(i, wake[i])
	}
	for start := 0; start < count; start += 50 {
		for i := start; i < start+50; i++ {
			wake[i] <- i
		}
		runtime.Gosched()
	}
	close(final)
	wg.Wait()
	return nil
}

// ---------------------------------------------------------------------------
// allocfree

type node struct {
	next  *node
	value [6]int
	name  string
}

func runAllocFree() error {
	ctx, task := trace.NewTask(context.Background(), "allocfree")
	defer task.End()
	trace.WithRegion(ctx, "allocate", func() {
		var head *node
		for i := 0; i < 300; i++ {
			head = &node{next: head, name: fmt.Sprint(i)}
		}
		m := make(map[string][]byte)
		for i := 0; i < 30; i++ {
			m[fmt.Sprint("k", i)] = make([]byte, 64+i)
		}
		big := make([]byte, 64<<10)
		n := 0
		for p := head; p != nil; p = p.next {
			n++
		}
		sink(n + len(m) + len(big))
	})
	trace.WithRegion(ctx, "collect", quietGC)
	// Goroutines with growing stacks, then exiting (stack alloc/free).
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sink(deep(100))
		}()
	}
	wg.Wait()
	return nil
}

func deep(n int) int {
	var pad [64]byte
	pad[n%64] = byte(n)
	if n == 0 {
		return int(pad[0])
	}
	return deep(n-1) + int(pad[n%64])
}

// ---------------------------------------------------------------------------
// big

// runBig repeats a mixed workload (annotations, channels, syscalls, GC,
// allocation) until the trace file reaches -size bytes and -duration has
// passed. The trace is written asynchronously, so the size goal is checked
// against the file on disk and slightly overshot.
func runBig() error {
	start := time.Now()
	ctx, task := trace.NewTask(context.Background(), "big")
	defer task.End()
	var wg sync.WaitGroup
	for round := 0; ; round++ {
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				wctx, t := trace.NewTask(ctx, "worker")
				defer t.End()
				trace.WithRegion(wctx, "work", func() {
					pingPong(50)
					trace.Logf(wctx, "iter", "iteration %d worker %d", round, w)
					sink(syscall.Getpid())
					buf := make([]byte, 256<<w)
					sink(len(buf))
				})
			}(w)
		}
		wg.Wait()
		if round%50 == 0 {
			runtime.GC()
			if done, err := bigDone(start); err != nil || done {
				return err
			}
		}
	}
}

func bigDone(start time.Time) (bool, error) {
	if time.Since(start) < *flagDuration {
		return false, nil
	}
	if *flagSize <= 0 {
		return true, nil
	}
	fi, err := outFile.Stat()
	if err != nil {
		return false, err
	}
	return fi.Size() >= *flagSize, nil
}
