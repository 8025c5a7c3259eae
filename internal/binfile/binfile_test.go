package binfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
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

// TestReadSlice: values read back as binary.Read reads them, a short
// input is io.ErrUnexpectedEOF.
func TestReadSlice(t *testing.T) {
	fs := []float32{0, 1.5, -2.25, float32(math.Inf(1)), math.SmallestNonzeroFloat32}
	us := []uint64{0, 1, 1 << 63, 0xdeadbeefcafe}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, fs)
	binary.Write(&b, binary.LittleEndian, us)
	binary.Write(&b, binary.LittleEndian, []uint32{7, 8})
	gotF, gotU, gotW := make([]float32, len(fs)), make([]uint64, len(us)), make([]uint32, 3)
	r := bytes.NewReader(b.Bytes())
	if err := ReadSlice(r, gotF); err != nil || !slices.Equal(gotF, fs) {
		t.Errorf("float32s: %v %v", gotF, err)
	}
	if err := ReadSlice(r, gotU); err != nil || !slices.Equal(gotU, us) {
		t.Errorf("uint64s: %v %v", gotU, err)
	}
	if err := ReadSlice(r, gotW); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("3 uint32s from 8 bytes: err %v, want io.ErrUnexpectedEOF", err)
	}
	if err := ReadSlice(r, []uint32{}); err != nil {
		t.Errorf("empty: %v", err)
	}
}
