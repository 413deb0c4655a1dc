package escpos

import (
	"time"

	"github.com/tillwatch/tillwatch/drivers"
)

// reqKind is the kind of a status request seen on the host side.
type reqKind uint8

const (
	reqEOT reqKind = iota // DLE EOT n: real-time, answered at once
	reqGSr                // GS r n: answered from the print buffer
	reqGSI                // GS I n: printer id
)

// request is one status request waiting for its answer.
type request struct {
	kind reqKind
	n    byte
	at   time.Time
	job  uint64 // the job it was sent during, or the held receipt it followed; 0: none
}

// answerSkew is how long an answer that arrived before its request is
// kept for it. On a two-line tap the request and the answer come through
// two ports read independently, so the answer can be read first.
const answerSkew = 150 * time.Millisecond

// early is a reply byte read before any request it could answer.
type early struct {
	b   byte
	eot bool // a DLE EOT answer (else GS r / GS I)
	at  time.Time
}

// statusState matches printer replies to host requests.
type statusState struct {
	eot      []request // DLE EOT requests, FIFO
	buf      []request // GS r / GS I requests, FIFO
	early    []early   // answers read before their request, oldest first
	observed bool      // the printer -> host line is seen
	asb      [4]byte
	asbLen   int  // ASB bytes collected, 0 when none
	block    bool // inside a block reply ("_", "=", "7" ... NUL)
	blockLen int
	blockID  byte                             // the block reply's first byte
	last     map[string]drivers.PrinterStatus // last emitted per Via
	noReply  bool                             // the last emitted status was NoReply
}

// request queues a status request.
func (s *statusState) request(d *Decoder, k reqKind, n byte) {
	r := request{kind: k, n: n, at: d.now}
	switch {
	case d.job != nil:
		r.job = d.job.seq
	case d.held != nil:
		r.job = d.heldSeq
	}
	q := &s.buf
	if k == reqEOT {
		q = &s.eot
	}
	if len(*q) >= maxPending {
		*q = (*q)[1:]
	}
	*q = append(*q, r)
	s.matchEarly(d, k)
}

// matchEarly pairs a request just queued with an answer read shortly
// before it, when the request is the only one of its queue (the answer
// found the queue empty when it came).
func (s *statusState) matchEarly(d *Decoder, k reqKind) {
	eot := k == reqEOT
	q := &s.buf
	if eot {
		q = &s.eot
	}
	if len(*q) != 1 {
		return
	}
	for i, e := range s.early {
		if e.eot != eot || d.now.Sub(e.at) > answerSkew {
			continue
		}
		s.early = append(s.early[:i], s.early[i+1:]...)
		r, _ := pop(q)
		s.answer(d, r, e.b)
		return
	}
}

// answer reports the status a reply byte gives to its request.
func (s *statusState) answer(d *Decoder, r request, b byte) {
	s.observed = true
	var st *drivers.PrinterStatus
	if r.kind == reqEOT {
		st = eotStatus(r.n, b)
	} else {
		st = gsrStatus(r, b)
	}
	if st != nil {
		d.report(st)
	}
}

// hold keeps a reply that found no request, for answerSkew.
func (s *statusState) hold(d *Decoder, b byte, eot bool) {
	if len(s.early) >= maxPending {
		s.early = s.early[1:]
		d.stats.Unsolicited++
	}
	s.early = append(s.early, early{b: b, eot: eot, at: d.now})
}

// pop removes and returns the oldest request of a queue.
func pop(q *[]request) (request, bool) {
	if len(*q) == 0 {
		return request{}, false
	}
	r := (*q)[0]
	*q = (*q)[1:]
	return r, true
}

// expire turns requests older than the status timeout into NoReply and
// drops early answers no request claimed in time.
func (s *statusState) expire(d *Decoder, now time.Time) {
	for len(s.early) > 0 && now.Sub(s.early[0].at) > answerSkew {
		s.early = s.early[1:]
		d.stats.Unsolicited++
	}
	for _, q := range []*[]request{&s.eot, &s.buf} {
		for len(*q) > 0 && now.Sub((*q)[0].at) > d.statusTimeout {
			r, _ := pop(q)
			s.timedOut(d, r)
		}
	}
}

// expireAll treats every pending request as unanswered (end of input).
func (s *statusState) expireAll(d *Decoder) {
	d.stats.Unsolicited += len(s.early)
	s.early = nil
	for _, q := range []*[]request{&s.eot, &s.buf} {
		for len(*q) > 0 {
			r, _ := pop(q)
			s.timedOut(d, r)
		}
	}
}

// awaiting reports whether a status request sent for job seq is still
// unanswered while the printer's replies can be seen.
func (s *statusState) awaiting(seq uint64) bool {
	if !s.observed || seq == 0 {
		return false
	}
	for _, q := range [][]request{s.eot, s.buf} {
		for _, r := range q {
			if r.job == seq {
				return true
			}
		}
	}
	return false
}

// timedOut reports an unanswered request once per silence, and only when
// the printer's replies can be seen at all. The job it was sent for did
// not print as far as anyone can tell (ARCHITECTURE.md: print_failed on "a
// status request left unanswered"): the job is marked Unanswered, and a
// held receipt is released before the NoReply status.
func (s *statusState) timedOut(d *Decoder, r request) {
	if !s.observed {
		return
	}
	switch {
	case r.job == 0:
	case d.held != nil && d.heldSeq == r.job:
		d.held.Unanswered = true
		if !s.awaiting(r.job) && d.heldProof.IsZero() {
			d.releaseHeld()
		}
	case d.job != nil && d.job.seq == r.job:
		d.job.silent = true
	}
	d.stats.NoReply++
	if s.noReply {
		return
	}
	s.noReply = true
	d.emit(&drivers.PrinterStatus{
		Head:    drivers.Head{Time: r.at.Add(d.statusTimeout)},
		NoReply: true,
		Via:     "timeout",
	})
}

// feedDevice reads printer -> host bytes.
func (d *Decoder) feedDevice(data []byte) {
	s := &d.st
	d.stats.DeviceBytes += int64(len(data))
	for _, b := range data {
		switch {
		case s.asbLen > 0:
			s.asb[s.asbLen] = b
			s.asbLen++
			if s.asbLen == 4 {
				s.asbLen = 0
				d.report(asbStatus(s.asb))
			}
		case s.block:
			s.blockLen++
			if s.blockLen == 1 && s.blockID == 0x37 && b == 0x22 { // "7" '"': GS ( H fn 48 answer
				d.proofAnswered()
			}
			if b == nul || s.blockLen > 80 {
				s.block = false
			}
		case b == xon || b == xof:
		case b&0x93 == 0x12: // 0xx1xx10: DLE EOT answer
			if r, ok := pop(&s.eot); ok {
				s.answer(d, r, b)
			} else {
				s.hold(d, b, true)
			}
		case b&0x93 == 0x10: // 0xx1xx00: first byte of an ASB
			s.asb[0] = b
			s.asbLen = 1
		case b == 0x5F || b == 0x3D || b == 0x37: // block replies
			s.block, s.blockLen, s.blockID = true, 0, b
			if b == 0x5F && len(s.buf) > 0 && s.buf[0].kind == reqGSI {
				pop(&s.buf)
			}
		case b&0x90 == 0: // 0xx0xxxx: GS r / GS I answer
			if r, ok := pop(&s.buf); ok {
				s.answer(d, r, b)
			} else {
				s.hold(d, b, false)
			}
		default:
			d.stats.Unsolicited++
		}
	}
}

// report emits a status when it differs from the last one of the same
// source, is the first of its source, or ends a silence (NoReply).
func (d *Decoder) report(st *drivers.PrinterStatus) {
	s := &d.st
	s.observed = true
	st.Time = d.now
	st.Online = !st.Fault()
	key := *st
	key.Head = drivers.Head{}
	prev, seen := s.last[st.Via]
	if seen && prev == key && !s.noReply {
		return
	}
	if s.last == nil {
		s.last = make(map[string]drivers.PrinterStatus)
	}
	s.last[st.Via] = key
	s.noReply = false
	d.emit(st)
}

// asbStatus decodes a 4-byte Automatic Status Back.
func asbStatus(b [4]byte) *drivers.PrinterStatus {
	return &drivers.PrinterStatus{
		Via:             "asb",
		Offline:         b[0]&0x08 != 0,
		CoverOpen:       b[0]&0x20 != 0,
		CutterError:     b[1]&0x08 != 0,
		Unrecoverable:   b[1]&0x20 != 0,
		AutoRecoverable: b[1]&0x40 != 0,
		PaperNearEnd:    b[2]&0x03 != 0,
		PaperEnd:        b[2]&0x0C != 0,
	}
}

// eotStatus decodes the answer to DLE EOT n; nil for classes without
// flags (7, 8, 18: ink and others).
func eotStatus(n, b byte) *drivers.PrinterStatus {
	switch n {
	case 1:
		return &drivers.PrinterStatus{Via: "dle_eot_1", Partial: true, Offline: b&0x08 != 0}
	case 2:
		return &drivers.PrinterStatus{Via: "dle_eot_2", Partial: true,
			CoverOpen: b&0x04 != 0, PaperEnd: b&0x20 != 0, Error: b&0x40 != 0}
	case 3:
		return &drivers.PrinterStatus{Via: "dle_eot_3", Partial: true,
			Error: b&0x04 != 0, CutterError: b&0x08 != 0,
			Unrecoverable: b&0x20 != 0, AutoRecoverable: b&0x40 != 0}
	case 4:
		return &drivers.PrinterStatus{Via: "dle_eot_4", Partial: true,
			PaperNearEnd: b&0x0C != 0, PaperEnd: b&0x60 != 0}
	}
	return nil
}

// gsrStatus decodes the answer to GS r 1 (paper sensor); other GS r and
// GS I answers carry no fault flags.
func gsrStatus(r request, b byte) *drivers.PrinterStatus {
	if r.kind == reqGSr && (r.n == 1 || r.n == '1') {
		return &drivers.PrinterStatus{Via: "gs_r", Partial: true,
			PaperNearEnd: b&0x03 != 0, PaperEnd: b&0x0C != 0}
	}
	return nil
}

// askProof notes a GS ( H fn 48 request: the printer answers once
// everything before it has printed. It covers the open job, or the cut
// receipt still held when the request follows the cut.
func (d *Decoder) askProof() {
	switch {
	case d.job != nil && d.job.proofAt.IsZero():
		d.job.proofAt = d.now
	case d.job == nil && d.held != nil && d.heldProof.IsZero():
		d.heldProof = d.now
	}
}

// proofAnswered releases the held receipt the printer just confirmed.
func (d *Decoder) proofAnswered() {
	if d.held != nil && !d.heldProof.IsZero() {
		d.releaseHeld()
	}
}
