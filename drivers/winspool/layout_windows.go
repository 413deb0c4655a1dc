//go:build windows && (amd64 || arm64)

package winspool

import "unsafe"

// Compile-time checks of the structures the spooler fills against their
// Win32 layout on 64-bit Windows (winspool.h): a field out of place makes
// an array length negative and the build fails. Nothing here runs.
const (
	ptrSize = 8
	// PRINTER_INFO_2W: 13 pointers, then 8 DWORDs; Status is the sixth.
	printerInfo2Size   = 13*ptrSize + 8*4
	printerInfo2Status = 13*ptrSize + 5*4
	// DRIVER_INFO_8W: DWORD (padded to 8), 10 pointers, FILETIME,
	// DWORDLONG, 8 pointers, then dwPrinterDriverAttributes.
	driverInfo8Attributes = 8 + 10*ptrSize + 8 + 8 + 8*ptrSize
	// DOC_INFO_1W: 3 pointers.
	docInfo1Size = 3 * ptrSize
)

var (
	_ [unsafe.Sizeof(printerInfo2{}) - printerInfo2Size]byte
	_ [printerInfo2Size - unsafe.Sizeof(printerInfo2{})]byte
	_ [unsafe.Offsetof(printerInfo2{}.Status) - printerInfo2Status]byte
	_ [printerInfo2Status - unsafe.Offsetof(printerInfo2{}.Status)]byte
	_ [unsafe.Offsetof(driverInfo8{}.PrinterDriverAttributes) - driverInfo8Attributes]byte
	_ [driverInfo8Attributes - unsafe.Offsetof(driverInfo8{}.PrinterDriverAttributes)]byte
	_ [unsafe.Sizeof(docInfo1{}) - docInfo1Size]byte
	_ [docInfo1Size - unsafe.Sizeof(docInfo1{})]byte
)
