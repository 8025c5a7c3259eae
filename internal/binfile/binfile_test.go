package binfile

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"testing"
)

type failAfter struct{ left int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.left {
		n := f.left
		f.left = 0
		return n, errors.New("disk full")
	}
	f.left -= len(p)
	return len(p), nil
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Write([]byte("hello, "))
	w.Write([]byte("world"))
	if w.N != 12 || w.Err != nil || w.CRC != crc32.ChecksumIEEE([]byte("hello, world")) {
		t.Errorf("after two writes: N %d, CRC %08x, Err %v", w.N, w.CRC, w.Err)
	}

	f := NewWriter(&failAfter{left: 3})
	if n, err := f.Write([]byte("abcdef")); n != 3 || err == nil {
		t.Errorf("short write = %d, %v; want 3 and an error", n, err)
	}
	if n, err := f.Write([]byte("g")); n != 0 || err == nil || err != f.Err {
		t.Errorf("write after an error = %d, %v; want 0 and the first error", n, err)
	}
	if f.N != 3 || f.CRC != crc32.ChecksumIEEE([]byte("abc")) {
		t.Errorf("after a failed write: N %d, CRC %08x; want what reached the writer", f.N, f.CRC)
	}
}

func TestNoEOF(t *testing.T) {
	other := errors.New("other")
	tests := []struct{ in, want error }{
		{nil, nil},
		{io.EOF, io.ErrUnexpectedEOF},
		{fmt.Errorf("reading: %w", io.EOF), io.ErrUnexpectedEOF},
		{io.ErrUnexpectedEOF, io.ErrUnexpectedEOF},
		{other, other},
	}
	for _, tt := range tests {
		if got := NoEOF(tt.in); !errors.Is(got, tt.want) || (tt.want == nil && got != nil) {
			t.Errorf("NoEOF(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
