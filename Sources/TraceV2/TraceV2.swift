// The TraceV2 module is the Swift side of Specs/v2.yaml: every declaration in it is generated
// into Generated/Swift/TraceV2, which `Generated` beside this file links to.
//
// This file is the module's one hand-written source. It exists so that the package still loads
// when Generated/ is missing or empty: `swift run tracegen Specs/v2.yaml` must always be able to
// build the generator (which links no generated module) and write Generated/ back.
