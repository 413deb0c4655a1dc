package remote

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxID bounds a request id.
const maxID = 128

// idPattern recovers the id from a request that is not valid JSON.
var idPattern = regexp.MustCompile(`"id"\s*:\s*"([^"\\]{1,128})"`)

// parseRequest decodes a request. On error, the returned request carries
// the id when it could be recovered, so the caller can still answer.
func parseRequest(payload []byte) (Request, error) {
	var req Request
	if len(payload) > MaxRequest {
		return recoverID(payload[:MaxRequest]), fmt.Errorf("request of %d bytes exceeds %d", len(payload), MaxRequest)
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return recoverID(payload), fmt.Errorf("malformed request: %w", err)
	}
	if dec.More() {
		return recoverID(payload), fmt.Errorf("malformed request: data after the JSON object")
	}
	if req.ID == "" {
		return req, fmt.Errorf("malformed request: no id")
	}
	if len(req.ID) > maxID || !utf8.ValidString(req.ID) {
		return Request{}, fmt.Errorf("malformed request: id too long or not UTF-8")
	}
	return req, nil
}

// recoverID finds an id in a payload that did not decode.
func recoverID(payload []byte) Request {
	if m := idPattern.FindSubmatch(payload); m != nil && utf8.Valid(m[1]) {
		return Request{ID: string(m[1])}
	}
	return Request{}
}

// replyTopic checks a request's reply_to: "" (the default topic), or a
// topic under the lane's prefix without wildcards that is not itself a
// command topic.
func (h *Handler) replyTopic(to string) (string, error) {
	if to == "" {
		return "", nil
	}
	tp, err := h.cfg.Topics.Parse(to)
	switch {
	case err != nil:
		return "", fmt.Errorf("reply_to must lie under %s/", h.cfg.Topics.Base())
	case strings.ContainsAny(to, "+#\x00") || len(to) > 256 || !utf8.ValidString(to):
		return "", fmt.Errorf("reply_to: not a valid topic")
	}
	if _, cmd := tp.Command(); cmd {
		return "", fmt.Errorf("reply_to must not be a command topic")
	}
	return to, nil
}
