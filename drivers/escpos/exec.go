package escpos

// exec applies a complete command header p (its body, if any, is skipped
// by the framing state machine).
func (d *Decoder) exec(p []byte) {
	switch p[0] {
	case esc:
		d.execESC(p)
	case gs:
		d.execGS(p)
	case fs:
		d.execFS(p)
	case dle:
		d.execDLE(p)
	}
}

func (d *Decoder) execESC(p []byte) {
	s := &d.text.style
	var n byte
	if len(p) > 2 {
		n = p[2]
	}
	star := d.opts.StarLineMode
	switch p[1] {
	case '@':
		d.initialise()
		return
	case 'p':
		d.kick()
		return
	case 'm':
		d.cut()
		return
	case 'i':
		if !star {
			d.cut()
			return
		}
	case 'd':
		if star {
			d.cut()
			return
		}
	case '!':
		s.bold = n&0x08 != 0
		s.doubleHeight = n&0x10 != 0
		s.doubleWidth = n&0x20 != 0
		s.underline = n&0x80 != 0
	case 'E':
		s.bold = star || n&1 != 0
	case 'F':
		if star {
			s.bold = false
		}
	case '-':
		s.underline = n&3 != 0
	case 'a':
		s.align = alignName(n)
	case 't':
		if t := codePageForESCt(n); t != nil {
			d.text.table = t
		}
	case 'R':
		if n == 15 {
			d.text.chinese = true
		}
	case '*':
		d.graphics()
		return
	case 'v', 'u':
		return // status requests of old printers
	}
	d.openJob()
}

func (d *Decoder) execGS(p []byte) {
	s := &d.text.style
	var n byte
	if len(p) > 2 {
		n = p[2]
	}
	switch p[1] {
	case 'V':
		d.cut()
		return
	case 'r':
		d.st.request(d, reqGSr, n)
		return
	case 'I':
		d.st.request(d, reqGSI, n)
		return
	case 'a':
		return // ASB enable: no print
	case '!':
		s.doubleWidth = n&0x70 != 0
		s.doubleHeight = n&0x07 != 0
	case 'B':
		s.inverse = n&1 != 0
	case 'v', '8', '*', '/', 'k':
		d.graphics()
		return
	case '(':
		switch n {
		case 'L', 'k':
			d.graphics()
			return
		case 'H':
			return // "printed" request: answered with a block reply
		}
	}
	d.openJob()
}

func (d *Decoder) execFS(p []byte) {
	switch p[1] {
	case '&':
		d.text.chinese = true
	case '.':
		d.text.chinese = false
	case 'p':
		d.graphics()
		return
	}
	d.openJob()
}

func (d *Decoder) execDLE(p []byte) {
	switch p[1] {
	case eot:
		d.st.request(d, reqEOT, p[2])
	case dc4:
		if p[2] == 1 {
			d.kick()
		}
	}
}

func alignName(n byte) string {
	switch n {
	case 1, '1':
		return "center"
	case 2, '2':
		return "right"
	}
	return ""
}

// initialise is ESC @: it ends a job with content, resets the modes and
// opens a new (so far empty) job.
func (d *Decoder) initialise() {
	d.releaseHeld()
	if d.job != nil {
		if d.job.hasContent(&d.text) {
			d.endJob("init", false, d.job.last)
		} else {
			d.job = nil // an empty job restarts at this ESC @
		}
	}
	d.resetModes()
	d.openJob()
}

// resetModes restores the power-on modes.
func (d *Decoder) resetModes() {
	d.text.style = style{}
	d.text.table = d.initTable
	d.text.chinese = d.opts.ChineseDefault
}

// graphics marks the open job as holding an image.
func (d *Decoder) graphics() {
	d.openJob()
	d.job.graphics = true
}

// kick records a cash drawer kick on the open job, or on the receipt just
// cut when no job has started since.
func (d *Decoder) kick() {
	switch {
	case d.job != nil:
		d.job.kick = true
	case d.held != nil:
		d.held.DrawerKick = true
	}
}
