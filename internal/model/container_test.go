package model

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"reflect"
	"strings"
	"testing"
)

func sample() *container {
	return &container{
		version: "unspun-test",
		meta:    []KV{{"data", "ptc"}, {"articles", "3"}},
		sections: []section{
			{"vectors", []byte("vvvvvvvv")},
			{"si", []byte{1, 2, 3}},
			{"tc", nil},
		},
	}
}

func encode(t *testing.T, c *container) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := writeContainer(&b, c); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestContainerRoundTrip(t *testing.T) {
	c := sample()
	data := encode(t, c)
	got, err := readContainer(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	// A nil payload reads back empty.
	c.sections[2].data = []byte{}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, c)
	}
	if again := encode(t, got); !bytes.Equal(again, data) {
		t.Error("re-encoding gives different bytes")
	}
}

func TestContainerErrors(t *testing.T) {
	good := encode(t, sample())
	headerLen := len(good) - 8 - 3
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	version := bytes.Clone(good)
	binary.LittleEndian.PutUint32(version[len(magic):], formatVersion+1)
	// Fix the header checksum so only the version is wrong.
	binary.LittleEndian.PutUint32(version[headerLen-4:], crc32.ChecksumIEEE(version[:headerLen-4]))
	tests := []struct {
		name string
		data []byte
		want error
		msg  string
	}{
		{"empty", nil, ErrFormat, "too short"},
		{"text file", []byte("hello, this is not a model at all"), ErrFormat, "starts with"},
		{"other version", version, ErrVersion, "version 2"},
		{"truncated header", good[:20], ErrCorrupt, "truncated"},
		{"truncated payload", good[:len(good)-2], ErrCorrupt, `section "si" truncated`},
		{"header damaged", flip(len(magic) + 6), ErrCorrupt, ""},
		{"payload damaged", flip(headerLen + 1), ErrCorrupt, `section "vectors" checksum`},
		{"trailing bytes", append(bytes.Clone(good), 0), ErrCorrupt, "trailing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readContainer(bytes.NewReader(tt.data))
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
		})
	}
}

// TestContainerEveryTruncation checks that no prefix of a model file reads
// as a model or panics.
func TestContainerEveryTruncation(t *testing.T) {
	good := encode(t, sample())
	for n := range len(good) {
		if _, err := readContainer(bytes.NewReader(good[:n])); err == nil {
			t.Fatalf("prefix of %d bytes read without error", n)
		}
	}
}

func FuzzReadContainer(f *testing.F) {
	var b bytes.Buffer
	writeContainer(&b, sample())
	f.Add(b.Bytes())
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := readContainer(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := writeContainer(&out, c); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Error("a file that reads does not re-encode to itself")
		}
	})
}
