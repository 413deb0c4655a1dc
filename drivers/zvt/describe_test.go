package zvt

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tillwatch/tillwatch/drivers"
)

// TestPCIMessages: the messages view (decode zvt), the events and the
// capture of conversations whose 04 0F carries a Luhn-valid full card
// number in BMP 22, track 2, EMV tags and the additional text (BMP 3C; it
// reached Payment.Text and captures unmasked), and of broken variants,
// show only the masked number.
func TestPCIMessages(t *testing.T) {
	for _, pan := range fullPANs {
		needles := leakNeedles(pan)
		st := StatusInfo(StatusFields{Result: 0, Amount: 4711, Currency: 978, Trace: "000124", PAN: pan, Track2: track2(pan),
			Text: "Karte " + pan + " ok"})
		truncated := cardAPDU(pan)
		truncated = encodeAPDU(0x04, 0x0F, truncated[3:len(truncated)-3])
		for name, steps := range map[string][]step{
			"serial": {host(Frame(AuthRequest(4711, 978))), dev(ackByte), dev(Frame(cardAPDU(pan))), host(ackByte)},
			"tcp":    {host(AuthRequest(4711, 978)), dev(cardAPDU(pan)), dev(st)},
			"broken": {dev(truncated), dev(cardAPDU(pan)[:40])},
		} {
			d := New(Options{Messages: true})
			evs := runChunked(d, steps, 5, nil)
			evs = append(evs, d.Flush(t0)...)
			msgs := d.TakeMessages()
			if name != "broken" && len(msgs) < 2 {
				t.Fatalf("%s: %d messages", name, len(msgs))
			}
			var all strings.Builder
			for _, m := range msgs {
				fmt.Fprintf(&all, "%s %+v %v\n", m, m, m.Err)
			}
			for _, e := range evs {
				fmt.Fprintf(&all, "%+v\n", e)
			}
			assertNoLeak(t, name+" messages", all.String(), needles)
			r := NewRedactor()
			for _, s := range steps {
				assertNoLeak(t, name+" capture", string(r.Redact(s.dir, s.data)), needles)
			}
			if name == "tcp" && !strings.Contains(all.String(), drivers.MaskPAN(pan)) {
				t.Errorf("tcp: the masked card is not shown:\n%s", all.String())
			}
		}
	}
}

// TestMessagesOffsetsAndSenders: every APDU of a conversation is a
// message, with its offset in its own direction's input and its sender.
func TestMessagesOffsetsAndSenders(t *testing.T) {
	d := New(Options{Messages: true, Framing: FramingTCP})
	auth := AuthRequest(1250, 978)
	steps := []step{host(auth), dev(Ack()), dev(Intermediate(0x17)), dev(StatusInfo(StatusFields{Result: 0, Amount: 1250, Currency: 978, Trace: "000001"})),
		host(Ack()), dev(Completion())}
	evs := runChunked(d, steps, 2, nil)
	msgs := d.TakeMessages()
	var got []string
	for _, m := range msgs {
		dir, _ := SenderOf(m.Command)
		got = append(got, fmt.Sprintf("%d@%d %s sender=%d", m.Dir, m.Offset, m.String(), dir))
	}
	want := []string{
		"0@0 06 01 Authorisation: amount EUR 12.50 sender=0",
		"1@0 80 00 Acknowledgement sender=0",
		"1@3 04 FF Intermediate status: status 17 sender=1",
		"1@7 04 0F Status information: result 00 (approved), amount EUR 12.50, trace 000001 sender=1",
		fmt.Sprintf("0@%d 80 00 Acknowledgement sender=0", len(auth)),
		"1@0 06 0F Completion sender=1",
	}
	if strings.Join(got, "\n") != strings.Join(want[:5], "\n")+"\n"+strings.Replace(want[5], "1@0", fmt.Sprintf("1@%d", 7+len(StatusInfo(StatusFields{Result: 0, Amount: 1250, Currency: 978, Trace: "000001"}))), 1) {
		t.Errorf("messages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(evs) != 1 || len(msgs[3].Events) != 1 {
		t.Errorf("the 04 0F's payment: %d events, %d on the message", len(evs), len(msgs[3].Events))
	}
	if d.TakeMessages() != nil {
		t.Error("TakeMessages did not forget")
	}
}
