package model

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// The model file is a container of named sections:
//
//	magic "UNSPUNMF" | format version u32 |
//	version: string | metadata: count u32, (key string, value string)… |
//	sections: count u32, (name string, length u64, crc32 u32)… |
//	header crc32 u32 | payloads, in section order
//
// A string is a u32 length and its bytes; integers are little-endian;
// crc32 is IEEE. Each section carries its own checksum and the header has
// one too, so corruption is reported where it is.
const (
	magic         = "UNSPUNMF"
	formatVersion = 1

	maxString   = 1 << 20
	maxMeta     = 1 << 10
	maxSections = 64
	maxSection  = 1 << 31
)

// Errors that Read wraps, for callers that must tell them apart.
var (
	// ErrFormat means the data is not an unspun model file.
	ErrFormat = errors.New("not an unspun model file")
	// ErrVersion means the file's format version is not one this build
	// reads.
	ErrVersion = errors.New("unsupported model format version")
	// ErrCorrupt means the file is truncated or fails a checksum.
	ErrCorrupt = errors.New("model file is corrupt")
)

// section is one named payload.
type section struct {
	name string
	data []byte
}

// container is a model file's contents before its sections are decoded.
type container struct {
	version  string
	meta     []KV
	sections []section
}

// KV is one item of training metadata.
type KV struct{ Key, Value string }

func (c *container) section(name string) ([]byte, bool) {
	for _, s := range c.sections {
		if s.name == name {
			return s.data, true
		}
	}
	return nil, false
}

func putString(b *bytes.Buffer, s string) {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(s)))
	b.Write(n[:])
	b.WriteString(s)
}

func putU32(b *bytes.Buffer, v uint32) {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], v)
	b.Write(n[:])
}

func putU64(b *bytes.Buffer, v uint64) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], v)
	b.Write(n[:])
}

// writeContainer writes c to w.
func writeContainer(w io.Writer, c *container) error {
	if len(c.sections) > maxSections || len(c.meta) > maxMeta {
		return fmt.Errorf("model: too many sections or metadata items")
	}
	var h bytes.Buffer
	h.WriteString(magic)
	putU32(&h, formatVersion)
	putString(&h, c.version)
	putU32(&h, uint32(len(c.meta)))
	for _, kv := range c.meta {
		if len(kv.Key) > maxString || len(kv.Value) > maxString {
			return fmt.Errorf("model: metadata %q too long", kv.Key)
		}
		putString(&h, kv.Key)
		putString(&h, kv.Value)
	}
	putU32(&h, uint32(len(c.sections)))
	for _, s := range c.sections {
		if len(s.data) > maxSection {
			return fmt.Errorf("model: section %q is %d bytes, over the %d limit", s.name, len(s.data), maxSection)
		}
		putString(&h, s.name)
		putU64(&h, uint64(len(s.data)))
		putU32(&h, crc32.ChecksumIEEE(s.data))
	}
	putU32(&h, crc32.ChecksumIEEE(h.Bytes()))
	bw := bufio.NewWriter(w)
	bw.Write(h.Bytes())
	for _, s := range c.sections {
		bw.Write(s.data)
	}
	return bw.Flush()
}

// reader decodes the header while keeping its bytes for the checksum.
type reader struct {
	r   *bufio.Reader
	crc uint32
	err error
}

func (r *reader) full(p []byte) {
	if r.err != nil {
		return
	}
	if _, err := io.ReadFull(r.r, p); err != nil {
		r.err = truncated(err)
		return
	}
	r.crc = crc32.Update(r.crc, crc32.IEEETable, p)
}

func (r *reader) u32() uint32 {
	var b [4]byte
	r.full(b[:])
	return binary.LittleEndian.Uint32(b[:])
}

func (r *reader) u64() uint64 {
	var b [8]byte
	r.full(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

func (r *reader) str(what string) string {
	n := r.u32()
	if r.err != nil {
		return ""
	}
	if n > maxString {
		r.err = fmt.Errorf("%w: %s is %d bytes long", ErrCorrupt, what, n)
		return ""
	}
	b := make([]byte, n)
	r.full(b)
	return string(b)
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	return err
}

// readContainer reads a model file, checking its magic, format version
// and checksums.
func readContainer(in io.Reader) (*container, error) {
	r := &reader{r: bufio.NewReaderSize(in, 1<<16)}
	var m [len(magic)]byte
	r.full(m[:])
	if r.err != nil {
		if errors.Is(r.err, ErrCorrupt) {
			return nil, fmt.Errorf("%w: too short to be a model", ErrFormat)
		}
		return nil, r.err
	}
	if string(m[:]) != magic {
		return nil, fmt.Errorf("%w (starts with %q, want %q)", ErrFormat, printable(m[:]), magic)
	}
	if v := r.u32(); r.err == nil && v != formatVersion {
		return nil, fmt.Errorf("%w %d (this build reads version %d; retrain or use a matching unspun)", ErrVersion, v, formatVersion)
	}
	c := &container{}
	c.version = r.str("model version")
	nm := r.u32()
	if r.err == nil && nm > maxMeta {
		return nil, fmt.Errorf("%w: %d metadata items", ErrCorrupt, nm)
	}
	for i := uint32(0); i < nm && r.err == nil; i++ {
		k := r.str("metadata key")
		v := r.str("metadata value")
		c.meta = append(c.meta, KV{k, v})
	}
	ns := r.u32()
	if r.err == nil && ns > maxSections {
		return nil, fmt.Errorf("%w: %d sections", ErrCorrupt, ns)
	}
	type entry struct {
		name string
		n    uint64
		crc  uint32
	}
	var entries []entry
	for i := uint32(0); i < ns && r.err == nil; i++ {
		e := entry{name: r.str("section name")}
		e.n = r.u64()
		e.crc = r.u32()
		if r.err == nil && e.n > maxSection {
			return nil, fmt.Errorf("%w: section %q claims %d bytes", ErrCorrupt, e.name, e.n)
		}
		entries = append(entries, e)
	}
	if r.err != nil {
		return nil, r.err
	}
	want := r.crc
	var cb [4]byte
	if _, err := io.ReadFull(r.r, cb[:]); err != nil {
		return nil, truncated(err)
	}
	if got := binary.LittleEndian.Uint32(cb[:]); got != want {
		return nil, fmt.Errorf("%w: header checksum mismatch", ErrCorrupt)
	}
	for _, e := range entries {
		data, err := readSection(r.r, e.n)
		if err != nil {
			return nil, fmt.Errorf("%w: section %q truncated", ErrCorrupt, e.name)
		}
		if crc32.ChecksumIEEE(data) != e.crc {
			return nil, fmt.Errorf("%w: section %q checksum mismatch", ErrCorrupt, e.name)
		}
		c.sections = append(c.sections, section{e.name, data})
	}
	if _, err := r.r.ReadByte(); err == nil {
		return nil, fmt.Errorf("%w: trailing data after the last section", ErrCorrupt)
	}
	return c, nil
}

// readSection reads n bytes. Sections of a plausible size are read into
// one allocation; larger claims are read as the data arrives, so a damaged
// length costs no more memory than the file has.
func readSection(r io.Reader, n uint64) ([]byte, error) {
	if n <= 64<<20 {
		data := make([]byte, n)
		_, err := io.ReadFull(r, data)
		return data, err
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err == nil && uint64(len(data)) != n {
		err = io.ErrUnexpectedEOF
	}
	return data, err
}

func printable(b []byte) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '.'
		}
		return r
	}, string(b))
}
