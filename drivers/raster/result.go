package raster

import "image"

// Result is what a recogniser read in one page image.
type Result struct {
	// Engine names the recogniser and its data ("glyphs lane.glyphs",
	// "tesseract 5.3.0 chi_sim+eng").
	Engine string
	// Lines are the text lines, top to bottom.
	Lines []Line
	// Unread says no recogniser read the image (it was stuck, it failed,
	// or the image was not handed to it): Engine says why. The image's
	// receipt printed with amounts not read, and a redactor blanks the
	// image's dots whole.
	Unread bool
}

// Line is one recognised text line.
type Line struct {
	// Text is what was read; a glyph that could not be read is U+FFFD.
	Text string
	// Confidence is how sure the recogniser is, 0 to 1.
	Confidence float64
	// Box is where the line is on the page image.
	Box image.Rectangle
	// Cells are the glyphs of the line, one per rune of Text (spaces
	// have an empty box), so a redactor can blank the dots of chosen
	// characters. A recogniser that cannot tell (Tesseract) leaves it nil.
	Cells []image.Rectangle
	// Masked lists the runes of Text that were a card number's digits
	// and are '*' now (a recogniser's result masked where it is kept,
	// agent/recog), so a redactor still knows which cells to blank.
	Masked []int
	// Glyphs and Unknown count the glyphs read and not read.
	Glyphs, Unknown int
	// Bold says the line's strokes are heavier than the page's usual.
	Bold bool
}

// Sure is the confidence from which a line's digits are trusted.
const Sure = 0.9

// Unsure reports whether the line holds something that was not read with
// confidence.
func (l Line) Unsure() bool { return l.Unknown > 0 || l.Confidence < Sure }
