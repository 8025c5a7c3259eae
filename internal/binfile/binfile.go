// Package binfile holds what the binary sections of unspun's model file
// (word vectors, span tagger, technique classifier) share: a writer that
// counts, checksums and remembers its first error, and the rule that input
// ending inside a section is corruption, not a clean end.
package binfile

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"unsafe"
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

// littleEndian reports whether this machine stores numbers as the file
// does, so that a slice's memory can be filled from the file directly.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// Number is the element type ReadSlice reads.
type Number interface{ float32 | uint32 | uint64 }

// ReadSlice fills dst with len(dst) little-endian values read from r, as
// binary.Read does, but on a little-endian machine by reading the bytes
// straight into dst's memory: the model's 15 MB of weights decoded value
// by value were a sixth of loading it. Input ending early is
// io.ErrUnexpectedEOF (see NoEOF).
func ReadSlice[T Number](r io.Reader, dst []T) error {
	if len(dst) == 0 {
		return nil
	}
	if !littleEndian {
		return NoEOF(binary.Read(r, binary.LittleEndian, dst))
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(dst))), len(dst)*int(unsafe.Sizeof(dst[0])))
	_, err := io.ReadFull(r, b)
	return NoEOF(err)
}
