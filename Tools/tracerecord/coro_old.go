//go:build !go1.23

package main

// haveGo123 reports whether this binary was built by Go 1.23 or newer.
const haveGo123 = false

func runCoro() error { return errUnsupported }
