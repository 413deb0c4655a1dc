// Package recog takes the slow part of reading printed images off the
// agent's core goroutine. A Worker, owned and stopped by the agent, runs
// its own print-stream decoder per raster device, fed the same host bytes
// as the lane's decoder, and reads each image as it closes with the real
// recogniser (a glyph dictionary, Tesseract: seconds per receipt). What
// it read comes back to the core goroutine as an input (Done), keyed by
// the image's content; the core hands it to the lane's Cache and only then
// feeds the bytes to the lane's decoder, whose recogniser finds the
// result there. A Cache miss (an image the worker saw cut differently)
// falls back to the recogniser itself, on the caller's goroutine: slow,
// never wrong.
package recog
