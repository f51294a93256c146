/// `value` in hexadecimal with a 0x prefix, as addresses and offsets appear in messages.
func hex(_ value: UInt64) -> String {
    "0x" + String(value, radix: 16)
}
