// Hand-written: the state transitions of the events whose ordering is a handler and whose change
// the spec cannot state as data. Generated/Go/trace/statetransition.go calls one method per
// handler, named after it; each reads what the handler recorded while it ordered the event.

package trace

import (
	"internal/trace/tracev2"
	"internal/trace/version"
)

// procStatusTransition reports a ProcStatus event: the P goes from the state the ordering found
// it in (kept in the event's extra slot) to the state its new status is reported as.
func (e Event) procStatusTransition() StateTransition {
	before := ProcState(e.base.extra(version.Go122)[0])
	return MakeProcStateTransition(ProcID(e.base.args[0]), before, tracev2ProcStatus2ProcState[e.base.args[1]])
}

// procStealTransition reports a ProcSteal event: the P goes idle. It was running in a system call,
// unless the ordering recorded SyscallAbandoned, a status that ProcStatus already reported as idle.
func (e Event) procStealTransition() StateTransition {
	before := ProcRunning
	if tracev2.ProcStatus(e.base.extra(version.Go122)[0]) == tracev2.ProcSyscallAbandoned {
		before = ProcIdle
	}
	return MakeProcStateTransition(ProcID(e.base.args[0]), before, ProcIdle)
}

// goStatusTransition reports a GoStatus or GoStatusStack event. The ordering keeps both ends in
// the status argument: the state it found the goroutine in above bit 32, the status below.
func (e Event) goStatusTransition() StateTransition {
	packed := e.base.args[2]
	before, status := GoState(packed>>32), tracev2.GoStatus(packed&(1<<32-1))
	s := MakeGoStateTransition(GoID(e.base.args[0]), before, tracev2GoStatus2GoState[status])
	s.Stack = e.Stack()
	return s
}
