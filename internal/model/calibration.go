package model

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// SentenceCalibration turns what the span tagger found in a sentence into
// the probability that an annotator marked propaganda in it. Training
// fits it on held-out predictions (internal/task).
//
// A sentence with fragments has raw score r, the probability that one of
// them is propaganda (1 − Π(1 − P(fragment))), and gets σ(A·r + B + C·m),
// where m is the mean raw score of the article's sentences: fragments in a
// propaganda-heavy article are more often right. A sentence without any
// fragment gets σ(E + F·m + G·ln(1+w) + H·ln(1+l) + Q·q + P·logit(p) +
// R·p), from the rest of the article and from the sentence itself: its w
// words, l of them loaded (Sentence.Loaded), q = 1 when it is quoted
// speech, and p, the taggers' highest word probability in it
// (Sentence.Peak; its log-odds bounded at ±9.2, see PeakLogit; the linear
// term bends the curve where p nears the taggers' thresholds). Held out, a short sentence
// without loaded words in a text where nothing was found overlaps gold
// far less often than a long one full of them, and one whose words the
// taggers all thought unlikely less often than one they nearly marked.
//
// The zero value is the identity: the raw score itself, for models
// trained without a calibration.
type SentenceCalibration struct {
	A, B, C float64
	E, F    float64
	G, H, Q float64
	P, R    float64
}

// Sentence is what the calibration reads about one sentence.
type Sentence struct {
	// Raw is the probability that one of the sentence's fragments is
	// propaganda, Found whether it has any, Mean the mean Raw of the
	// article's sentences.
	Raw, Mean float64
	Found     bool
	// Peak is the highest probability, over the sentence's words, that
	// a word is inside a span (si.Tagged.Prob): the taggers' evidence
	// below the thresholds at which they report a fragment.
	Peak float64
	// Words counts its words (punctuation aside); Loaded those on one of
	// the lexicons' lists, regular superlatives and words of strong VADER
	// valence (|v| ≥ 2); Quoted says that most of it is quoted speech.
	Words, Loaded int
	Quoted        bool
}

// legacyCalibration is the metadata key under which models before the
// calibration section stored σ(A·r + B) as two numbers.
const legacyCalibration = "sentence-calibration"

// calibrationVersion is the newest encoding of the calibration section:
// version 1 held A and B (σ(A·r + B) for every sentence, with or without
// fragments); version 2 holds A, B, C, E and F; version 3 also G, H and
// Q; version 4 also P and R. A calibration is written in the oldest version
// that holds it, so models without the newer terms keep their bytes.
const calibrationVersion = 4

// PeakLogit is the log-odds of a word probability p as the calibration
// reads it (Sentence.Peak), bounded at ±9.2 (p in [10⁻⁴, 1−10⁻⁴]) so
// that a word no tagger gives any chance does not outweigh the rest.
func PeakLogit(p float64) float64 {
	p = min(max(p, 1e-4), 1-1e-4)
	return math.Log(p / (1 - p))
}

// IsZero reports whether c is the identity (no calibration).
func (c SentenceCalibration) IsZero() bool { return c == SentenceCalibration{} }

// Apply returns the calibrated score of sentence s.
func (c SentenceCalibration) Apply(s Sentence) float64 {
	if c.IsZero() {
		return s.Raw
	}
	if !s.Found {
		q := 0.0
		if s.Quoted {
			q = 1
		}
		z := c.E + c.F*s.Mean + c.G*math.Log1p(float64(s.Words)) + c.H*math.Log1p(float64(s.Loaded)) + c.Q*q
		if c.P != 0 || c.R != 0 {
			z += c.P*PeakLogit(s.Peak) + c.R*s.Peak
		}
		return sigmoid(z)
	}
	return sigmoid(c.A*s.Raw + c.B + c.C*s.Mean)
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func (c SentenceCalibration) values() []float64 {
	return []float64{c.A, c.B, c.C, c.E, c.F, c.G, c.H, c.Q, c.P, c.R}
}

func (c SentenceCalibration) finite() bool {
	for _, v := range c.values() {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// MarshalBinary encodes c as the model file's calibration section: a
// little-endian u32 version and float64 values.
func (c SentenceCalibration) MarshalBinary() ([]byte, error) {
	if !c.finite() {
		return nil, fmt.Errorf("sentence calibration %+v: not finite", c)
	}
	v, f := uint32(calibrationVersion), c.values()
	switch {
	case c.P != 0 || c.R != 0:
	case c.G == 0 && c.H == 0 && c.Q == 0:
		v, f = 2, f[:5]
	default:
		v, f = 3, f[:8]
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	binary.Write(&b, binary.LittleEndian, f)
	return b.Bytes(), nil
}

// UnmarshalBinary decodes a calibration section of any version this build
// knows; errors wrap ErrVersion or ErrCorrupt.
func (c *SentenceCalibration) UnmarshalBinary(data []byte) error {
	if len(data) < 4 {
		return fmt.Errorf("%w: calibration section of %d bytes", ErrCorrupt, len(data))
	}
	v := binary.LittleEndian.Uint32(data)
	var f []float64
	switch v {
	case 1:
		f = make([]float64, 2)
	case 2:
		f = make([]float64, 5)
	case 3:
		f = make([]float64, 8)
	case 4:
		f = make([]float64, 10)
	default:
		return fmt.Errorf("%w: calibration version %d (this build reads 1 to %d; retrain or use a matching unspun)", ErrVersion, v, calibrationVersion)
	}
	if len(data) != 4+8*len(f) {
		return fmt.Errorf("%w: calibration version %d section of %d bytes, want %d", ErrCorrupt, v, len(data), 4+8*len(f))
	}
	for i := range f {
		f[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[4+8*i:]))
	}
	var got SentenceCalibration
	switch v {
	case 1:
		got = fromAB(f[0], f[1])
	case 2:
		got = SentenceCalibration{A: f[0], B: f[1], C: f[2], E: f[3], F: f[4]}
	case 3:
		got = SentenceCalibration{A: f[0], B: f[1], C: f[2], E: f[3], F: f[4], G: f[5], H: f[6], Q: f[7]}
	default:
		got = SentenceCalibration{A: f[0], B: f[1], C: f[2], E: f[3], F: f[4], G: f[5], H: f[6], Q: f[7], P: f[8], R: f[9]}
	}
	if !got.finite() {
		return fmt.Errorf("%w: calibration values not finite", ErrCorrupt)
	}
	*c = got
	return nil
}

// fromAB is the calibration σ(A·r + B) of version 1: a sentence without
// fragments has r = 0, so E = B.
func fromAB(a, b float64) SentenceCalibration {
	return SentenceCalibration{A: a, B: b, E: b}
}

// errLegacy is what a malformed legacy metadata value wraps.
var errLegacy = errors.New("want two finite numbers")

// parseLegacyCalibration reads the metadata value that models written
// before the calibration section carried: "A B".
func parseLegacyCalibration(s string) (SentenceCalibration, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return SentenceCalibration{}, fmt.Errorf("%w: sentence calibration %q: %w", ErrCorrupt, s, errLegacy)
	}
	a, err1 := strconv.ParseFloat(f[0], 64)
	b, err2 := strconv.ParseFloat(f[1], 64)
	c := fromAB(a, b)
	if err1 != nil || err2 != nil || !c.finite() {
		return SentenceCalibration{}, fmt.Errorf("%w: sentence calibration %q: %w", ErrCorrupt, s, errLegacy)
	}
	return c, nil
}
