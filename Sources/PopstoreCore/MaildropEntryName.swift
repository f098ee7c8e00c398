import Foundation

/// The name of one maildrop entry, which carries the per-recipient state of a message.
///
/// `<arrival>.<uid>.<size>[.r]`: arrival in microseconds since 1970, zero-padded to 16
/// digits so names sort in arrival order; the unique id that UIDL reports (RFC 1939 §7:
/// 1 to 70 characters from 0x21 to 0x7E; here 24 lower-case hex digits); the size
/// as downloaded, so STAT and LIST open no file; `.r` once the message was retrieved.
/// Marking retrieved is an atomic rename within the maildrop directory.
public struct MaildropEntryName: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var arrivalMicros: Int64
    public var uid: String
    public var size: Int64
    public var retrieved: Bool

    /// Length of a uid made by `makeUID`.
    public static let uidLength = 24

    public init(arrivalMicros: Int64, uid: String, size: Int64, retrieved: Bool = false) {
        self.arrivalMicros = arrivalMicros
        self.uid = uid
        self.size = size
        self.retrieved = retrieved
    }

    public init?(_ name: String) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 || (parts.count == 4 && parts[3] == "r"),
            parts[0].count == 16, parts[0].allSatisfy(\.isASCIIDigit), let arrival = Int64(parts[0]),
            MaildropEntryName.isValidUID(parts[1]),
            parts[2].allSatisfy(\.isASCIIDigit), !parts[2].isEmpty, parts[2].count <= 18,
            parts[2] == "0" || parts[2].first != "0", let size = Int64(parts[2])
        else { return nil }
        self.init(arrivalMicros: arrival, uid: String(parts[1]), size: size, retrieved: parts.count == 4)
    }

    public var description: String {
        let arrival = String(arrivalMicros)
        let padded = String(repeating: "0", count: max(0, 16 - arrival.count)) + arrival
        return "\(padded).\(uid).\(size)" + (retrieved ? ".r" : "")
    }

    public var arrival: Date { Date(timeIntervalSince1970: Double(arrivalMicros) / 1_000_000) }

    /// Lower-case hex, as `makeUID` produces; nothing else is accepted from a file name
    /// or from a command argument.
    public static func isValidUID<S: StringProtocol>(_ uid: S) -> Bool {
        uid.utf8.count == uidLength && uid.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// 96 random bits: unique without coordination between processes or hosts.
    public static func makeUID<G: RandomNumberGenerator>(using generator: inout G) -> String {
        var out = ""
        for _ in 0..<3 {
            let word = generator.next() as UInt32
            let hex = String(word, radix: 16)
            out += String(repeating: "0", count: 8 - hex.count) + hex
        }
        return out
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.arrivalMicros, a.uid) < (b.arrivalMicros, b.uid)
    }
}
