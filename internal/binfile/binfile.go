// Package binfile holds what the binary sections of unspun's model file
// (word vectors, span tagger, technique classifier) share: a writer that
// counts, checksums and remembers its first error, and the rule that input
// ending inside a section is corruption, not a clean end.
package binfile

import (
	"errors"
	"hash/crc32"
	"io"
)

// Writer passes writes to an underlying writer, counting the bytes and
// updating a CRC-32 (IEEE) of them. After the first error it writes
// nothing more and returns that error, so a section can be written field
// by field and checked once at the end.
type Writer struct {
	w io.Writer
	// N is the number of bytes written so far.
	N int64
	// CRC is the CRC-32 (IEEE) of the bytes written so far.
	CRC uint32
	// Err is the first error of a write, if any.
	Err error
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write implements io.Writer.
func (c *Writer) Write(p []byte) (int, error) {
	if c.Err != nil {
		return 0, c.Err
	}
	n, err := c.w.Write(p)
	c.N += int64(n)
	c.CRC = crc32.Update(c.CRC, crc32.IEEETable, p[:n])
	c.Err = err
	return n, err
}

// NoEOF turns a bare io.EOF into io.ErrUnexpectedEOF: inside a section,
// the end of input always comes too early.
func NoEOF(err error) error {
	if errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
