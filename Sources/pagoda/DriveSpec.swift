import PagodaDevices

/// A `--drive` value: `file=PATH[,readonly=on|off][,snapshot=on|off]`, comma-separated
/// `key=value` pairs in any order, QEMU's way (a comma inside PATH is written twice).
enum DriveSpec {
    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws(ParseError) -> DriveConfiguration {
        var path: String?
        var readOnly = false
        var snapshot = false
        var seen: Set<String> = []
        for field in fields(text) {
            guard let equals = field.firstIndex(of: "=") else {
                throw ParseError(description: "--drive: '\(field)' is not KEY=VALUE (in '\(text)')")
            }
            let key = String(field[..<equals]), value = String(field[field.index(after: equals)...])
            guard seen.insert(key).inserted else { throw ParseError(description: "--drive: '\(key)' given twice (in '\(text)')") }
            switch key {
            case "file":
                guard !value.isEmpty else { throw ParseError(description: "--drive: file= needs a path (in '\(text)')") }
                path = value
            case "readonly": readOnly = try toggle(key, value, text)
            case "snapshot": snapshot = try toggle(key, value, text)
            default:
                throw ParseError(description: "--drive: unknown key '\(key)' (known: file, readonly, snapshot; in '\(text)')")
            }
        }
        guard let path else { throw ParseError(description: "--drive needs file=PATH (got '\(text)')") }
        return DriveConfiguration(path: path, readOnly: readOnly, snapshot: snapshot)
    }

    /// The comma-separated fields of `text`, with ",," standing for a comma.
    private static func fields(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var characters = Array(text)[...]
        while let c = characters.popFirst() {
            if c == "," {
                if characters.first == "," {
                    characters.removeFirst()
                    current.append(",")
                } else {
                    result.append(current)
                    current = ""
                }
            } else {
                current.append(c)
            }
        }
        result.append(current)
        return result
    }

    private static func toggle(_ key: String, _ value: String, _ text: String) throws(ParseError) -> Bool {
        switch value {
        case "on": return true
        case "off": return false
        default: throw ParseError(description: "--drive: \(key) takes on or off, not '\(value)' (in '\(text)')")
        }
    }
}

/// A `--rng` value: `seeded` (splitmix64 from the default seed), `seed=N` (decimal or
/// 0x-prefixed hex), `host` (/dev/urandom) or `none` (no entropy device).
enum RNGSpec {
    static func parse(_ text: String) -> EntropySource?? {
        switch text {
        case "seeded": return .some(.seeded(EntropySource.defaultSeed))
        case "host": return .some(.host)
        case "none": return .some(nil)
        default:
            guard text.hasPrefix("seed=") else { return nil }
            let number = text.dropFirst("seed=".count)
            let seed = number.hasPrefix("0x") ? UInt64(number.dropFirst(2), radix: 16) : UInt64(number)
            return seed.map { .some(.seeded($0)) }
        }
    }
}
