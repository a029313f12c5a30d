import Foundation
import Testing
import TestSupport
import TraceWire

/// Made-up traces for the lives the runtime never writes but Go's parser accepts, where the
/// profile cannot settle a period when it ends: goroutine 5 is preempted after its first start,
/// waits "forever" and is woken anyway, ends, and its ID is created again. In the first trace
/// the new goroutine 5 never starts, so Go's summary gives it a life from 0 and all periods of
/// ID 5 count whole; in the second it starts, and none of them count.
extension PprofTests {
    static let madeUpLives: [(name: String, text: String, schedSamples: Int)] = [
        ("recreated, never started", neverStarted, 5),
        ("recreated, started", started, 2),
    ]

    @Test(arguments: 0..<2)
    func samplesEqualGosOnMadeUpLives(_ index: Int) throws {
        let (name, text, schedSamples) = Self.madeUpLives[index]
        let directory = makeTemporaryDirectory("pprof-lives")
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = directory.appendingPathComponent("lives.trace")
        try Data(TraceDump.binary(of: text)).write(to: trace)
        for type in ["net", "sync", "syscall", "sched"] {
            let count = try compare(name, trace.path, type, in: directory, traces: true)
            if type == "sched" { #expect(count == schedSamples, "\(name): \(count) sched samples") }
        }
    }

    static let neverStarted = """
        Trace Go1.22
        EventBatch gen=1 m=0 time=100 size=71
        ProcStatus dt=1 p=0 pstatus=1
        GoStatus dt=1 g=1 m=0 gstatus=2
        GoCreate dt=1 new_g=5 new_stack=1 stack=2
        GoBlock dt=1 reason_string=1 stack=3
        GoStart dt=10 g=5 g_seq=1
        GoStop dt=10 reason_string=3 stack=9
        GoStart dt=10 g=5 g_seq=2
        GoUnblock dt=10 g=1 g_seq=1 stack=4
        GoBlock dt=10 reason_string=2 stack=5
        GoStart dt=10 g=1 g_seq=2
        GoUnblock dt=10 g=5 g_seq=3 stack=6
        GoStop dt=10 reason_string=3 stack=7
        GoStart dt=10 g=5 g_seq=4
        GoDestroy dt=10
        GoStart dt=10 g=1 g_seq=3
        GoCreate dt=10 new_g=5 new_stack=1 stack=8
        GoBlock dt=10 reason_string=1 stack=3
        EventBatch gen=1 m=18446744073709551615 time=0 size=5
        Frequency freq=15625000
        EventBatch gen=1 m=18446744073709551615 time=0 size=78
        Stacks
        Stack id=1 nframes=1
        	pc=4096 func=10 file=20 line=1
        Stack id=2 nframes=2
        	pc=4112 func=11 file=20 line=2
        	pc=4128 func=12 file=20 line=3
        Stack id=3 nframes=1
        	pc=4144 func=13 file=20 line=4
        Stack id=4 nframes=1
        	pc=4160 func=14 file=20 line=5
        Stack id=5 nframes=1
        	pc=4176 func=15 file=20 line=6
        Stack id=6 nframes=1
        	pc=4192 func=16 file=20 line=7
        Stack id=7 nframes=1
        	pc=4208 func=17 file=20 line=8
        Stack id=8 nframes=1
        	pc=4224 func=18 file=20 line=9
        Stack id=9 nframes=1
        	pc=4240 func=19 file=20 line=10
        EventBatch gen=1 m=18446744073709551615 time=0 size=180
        Strings
        String id=1
        	data="chan receive"
        String id=2
        	data="forever"
        String id=3
        	data="preempted"
        String id=10
        	data="main.worker"
        String id=11
        	data="main.spawn"
        String id=12
        	data="main.main"
        String id=13
        	data="main.recv"
        String id=14
        	data="main.send"
        String id=15
        	data="main.park"
        String id=16
        	data="main.wake"
        String id=17
        	data="main.yield"
        String id=18
        	data="main.respawn"
        String id=19
        	data="main.preempted"
        String id=20
        	data="main.go"
        """

    static let started = """
        Trace Go1.22
        EventBatch gen=1 m=0 time=100 size=79
        ProcStatus dt=1 p=0 pstatus=1
        GoStatus dt=1 g=1 m=0 gstatus=2
        GoCreate dt=1 new_g=5 new_stack=1 stack=2
        GoBlock dt=1 reason_string=1 stack=3
        GoStart dt=10 g=5 g_seq=1
        GoStop dt=10 reason_string=3 stack=9
        GoStart dt=10 g=5 g_seq=2
        GoUnblock dt=10 g=1 g_seq=1 stack=4
        GoBlock dt=10 reason_string=2 stack=5
        GoStart dt=10 g=1 g_seq=2
        GoUnblock dt=10 g=5 g_seq=3 stack=6
        GoStop dt=10 reason_string=3 stack=7
        GoStart dt=10 g=5 g_seq=4
        GoDestroy dt=10
        GoStart dt=10 g=1 g_seq=3
        GoCreate dt=10 new_g=5 new_stack=1 stack=8
        GoBlock dt=10 reason_string=1 stack=3
        GoStart dt=10 g=5 g_seq=1
        GoStop dt=10 reason_string=3 stack=7
        EventBatch gen=1 m=18446744073709551615 time=0 size=5
        Frequency freq=15625000
        EventBatch gen=1 m=18446744073709551615 time=0 size=78
        Stacks
        Stack id=1 nframes=1
        	pc=4096 func=10 file=20 line=1
        Stack id=2 nframes=2
        	pc=4112 func=11 file=20 line=2
        	pc=4128 func=12 file=20 line=3
        Stack id=3 nframes=1
        	pc=4144 func=13 file=20 line=4
        Stack id=4 nframes=1
        	pc=4160 func=14 file=20 line=5
        Stack id=5 nframes=1
        	pc=4176 func=15 file=20 line=6
        Stack id=6 nframes=1
        	pc=4192 func=16 file=20 line=7
        Stack id=7 nframes=1
        	pc=4208 func=17 file=20 line=8
        Stack id=8 nframes=1
        	pc=4224 func=18 file=20 line=9
        Stack id=9 nframes=1
        	pc=4240 func=19 file=20 line=10
        EventBatch gen=1 m=18446744073709551615 time=0 size=180
        Strings
        String id=1
        	data="chan receive"
        String id=2
        	data="forever"
        String id=3
        	data="preempted"
        String id=10
        	data="main.worker"
        String id=11
        	data="main.spawn"
        String id=12
        	data="main.main"
        String id=13
        	data="main.recv"
        String id=14
        	data="main.send"
        String id=15
        	data="main.park"
        String id=16
        	data="main.wake"
        String id=17
        	data="main.yield"
        String id=18
        	data="main.respawn"
        String id=19
        	data="main.preempted"
        String id=20
        	data="main.go"
        """
}
