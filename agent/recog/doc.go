// Package recog takes the slow part of reading printed images off the
// agent's core goroutine. A Worker, owned and stopped by the agent, runs
// its own print-stream decoder per raster device, with the lane decoder's
// options, fed the same host bytes at the same times and flushed before
// the lane's decoder is (a job ended without a cut), and reads each image
// as it closes with the real recogniser (a glyph dictionary, Tesseract:
// seconds per receipt). What it read comes back to the core goroutine as
// an input (Done), keyed by the image's content; the core hands it to the
// lane's Cache and only then feeds the bytes to the lane's decoder, whose
// recogniser finds the result there. In a live run a Cache miss is not
// read (Cache.Unread): the image prints nothing readable. Replay, which
// runs no worker, has the Cache fall back to the recogniser in line.
package recog
