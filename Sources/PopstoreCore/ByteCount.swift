/// Byte sizes as an admin types them: `1048576`, `512K`, `10M`, `2G` (powers of 1024,
/// case-insensitive, as PMDF popstore accepted).
public enum ByteCount {
    /// Largest size accepted: 1 PiB, far beyond any maildrop, and safe from Int64 overflow
    /// when a quota and an overdraft are added.
    public static let maximum: Int64 = 1 << 50

    public static func parse(_ raw: String) throws(PopstoreError) -> Int64 {
        let text = raw.trimmingASCIIWhitespace().uppercased()
        var digits = Substring(text)
        var multiplier: Int64 = 1
        switch text.last {
        case "K": multiplier = 1 << 10
        case "M": multiplier = 1 << 20
        case "G": multiplier = 1 << 30
        default: break
        }
        if multiplier != 1 { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), digits.count <= 16, let value = Int64(digits),
            value <= maximum / multiplier
        else { throw .invalidInput("invalid size \(NameRules.printable(raw)): use bytes or a number with K, M or G") }
        return value * multiplier
    }

    /// The shortest exact spelling: `10M` for 10485760, `1500` for 1500.
    public static func format(_ bytes: Int64) -> String {
        for (suffix, unit) in [("G", Int64(1) << 30), ("M", Int64(1) << 20), ("K", Int64(1) << 10)]
        where bytes >= unit && bytes % unit == 0 {
            return "\(bytes / unit)\(suffix)"
        }
        return "\(bytes)"
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
