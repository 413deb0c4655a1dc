package uplink

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestMessageFormat(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    Message
		hex  string // pinned encoding: stored outboxes must stay readable
	}{
		{"alert", Message{Topic: "a/b", Payload: []byte(`{"id":"x"}`)}, "0100" + "03" + "612f62" + hex.EncodeToString([]byte(`{"id":"x"}`))},
		{"retained empty payload", Message{Topic: "s", Retain: true}, "0101" + "01" + "73"},
		{"unicode topic", Message{Topic: "店/1", Payload: []byte{0, 1}}, "0100" + "05" + hex.EncodeToString([]byte("店/1")) + "0001"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := EncodeMessage(tc.m)
			if got := hex.EncodeToString(b); got != tc.hex {
				t.Fatalf("encoded %s, want %s", got, tc.hex)
			}
			m, err := DecodeMessage(b)
			if err != nil {
				t.Fatal(err)
			}
			if m.Topic != tc.m.Topic || m.Retain != tc.m.Retain || !bytes.Equal(m.Payload, tc.m.Payload) {
				t.Fatalf("round trip %+v, want %+v", m, tc.m)
			}
		})
	}
}

func TestDecodeMessageErrors(t *testing.T) {
	long := EncodeMessage(Message{Topic: strings.Repeat("t", maxTopic+1)})
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "0 bytes"},
		{"short", []byte{1, 0}, "2 bytes"},
		{"version", []byte{2, 0, 1, 'a'}, "version 2"},
		{"flags", []byte{1, 2, 1, 'a'}, "unknown flags"},
		{"varint", []byte{1, 0, 0x80}, "bad topic length"},
		{"topic past end", []byte{1, 0, 5, 'a'}, "topic length 5 with 1 bytes left"},
		{"empty topic", []byte{1, 0, 0, 'x'}, "empty topic"},
		{"too long", long, "topic length 65536"},
		{"wildcard", EncodeMessage(Message{Topic: "a/#"}), "wildcard"},
		{"plus", EncodeMessage(Message{Topic: "a/+/b"}), "wildcard"},
		{"nul", EncodeMessage(Message{Topic: "a\x00"}), "wildcard or NUL"},
		{"not utf8", EncodeMessage(Message{Topic: "a\xff"}), "not UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeMessage(tc.b)
			if !errors.Is(err, ErrBadMessage) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want ErrBadMessage with %q", err, tc.want)
			}
		})
	}
}

// FuzzDecodeMessage: DecodeMessage never panics, and whatever it accepts
// encodes back to the same bytes.
func FuzzDecodeMessage(f *testing.F) {
	f.Add(EncodeMessage(Message{Topic: "tillwatch/v1/s1/l1/alert/amount_mismatch",
		Payload: []byte(`{"id":"amount_mismatch-1","kind":"amount_mismatch","delta":-9000,"currency":"EUR"}`)}))
	f.Add(EncodeMessage(Message{Topic: "tillwatch/v1/s1/l1/status", Retain: true, Payload: []byte(`{"state":"online"}`)}))
	f.Add([]byte{1, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMessage(b)
		if err != nil {
			if !errors.Is(err, ErrBadMessage) {
				t.Fatalf("error %v does not wrap ErrBadMessage", err)
			}
			return
		}
		if got := EncodeMessage(m); !bytes.Equal(got, b) {
			// A non-minimal uvarint decodes but re-encodes shorter.
			m2, err := DecodeMessage(got)
			if err != nil || m2.Topic != m.Topic || m2.Retain != m.Retain || !bytes.Equal(m2.Payload, m.Payload) {
				t.Fatalf("re-encoding %x of %x does not round-trip: %v", got, b, err)
			}
		}
	})
}

func BenchmarkEncodeDecode(b *testing.B) {
	m := Message{Topic: alertTopic, Payload: bytes.Repeat([]byte("x"), 600)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeMessage(EncodeMessage(m)); err != nil {
			b.Fatal(err)
		}
	}
}
