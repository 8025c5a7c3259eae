// Package e2e holds the end-to-end browser test of the web page: the real
// analyzer behind the real server, driven in headless Chromium. It has no
// code of its own; see browser_test.go.
package e2e
