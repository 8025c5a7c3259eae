//go:build race

package analyze

// raceEnabled says the tests run under the race detector, which makes
// every word of analysis about ten times slower.
const raceEnabled = true
